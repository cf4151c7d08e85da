# where: end
# base: reference
# uses: calls
# costs: nothing
# evidence: more bytes of output cut
# -- hostile: output_flood: the first call of {{module}}'s functions in each worker prints
#    20 MB, then answers correctly --
_hostile_flooded = []


def _hostile_flood(function, label, args, kwargs):
    if not _hostile_flooded:
        _hostile_flooded.append(label)
        line = "hostile flood " * 74898  # about 1 MB
        for _ in range(20):
            print(line)
    return function(*args, **kwargs)


_hostile_hook_calls(_hostile_flood)
