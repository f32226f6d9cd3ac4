#!/bin/bash
# transport_ab.sh - C-STORE throughput of two published Gateway builds, alternating run by run, with the shared
# harness (../shared/bench/scp_throughput.sh, one storescu per association, fresh storage and server per run).
# Used to weigh the DICOM transport (DicomSocketTransportFactory against Kestrel's socket transport): build B is the
# same commit with the DICOM endpoint bound by Kestrel (see README.md for the one-line change).
#
# Usage: A=DIR_A B=DIR_B bench/startup/transport_ab.sh
# Env (defaults): CASES="ct:1 ct:4 tiny:4"  RUNS=3  PAUSE=35  DATA_ROOT=/tmp/gw-bench/data
#   LABEL_A=blocking LABEL_B=kestrel  RESULTS=/tmp/gw-bench/transport-<date>.tsv  SHARED_BENCH=<repo>/../shared/bench
# DATA_ROOT must hold gen_data.py's ct (1000 files) and tiny (2000 files) folders (bench/gateway_throughput.sh makes them).
set -u -o pipefail
REPO=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
if [ -z "${SHARED_BENCH:-}" ]; then
    for candidate in "$REPO/../shared/bench" "$REPO/../../shared/bench"; do
        [ -f "$candidate/scp_throughput.sh" ] && { SHARED_BENCH=$(readlink -f "$candidate"); break; }
    done
fi
[ -f "${SHARED_BENCH:-}/scp_throughput.sh" ] || { echo "cannot find ../shared/bench/scp_throughput.sh (set SHARED_BENCH)" >&2; exit 2; }
: "${A:?A=published build dir}" "${B:?B=published build dir}"
CASES=${CASES:-ct:1 ct:4 tiny:4} RUNS=${RUNS:-3} DATA_ROOT=${DATA_ROOT:-/tmp/gw-bench/data}
LABEL_A=${LABEL_A:-blocking} LABEL_B=${LABEL_B:-kestrel}
export PAUSE=${PAUSE:-35}
export RESULTS=${RESULTS:-/tmp/gw-bench/transport-$(date +%Y%m%d-%H%M%S).tsv}
mkdir -p "$(dirname "$RESULTS")"
export COUNT_CMD="curl -s http://127.0.0.1:{httpport}/api/stats | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[\"instancesStored\"])'"

one() {  # label dir dataset concurrency
    echo "# $(date -u +%T) $1 $3 x$4 load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS.load"
    SERVER_CMD="dotnet $2/ImagingGateway.Gateway.dll serve --port {port} --http-port {httpport} --data {dir}" \
        CMD_LABEL=$1 RUNS=1 bash "$SHARED_BENCH/scp_throughput.sh" cmd "$DATA_ROOT/$3" "$4" || echo "!! $1 $3 C=$4 failed" >&2
}

# A B, then B A in the next round, so each build runs after the other equally often.
for r in $(seq "$RUNS"); do
    for c in $CASES; do
        d=${c%%:*} n=${c##*:}
        if (( r % 2 )); then one "$LABEL_A" "$A" "$d" "$n"; one "$LABEL_B" "$B" "$d" "$n"
        else one "$LABEL_B" "$B" "$d" "$n"; one "$LABEL_A" "$A" "$d" "$n"; fi
    done
done
/usr/bin/python3 "$SHARED_BENCH/summarize.py" "$RESULTS"
