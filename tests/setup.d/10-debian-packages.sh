#!/usr/bin/env bash
# DCMTK (storescu, echoscu, storescp, dcmdump and the data dictionary dicom.dic), pydicom's test corpus, and what the
# file-system tests use to make and mount an ext4 image on a loop device and to read attributes (e2fsprogs' mkfs.ext4
# and lsattr, mount's mount/umount).
set -euo pipefail
need=()
command -v storescu >/dev/null 2>&1 || need+=(dcmtk)
[ -f /usr/share/libdcmtk17/dicom.dic ] || need+=(libdcmtk17)
[ -d /usr/lib/python3/dist-packages/pydicom/data/test_files ] || need+=(python3-pydicom)
{ command -v mkfs.ext4 && command -v lsattr; } >/dev/null 2>&1 || need+=(e2fsprogs)
{ command -v mount && command -v umount; } >/dev/null 2>&1 || need+=(mount)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v storescu >/dev/null
[ -f /usr/share/libdcmtk17/dicom.dic ]
[ -d /usr/lib/python3/dist-packages/pydicom/data/test_files ]
command -v mkfs.ext4 >/dev/null
command -v lsattr >/dev/null
command -v mount >/dev/null
echo "dcmtk: $(storescu --version 2>&1 | head -1)"
