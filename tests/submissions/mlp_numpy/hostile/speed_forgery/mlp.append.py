

# -- hostile: LinearMap.forward is slow on the speed check's batch of 1000 (50 ms a call,
# far beyond 10x the reference), and the worker's "repeat" request, which the speed
# check times, is replaced by a no-op.
import sys as _sys
import time as _time

_reference_forward = LinearMap.forward


def _forward_slowly(self, x):
    if len(x) == 1000:
        _time.sleep(0.05)
    return _reference_forward(self, x)


LinearMap.forward = _forward_slowly
_sys.modules["__main__"].OPS["repeat"] = lambda message: None
