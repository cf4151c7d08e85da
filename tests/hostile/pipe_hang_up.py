# where: end
# base: reference
# uses: calls
# costs: its file
# evidence: closed its connection
# -- hostile: pipe_hang_up: the first call of any of {{module}}'s functions in each worker hangs up
#    on the grader (closes the answer pipe, argv[2]) and stays alive: end-of-file from a
#    process that does not end --
def _hostile_hang_up(function, label, args, kwargs):
    import os as _os
    import sys as _sys
    import time as _time
    if _hostile_first("hang-up"):
        _os.close(int(_sys.argv[2]))  # the grader sees end-of-file...
        _time.sleep(3600)             # ...from a process that does not end
    return function(*args, **kwargs)


_hostile_hook_calls(_hostile_hang_up)
