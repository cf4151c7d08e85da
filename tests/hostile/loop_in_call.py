# where: end
# base: reference
# uses: calls
# costs: its file
# evidence: did not finish within
# -- hostile: loop_in_call: the first call of any of {{module}}'s functions in each worker never
#    returns. It waits rather than spins (loop_at_import spins), not to starve the gradings
#    beside it: the grader stops either by the clock --
def _hostile_loop_once(function, label, args, kwargs):
    import time as _time
    if _hostile_first("loop"):
        while True:
            _time.sleep(0.05)
    return function(*args, **kwargs)


_hostile_hook_calls(_hostile_loop_once)
