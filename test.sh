#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine of this kind.
# 1. installs what the tests need (each tests/setup.d/*.sh script: DCMTK, pydicom's corpus, npm emulators, ...)
# 2. restores and builds the solution (warnings are errors)
# 3. runs every test project, writing trx results
# 4. ends with the plain line "N passed, N failed" counted from the trx results
set -uo pipefail
cd "$(dirname "$0")"
ROOT="$PWD"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== setup"
for script in tests/setup.d/*.sh; do
  [ -e "$script" ] || continue
  echo "-- $script"
  if ! bash "$script"; then
    echo "setup script failed: $script" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
done

echo "== build"
if ! dotnet build ImagingGateway.slnx -c Release -nologo -clp:ErrorsOnly; then
  echo "build failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== test"
RESULTS="$ROOT/TestResults"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
status=0
projects=$(find tests -name '*.Tests.csproj' | sort)
expected=$(echo "$projects" | grep -c .)
# Test projects run one after another: the machine has two cores and several suites start servers.
for proj in $projects; do
  name=$(basename "$proj" .csproj)
  echo "-- $name"
  if ! dotnet test "$proj" -c Release --no-build -nologo \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
      --results-directory "$RESULTS" ${TEST_FILTER:+--filter "$TEST_FILTER"}; then
    status=1
  fi
done

passed=0; failed=0; skipped=0; total=0
for trx in "$RESULTS"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  p=$(get passed); f=$(get failed); t=$(get total); e=$(get error); x=$(get timeout); ab=$(get aborted)
  nr=$(get notExecuted)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${x:-0} + ${ab:-0}))
  skipped=$((skipped + ${nr:-0}))
  total=$((total + ${t:-0}))
done
found=$(ls "$RESULTS"/*.trx 2>/dev/null | wc -l)
if [ "$found" -lt "$expected" ]; then
  echo "only $found of $expected test projects produced results" >&2
  failed=$((failed + expected - found))
  status=1
fi
if [ "$skipped" -gt 0 ]; then
  echo "$skipped tests were skipped or not executed; a skipped test counts as failed here" >&2
  failed=$((failed + skipped))
  status=1
fi
if [ "$failed" -gt 0 ]; then
  status=1
  # The failures again, at the end, where a CI log's tail shows them: test name and the first lines of its message.
  python3 - "$RESULTS" >&2 <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for trx in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    for result in ET.parse(trx).getroot().iterfind(".//t:UnitTestResult", ns):
        if result.get("outcome") not in ("Passed", "NotExecuted"):
            message = result.find("t:Output/t:ErrorInfo/t:Message", ns)
            lines = (message.text or "").strip().splitlines()[:6] if message is not None else []
            print(f"FAILED {result.get('testName')} ({result.get('outcome')})")
            for line in lines:
                print(f"    {line}")
PY
fi
echo "$passed passed, $failed failed"
exit $status
