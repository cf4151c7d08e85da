# where: end
# base: reference
# uses: calls
# costs: its file
# evidence: memory|did not finish within
# -- hostile: memory_growth: the first call of any of {{module}}'s functions in each worker grows
#    a list until something stops it (the memory limit, or the time limit on a busy machine) --
def _hostile_grow(function, label, args, kwargs):
    if _hostile_first("grow"):
        hog = []
        while True:
            hog.append(b"\1" * 2**26)  # 64 MB, written, each time
    return function(*args, **kwargs)


_hostile_hook_calls(_hostile_grow)
