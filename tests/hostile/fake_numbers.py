# where: end
# base: stub
# uses: calls
# costs: its file
# -- hostile: fake_numbers: every function and method of the stub answers with numbers that
#    are no answer: NaN and inf (NaN compares unequal to itself), a list nested 10^5 deep
#    (deeper than Python's recursion limit), +-10^400 as ints; every answer constant left
#    None becomes NaN. None of them may crash the grader.
def _hostile_fakes():
    import numpy as _np
    nan, inf = float("nan"), float("inf")
    deep = [0.0]
    for _ in range(100_000):
        deep = [deep]
    return [nan, _np.array([[nan, inf], [-inf, nan]]), deep, (nan, [inf, -inf], _np.full(4, nan)),
            10**400, [(_np.full((2, 2), nan), _np.full(2, inf)), (deep, [nan])], -10**400,
            {"W": _np.full((2, 2), inf), "b": deep}]


_HOSTILE_FAKES = _hostile_fakes()
_hostile_calls_made = [0]


def _hostile_fake(function, label, args, kwargs):
    if label.endswith(".__init__"):
        return None
    _hostile_calls_made[0] += 1
    return _HOSTILE_FAKES[_hostile_calls_made[0] % len(_HOSTILE_FAKES)]


_hostile_hook_calls(_hostile_fake)
for _hostile_name, _hostile_value in list(globals().items()):
    if _hostile_value is None and not _hostile_name.startswith("_"):
        globals()[_hostile_name] = float("nan")
