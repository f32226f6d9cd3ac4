#!/bin/bash
# rss_sample.sh OUT_TSV HTTP_PORT -- COMMAND...
# Runs COMMAND, samples its resident set size (VmRSS) every 0.1 s, and when it exits appends one line to OUT_TSV:
#   <date> <baseline_kB> <peak_kB> <growth_kB>
# baseline = RSS when http://127.0.0.1:HTTP_PORT/healthz first answers (the server is up and idle; the harness starts
# its clients only after that, once the server answers C-ECHO), peak = the largest sample afterwards. (It used to wait
# 1 s more; a run shorter than that, such as 78 MB files on a fast day, then had no baseline and no line.)
# Used by gateway_throughput.sh to check that memory stays flat while large files stream through. TERM is forwarded
# to COMMAND.
set -u
OUT=$1; HTTP_PORT=$2; shift 2; [ "$1" = "--" ] && shift
"$@" &
CHILD=$!
trap 'kill -TERM "$CHILD" 2>/dev/null' TERM INT
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$CHILD/status" 2>/dev/null; }
baseline=""; peak=0
while kill -0 "$CHILD" 2>/dev/null; do
    if [ -z "$baseline" ]; then
        curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1 && baseline=$(rss)
    else
        r=$(rss); [ -n "$r" ] && (( r > peak )) && peak=$r
    fi
    sleep 0.1
done
wait "$CHILD"; rc=$?
if [ -n "$baseline" ]; then
    (( peak < baseline )) && peak=$baseline
    printf '%s\t%s\t%s\t%s\n' "$(date -Is)" "$baseline" "$peak" "$(( peak - baseline ))" >> "$OUT"
fi
exit $rc
