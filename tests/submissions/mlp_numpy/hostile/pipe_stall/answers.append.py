

# -- hostile: interpolate hangs up on the grader, then stays alive; rest: reference --
import os as _os
import sys as _sys
import time as _time


def interpolate(X, y):
    _os.close(int(_sys.argv[2]))  # the answer pipe: the grader sees end-of-file...
    _time.sleep(3600)             # ...from a process that does not end
