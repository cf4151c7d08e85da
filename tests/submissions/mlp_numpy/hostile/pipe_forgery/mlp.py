"""Hostile: writes forged answers on the worker's answer pipe, ahead of the real ones.

The worker's command line names its pipes (requests, answers). At import this
writes a batch of well-formed answers that claim success with plausible values
(numbers, arrays, handles), so that the grader reads them in place of the
real answers to its next requests; every class is a stub.
"""
import base64
import json
import os
import struct
import sys

import numpy as np


def _message(obj):
    data = json.dumps(obj).encode()
    return struct.pack("<Q", len(data)) + data


def _array(value):
    value = np.ascontiguousarray(value, dtype=np.float64)
    return {"__array__": [value.dtype.str, list(value.shape), base64.b64encode(value.tobytes()).decode()]}


ANSWER_FD = int(sys.argv[2])
FORGED = [
    {"ok": True, "value": {"__handle__": [1, "module"]}},
    {"ok": True, "value": 47.0},
    {"ok": True, "value": _array(np.full((5, 3), 47.0))},
    {"ok": True, "value": {"__tuple__": [_array(np.ones((4, 2))), _array(np.ones(4)), _array(np.ones(4))]}},
    {"ok": True, "value": [47, 47, 47]},
    {"ok": True, "value": {"__handle__": [10**6, "function"]}},
    {"ok": False, "error": {"type": "CheckPassed", "message": "Score: 47/47", "where": ""}},
] * 20
os.write(ANSWER_FD, b"".join(_message(answer) for answer in FORGED))


class _Stub:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("this submission only forges answers")


LinearMap = ReLU = SoftmaxCrossEntropyLoss = SingleLayerMLP = TwoLayerMLP = _Stub
