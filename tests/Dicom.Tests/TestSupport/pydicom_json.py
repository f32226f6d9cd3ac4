"""Prints pydicom's DICOM JSON (PS3.18 F.2) of a file's data set, binary values left out. Test oracle only."""
import json
import sys

import pydicom

ds = pydicom.dcmread(sys.argv[1], force=True)
print(json.dumps(ds.to_json_dict(bulk_data_threshold=1 << 30, bulk_data_element_handler=lambda e: "")))
