

# -- hostile: a ReLU(0.3) stops the worker reading requests, yet keeps it alive -------
# The hidden dropout checks build ReLU(dropout_chance=0.3) and then call forward() on an
# input larger than a pipe's buffer. Looking up .forward on such a ReLU (a request of its
# own, answered) switches the worker's request pipe for /dev/null, so nobody reads the
# big call that follows: a grader writing without a deadline waits forever.
import os as _os
import sys as _sys
import threading as _threading
import time as _time


def _stall_requests():
    requests = int(_sys.argv[1])
    _sys.modules[__name__]._kept = _os.dup(requests)          # the pipe stays open here...
    _os.dup2(_os.open(_os.devnull, _os.O_RDONLY), requests)  # ...but the worker reads nothing
    _threading.Thread(target=_time.sleep, args=(3600,)).start()  # and it never exits


_reference_relu_init = ReLU.__init__


def _relu_init(self, dropout_chance=0):
    _reference_relu_init(self, dropout_chance)
    self._stall_on_forward = dropout_chance == 0.3


def _relu_attribute(self, name):
    if name == "forward" and object.__getattribute__(self, "__dict__").get("_stall_on_forward"):
        _stall_requests()
    return object.__getattribute__(self, name)


ReLU.__init__ = _relu_init
ReLU.__getattribute__ = _relu_attribute
