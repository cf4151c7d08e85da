# where: end
# base: reference
# uses: calls
# costs: its file
# evidence: memory
# -- hostile: memory_bomb: every call of {{module}}'s functions first asks for 50 GB at once,
#    from torch when the worker has it, else from numpy --
def _hostile_allocate(function, label, args, kwargs):
    import sys as _sys
    torch = _sys.modules.get("torch")
    if torch is not None:
        hog = torch.empty(50 * 10**9, dtype=torch.uint8)
        hog.fill_(1)
    else:
        import numpy as _numpy
        hog = _numpy.ones(50 * 2**30 // 8)
    return function(*args, **kwargs)


_hostile_hook_calls(_hostile_allocate)
