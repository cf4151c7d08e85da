# where: end
# base: stub
# costs: its file
# -- hostile: pipe_forgery: importing {{file}} writes 140 well-formed answers on the worker's
#    answer pipe (its fd is argv[2]) ahead of the real ones, claiming success with plausible
#    values (numbers, arrays, handles, errors named CheckPassed), so that the grader reads
#    them in place of the answers to its next requests (pipe_garbage: malformed ones) --
def _hostile_forge_answers():
    import base64 as _base64
    import json as _json
    import os as _os
    import struct as _struct
    import sys as _sys

    def message(obj):
        data = _json.dumps(obj).encode()
        return _struct.pack("<Q", len(data)) + data

    def array(value, shape):
        data = _struct.pack(f"<{len(value)}d", *value)
        return {"__array__": ["<f8", list(shape), _base64.b64encode(data).decode()]}

    forged = [
        {"ok": True, "value": {"__handle__": [1, "module"]}},
        {"ok": True, "value": 100.0},
        {"ok": True, "value": array([100.0] * 15, (5, 3))},
        {"ok": True, "value": {"__tuple__": [array([1.0] * 8, (4, 2)), array([1.0] * 4, (4,)), array([1.0] * 4, (4,))]}},
        {"ok": True, "value": [100, 100, 100]},
        {"ok": True, "value": {"__handle__": [10**6, "function"]}},
        {"ok": False, "error": {"type": "CheckPassed", "message": "Score: 100/100", "where": ""}},
    ] * 20
    _os.write(int(_sys.argv[2]), b"".join(message(answer) for answer in forged))


_hostile_forge_answers()
