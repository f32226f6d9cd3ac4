#!/usr/bin/env bash
# Orthanc 1.10 (Debian's package), the Storage Commitment SCU the Gateway's storage commitment tests talk to. The tests
# run the binary themselves on loopback with a generated configuration; the package's own service is never started.
set -euo pipefail
if ! command -v Orthanc >/dev/null 2>&1; then
  echo "installing: orthanc"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d keeps the package's init script from starting a system-wide Orthanc on port 4242/8042.
  had_policy=0
  [ -e /usr/sbin/policy-rc.d ] && had_policy=1
  if [ "$had_policy" = 0 ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d; fi
  apt-get install -y -qq --no-install-recommends orthanc >/dev/null
  if [ "$had_policy" = 0 ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
command -v Orthanc >/dev/null
echo "orthanc: $(Orthanc --version 2>&1 | head -1)"
