# where: end
# base: stub
# uses: calls
# costs: its file
# checks: 2
# -- hostile: pipe_garbage: every call of the stub's functions writes on the worker's pipes
#    (argv[1] requests, argv[2] answers) what is not a message: a header of 0xff bytes,
#    a torn message, brackets nested past any limit, or closes a pipe under the worker --
_hostile_forgeries = [0]


def _hostile_garbage_on_call(function, label, args, kwargs):
    import os as _os
    import sys as _sys
    _hostile_forgeries[0] += 1
    step = _hostile_forgeries[0] % 4
    answers, requests = int(_sys.argv[2]), int(_sys.argv[1])
    if step == 1:
        _os.write(answers, b"\xff" * 8 + b"not a message at all")
    elif step == 2:
        _os.write(answers, b"\x05\x00\x00\x00\x00\x00\x00\x00{\"ok\"")  # a torn message
        _os.close(requests)
    elif step == 3:
        _os.write(answers, b"\x10\x00\x00\x00\x00\x00\x00\x00[[[[[[[[[[[[[[[[")
    else:
        _os.close(answers)
    return function(*args, **kwargs)


_hostile_hook_calls(_hostile_garbage_on_call)
