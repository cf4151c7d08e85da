# where: end
# base: reference
# uses: calls
# costs: its file
# evidence: killed by SIGKILL|still alive
# -- hostile: kill_parent: the first call of any of {{module}}'s functions in each worker kills
#    its parent, PID 1 and then every process it may --
def _hostile_kill_parent(function, label, args, kwargs):
    if _hostile_first("kill"):
        import os as _os
        import signal as _signal
        for target in (_os.getppid(), 1, -1):
            try:
                _os.kill(target, _signal.SIGKILL)
            except OSError:
                pass
        raise RuntimeError("hostile: still alive after killing everything it could")
    return function(*args, **kwargs)


_hostile_hook_calls(_hostile_kill_parent)
