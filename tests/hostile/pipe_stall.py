# where: end
# base: reference
# costs: its file
# evidence: did not finish within
# -- hostile: pipe_stall: importing {{file}} swaps the worker's request pipe (argv[1]) for
#    /dev/null, keeping both pipes open and the worker alive: the import is answered, nothing
#    after it is ever read or answered, so a grader writing or waiting without a deadline
#    would wait forever --
def _hostile_stall_requests():
    import os as _os
    import sys as _sys
    import threading as _threading
    import time as _time
    requests, answers = int(_sys.argv[1]), int(_sys.argv[2])
    globals()["_hostile_kept"] = _os.dup(requests), _os.dup(answers)  # both pipes stay open...
    _os.dup2(_os.open(_os.devnull, _os.O_RDONLY), requests)         # ...but nothing is read
    _threading.Thread(target=_time.sleep, args=(3600,)).start()     # and the worker never exits


_hostile_stall_requests()
