# where: end
# base: stub
# uses: calls
# costs: its file
# -- hostile: equal_to_anything: every function and method of the stub answers with objects
#    that claim to equal anything (an object whose == is always True, an ndarray subclass
#    whose comparisons are all True, a float equal to every number), every answer constant
#    left None becomes one, and instances make up any attribute asked for. None of them is
#    plain data, so none may leave the worker as a number.
def _hostile_fakes():
    import numpy as _np

    class AlwaysEqual:
        shape = property(lambda self: (2, 2))
        __eq__ = lambda self, other: True
        __ne__ = lambda self, other: False
        __lt__ = __le__ = __gt__ = __ge__ = __eq__
        __hash__ = object.__hash__
        __len__ = lambda self: 2
        __iter__ = lambda self: iter([self, self])
        __getitem__ = lambda self, key: self
        __float__ = lambda self: 1.0
        __int__ = __index__ = lambda self: 1
        __bool__ = lambda self: True
        __array__ = lambda self, dtype=None, copy=None: _np.ones((2, 2))

    class EqualArray(_np.ndarray):
        __eq__ = lambda self, other: _np.ones(_np.shape(other), dtype=bool)
        __ne__ = lambda self, other: _np.zeros(_np.shape(other), dtype=bool)
        __hash__ = None

    class EqualFloat(float):
        __eq__ = lambda self, other: True
        __ne__ = lambda self, other: False
        __hash__ = float.__hash__

    anything = AlwaysEqual()
    array = _np.zeros((2, 2)).view(EqualArray)
    return [anything, array, EqualFloat(0.0), (anything, array, EqualFloat(1.0)),
            [(array, array), (anything, EqualFloat(0.0))], {"W": anything, "b": array}]


_HOSTILE_FAKES = _hostile_fakes()
_hostile_calls_made = [0]


def _hostile_equal(function, label, args, kwargs):
    if label.endswith(".__init__"):
        return None
    _hostile_calls_made[0] += 1
    return _HOSTILE_FAKES[_hostile_calls_made[0] % len(_HOSTILE_FAKES)]


_hostile_hook_calls(_hostile_equal)
for _hostile_name, _hostile_value in list(globals().items()):
    if _hostile_value is None and not _hostile_name.startswith("_"):
        globals()[_hostile_name] = _HOSTILE_FAKES[0]
    elif isinstance(_hostile_value, type) and getattr(_hostile_value, "__module__", None) == __name__:
        _hostile_value.__getattr__ = lambda self, name, fake=_HOSTILE_FAKES[0]: fake
