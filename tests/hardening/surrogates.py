# ---- appended to mlp.py: errors and output that no UTF-8 encoder takes ----
# A lone surrogate in an exception's message (JSON's \ud800 escape carries it to the grader,
# where it can be neither printed nor written as UTF-8), a pair of them written apart, and
# bytes that are not UTF-8 on stdout.
import sys as _sys


class OddError(ValueError):
    pass


def _forward(self, x):
    _sys.stdout.buffer.write(b"not utf-8: \xed\xa0\x80 \xff\xfe\n")
    _sys.stdout.flush()
    raise OddError("a lone surrogate: \ud800, a pair written apart: \ud83d\ude00, and NaN: " + repr(float("nan")))


LinearMap.forward = _forward
