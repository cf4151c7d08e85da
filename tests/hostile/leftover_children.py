# where: top
# base: reference
# needs: watch
# costs: nothing
# -- hostile: leftover_children: importing {{file}} leaves two processes behind that never end:
#    a child in a session of its own, and a daemon (double fork: nobody's child) --
def _hostile_leave_children():
    import os as _os
    import time as _time
    if _os.fork() == 0:
        _os.setsid()
        while True:
            _time.sleep(0.5)
    middle = _os.fork()
    if middle == 0:
        _os.setsid()
        if _os.fork() == 0:
            while True:
                _time.sleep(0.5)
        _os._exit(0)
    _os.waitpid(middle, 0)
    _time.sleep(0.5)  # long enough for the test to see all three


_hostile_leave_children()
