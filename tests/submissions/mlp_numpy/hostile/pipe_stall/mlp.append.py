

# -- hostile: ReLU(0.3) stops the worker reading requests but keeps it alive ---------
# The hidden dropout checks build ReLU(dropout_chance=0.3), then send forward() an
# input larger than a pipe's buffer: a grader writing without a deadline waits forever.
import os as _os
import sys as _sys
import threading as _threading
import time as _time

_reference_relu_init = ReLU.__init__


def _stall_requests():
    requests = int(_sys.argv[1])
    _sys.modules[__name__]._kept = _os.dup(requests)          # the pipe stays open here...
    _os.dup2(_os.open(_os.devnull, _os.O_RDONLY), requests)  # ...but the worker reads nothing
    _threading.Thread(target=_time.sleep, args=(3600,)).start()  # and it never exits


def _relu_init(self, dropout_chance=0):
    _reference_relu_init(self, dropout_chance)
    if dropout_chance == 0.3:
        _stall_requests()


ReLU.__init__ = _relu_init
