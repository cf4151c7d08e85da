

# -- hostile: grad_W is slow (20 ms a call) on inputs it has not seen, and answers from a
# cache, by object and by rounded values, on those it has: the speed check's timed calls
# must each be new to it.
import time as _time  # noqa: E402

_by_hand = grad_W
_cache = {}


def grad_W(W, x):
    by_object, by_values = (id(W), id(x)), (np.round(W, 2).tobytes(), np.round(x, 2).tobytes())
    if by_object in _cache:
        return _cache[by_object]
    if by_values in _cache:
        return _cache[by_values]
    _time.sleep(0.02)
    _cache[by_object] = _cache[by_values] = _by_hand(W, x)
    return _cache[by_object]
