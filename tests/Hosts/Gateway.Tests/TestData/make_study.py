#!/usr/bin/python3
"""Writes a small synthetic multi-series study as Part 10 files (Explicit VR Little Endian), deterministic per seed.

Usage: make_study.py OUT_DIR [--series S] [--instances N] [--rows R] [--seed X] [--study-index K]
Prints one line per file: path<TAB>studyInstanceUID<TAB>seriesInstanceUID<TAB>sopInstanceUID
Needs python3-pydicom (/usr/bin/python3 on Debian).
"""
import argparse
import os

import random
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, PYDICOM_IMPLEMENTATION_UID, generate_uid

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--series", type=int, default=3)
    p.add_argument("--instances", type=int, default=4)
    p.add_argument("--rows", type=int, default=64)
    p.add_argument("--seed", default="gateway-tests")
    p.add_argument("--study-index", type=int, default=0)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    study = generate_uid(entropy_srcs=[a.seed, "study", str(a.study_index)])
    rng = random.Random(f"{a.seed}/{a.study_index}")
    for s in range(a.series):
        series = generate_uid(entropy_srcs=[a.seed, "series", str(a.study_index), str(s)])
        for i in range(a.instances):
            sop = generate_uid(entropy_srcs=[a.seed, "sop", str(a.study_index), str(s), str(i)])
            meta = FileMetaDataset()
            meta.MediaStorageSOPClassUID = CT_IMAGE_STORAGE
            meta.MediaStorageSOPInstanceUID = sop
            meta.TransferSyntaxUID = ExplicitVRLittleEndian
            meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
            path = os.path.join(a.out, f"s{a.study_index:02d}_se{s:02d}_i{i:03d}.dcm")
            ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
            ds.SOPClassUID = CT_IMAGE_STORAGE
            ds.SOPInstanceUID = sop
            ds.StudyDate = "20261128"
            ds.StudyTime = "120000"
            ds.Modality = "CT"
            ds.PatientName = f"Test^Patient{a.study_index}"
            ds.PatientID = f"PID{a.study_index:04d}"
            ds.StudyInstanceUID = study
            ds.SeriesInstanceUID = series
            ds.StudyID = "1"
            ds.SeriesNumber = s + 1
            ds.InstanceNumber = i + 1
            ds.SamplesPerPixel = 1
            ds.PhotometricInterpretation = "MONOCHROME2"
            ds.Rows = a.rows
            ds.Columns = a.rows
            ds.BitsAllocated = 16
            ds.BitsStored = 12
            ds.HighBit = 11
            ds.PixelRepresentation = 0
            ds.PixelData = b"".join((rng.getrandbits(12)).to_bytes(2, "little") for _ in range(a.rows * a.rows))
            ds.is_little_endian = True
            ds.is_implicit_VR = False
            ds.save_as(path, write_like_original=False)
            print(f"{path}\t{study}\t{series}\t{sop}")


if __name__ == "__main__":
    main()
