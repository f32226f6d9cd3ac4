#!/bin/bash
# first_minute.sh - the Gateway's first minute after a start, configurations alternated (first_minute.py has the
# method and the settings). Runs in a private network namespace (as ../shared/bench/scp_throughput.sh does), so the
# ports cannot collide with another process on the machine. Needs: root (unshare), dotnet, dcmtk (storescu),
# /usr/bin/python3; the data from ../shared/bench/gen_data.py (bench/gateway_throughput.sh generates the same folders).
# Example:
#   dotnet publish src/Hosts/Gateway -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
#       -p:UseAppHost=false -o /tmp/gw-bench/gw
#   GW=/tmp/gw-bench/gw DATA_ROOT=/tmp/gw-bench/data CONFIGS="today tiered" RUNS=3 bench/startup/first_minute.sh
set -u -o pipefail
HERE=$(dirname "$(readlink -f "$0")")
exec unshare --net --fork --kill-child -- /bin/bash -c 'ip link set lo up && exec /usr/bin/python3 "$0"' "$HERE/first_minute.py"
