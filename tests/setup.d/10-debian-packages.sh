#!/usr/bin/env bash
# DCMTK (storescu, echoscu, storescp, dcmdump and the data dictionary dicom.dic) and pydicom's test corpus.
set -euo pipefail
need=()
command -v storescu >/dev/null 2>&1 || need+=(dcmtk)
[ -f /usr/share/libdcmtk17/dicom.dic ] || need+=(libdcmtk17)
[ -d /usr/lib/python3/dist-packages/pydicom/data/test_files ] || need+=(python3-pydicom)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v storescu >/dev/null
[ -f /usr/share/libdcmtk17/dicom.dic ]
[ -d /usr/lib/python3/dist-packages/pydicom/data/test_files ]
echo "dcmtk: $(storescu --version 2>&1 | head -1)"
