#!/bin/bash
# gateway_throughput.sh - C-STORE receive throughput of the Gateway (durable default configuration) side by side
# with DCMTK storescp, interleaved run by run, using the shared harness in ../shared/bench (see its README.md).
# Three servers by default:
#   storescp          the shared harness's preset: DCMTK storescp, which never fsyncs (the issue's baseline)
#   storescp-durable  the same storescp with durable_storescp/fsync_before_close.so preloaded: each instance's file
#                     and its folder are fsynced before storescp sends the C-STORE-RSP (DCMTK made durable the
#                     simplest way, one fsync per file); every run checks that every instance was synced
#   cmd               the Gateway (label "gateway")
#
# Usage: bench/gateway_throughput.sh            (from anywhere; paths are relative to the repository root)
# Env (defaults):
#   DATASETS="ct tiny large"   CONCS="1 4"   RUNS=3   SERVERS="storescp storescp-durable cmd"   PAUSE=35
#   DATA_ROOT=/tmp/gw-bench/data   (gen_data.py output; regenerated only when missing)
#   CT_COUNT=1000  TINY_COUNT=2000  LARGE_COUNT=6    (files per data set)
#   GW_OUT=/tmp/gw-bench/gw        (where the Gateway is published, ReadyToRun)
#   RESULTS=/tmp/gw-bench/results-<date>.tsv        RSS_TSV=<RESULTS>.rss.tsv (gateway memory per run)
#   FLUSH_TSV=<RESULTS>.flush.tsv (bench/flush_latency.py before and after the runs)
#   SHARED_BENCH=<repo>/../shared/bench (or <repo>/../../shared/bench for a worktree)
# Needs: dotnet, gcc, dcmtk (storescu, storescp, echoscu), unshare (util-linux), curl, /usr/bin/python3 with
# python3-pydicom and python3-numpy (gen_data.py).
set -u -o pipefail
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
HERE=$REPO/bench
# ../shared/bench next to the repository (a git worktree one level deeper finds ../../shared/bench)
if [ -z "${SHARED_BENCH:-}" ]; then
    for candidate in "$REPO/../shared/bench" "$REPO/../../shared/bench"; do
        [ -f "$candidate/scp_throughput.sh" ] && { SHARED_BENCH=$(readlink -f "$candidate"); break; }
    done
fi
[ -f "${SHARED_BENCH:-}/scp_throughput.sh" ] || { echo "cannot find ../shared/bench/scp_throughput.sh (set SHARED_BENCH)" >&2; exit 2; }
DATASETS=${DATASETS:-ct tiny large} CONCS=${CONCS:-1 4} RUNS=${RUNS:-3} SERVERS=${SERVERS:-storescp storescp-durable cmd}
export PAUSE=${PAUSE:-35}
DATA_ROOT=${DATA_ROOT:-/tmp/gw-bench/data}
GW_OUT=${GW_OUT:-/tmp/gw-bench/gw}
mkdir -p "$DATA_ROOT" "$(dirname "$GW_OUT")"
export RESULTS=${RESULTS:-/tmp/gw-bench/results-$(date +%Y%m%d-%H%M%S).tsv}
RSS_TSV=${RSS_TSV:-$RESULTS.rss.tsv}

for tool in dotnet gcc storescu storescp echoscu unshare curl; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 2; }
done
/usr/bin/python3 -c 'import pydicom, numpy' 2>/dev/null || { echo "gen_data.py needs /usr/bin/python3 with python3-pydicom and python3-numpy (apt-get install python3-pydicom python3-numpy)" >&2; exit 2; }

# Published as it ships (src/Hosts/Gateway/Dockerfile): ReadyToRun, so a fresh process does not spend the first
# thousands of C-STOREs in the JIT (each run below starts the server cold).
echo "# publishing the Gateway (ReadyToRun) into $GW_OUT"
# A previous output only (never an arbitrary folder someone pointed GW_OUT at).
if [ -f "$GW_OUT/ImagingGateway.Gateway.dll" ]; then rm -rf "$GW_OUT"; fi
dotnet publish "$REPO/src/Hosts/Gateway" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -p:UseAppHost=false -o "$GW_OUT" -nologo -clp:ErrorsOnly || exit 1

# Files per data set.
files_of() { case $1 in ct) echo "${CT_COUNT:-1000}" ;; tiny) echo "${TINY_COUNT:-2000}" ;; large) echo "${LARGE_COUNT:-6}" ;; esac; }

for d in $DATASETS; do
    n=$(files_of "$d")
    [ -n "$n" ] || { echo "unknown data set $d" >&2; exit 2; }
    if [ ! -d "$DATA_ROOT/$d" ] || [ "$(find "$DATA_ROOT/$d" -type f | wc -l)" != "$n" ]; then
        echo "# generating $d ($n files) in $DATA_ROOT"
        /usr/bin/python3 "$SHARED_BENCH/gen_data.py" "$d" --count "$n" --out "$DATA_ROOT" || exit 1
    fi
done

# storescp made durable: fsync of each file and its folder before the C-STORE-RSP (durable_storescp/).
SHIM=$(dirname "$GW_OUT")/fsync_before_close.so
SHIM_REPORT=$(dirname "$GW_OUT")/fsync_before_close.report
gcc -O2 -Wall -Wextra -Werror -shared -fPIC -o "$SHIM" "$HERE/durable_storescp/fsync_before_close.c" -ldl || exit 1

# The Gateway in its default, durable configuration (fsync before every C-STORE success, group commit), all
# local under the run's storage folder; its memory is sampled by rss_sample.sh.
export CMD_LABEL=gateway
export SERVER_CMD="$HERE/rss_sample.sh $RSS_TSV {httpport} -- dotnet $GW_OUT/ImagingGateway.Gateway.dll serve --port {port} --http-port {httpport} --data {dir}"
export COUNT_CMD="curl -s http://127.0.0.1:{httpport}/api/stats | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[\"instancesStored\"])'"
echo "# results -> $RESULTS (gateway memory -> $RSS_TSV)"

# One run of one server (the shared harness, RUNS=1). storescp-durable is the storescp preset with the library
# preloaded, and afterwards it must have synced every instance.
one() {
    local server=$1 d=$2 c=$3 preset=$1 settings=()
    if [ "$server" = storescp-durable ]; then
        preset=storescp
        settings=(LABEL=storescp-durable "SERVER_ENV=TCP_NODELAY=1 LD_PRELOAD=$SHIM FSYNC_SHIM_REPORT=$SHIM_REPORT")
        : > "$SHIM_REPORT"
    fi
    env "${settings[@]}" RUNS=1 bash "$SHARED_BENCH/scp_throughput.sh" "$preset" "$DATA_ROOT/$d" "$c" \
        || echo "!! $server $d C=$c failed" >&2
    if [ "$server" = storescp-durable ]; then
        local synced
        synced=$(awk '{ n += $1 } END { print n + 0 }' "$SHIM_REPORT")
        if (( synced < $(files_of "$d") )); then
            echo "!! storescp-durable fsynced $synced files, fewer than the $(files_of "$d") it received: not a durable baseline" >&2
            exit 1
        fi
    fi
}

# The device's durable-write latency before and after the runs (bench/flush_latency.py): every durable C-STORE
# response waits for at least one such write, so it bounds what a durable server can do with one association.
FLUSH_TSV=${FLUSH_TSV:-$RESULTS.flush.tsv}
flush_probe() {
    mkdir -p /tmp/bench-data
    /usr/bin/python3 "$HERE/flush_latency.py" /tmp/bench-data --runs 1 | sed "s/^/$1\t/" >> "$FLUSH_TSV" || exit 1
}
flush_probe before

# Interleaved: run 1 of every (data set, C, server), then run 2 of each, so the VM's drift hits every server alike.
# The order of the servers rotates from run to run: a run pays for what the run before it left behind (ext4 without
# a journal skips recently freed inodes at every create, and each run ends by deleting its storage), so with as many
# runs as servers, every server runs once after each of the others.
read -r -a servers <<< "$SERVERS"
for r in $(seq "$RUNS"); do
    for d in $DATASETS; do for c in $CONCS; do
        for i in "${!servers[@]}"; do
            one "${servers[(i + r - 1) % ${#servers[@]}]}" "$d" "$c"
        done
    done; done
done
flush_probe after
/usr/bin/python3 "$SHARED_BENCH/summarize.py" "$RESULTS"
echo "# device flush latency (bench/flush_latency.py, 8 KB records) -> $FLUSH_TSV"
cat "$FLUSH_TSV"
if [ -s "$RSS_TSV" ]; then
    echo "# gateway RSS per run (kB): baseline peak growth"
    cut -f2- "$RSS_TSV"
fi
