

# -- hostile: leaves processes behind at import; the rest is the reference ----------
import os as _os
import time as _time


def _leave_children():
    # a child in a session of its own, out of the worker's process group
    if _os.fork() == 0:
        _os.setsid()
        while True:
            _time.sleep(0.5)
    # a daemon by double fork: its parent exits at once, so it is nobody's child
    middle = _os.fork()
    if middle == 0:
        _os.setsid()
        if _os.fork() == 0:
            while True:
                _time.sleep(0.5)
        _os._exit(0)
    _os.waitpid(middle, 0)


_leave_children()
