# where: end
# base: reference
# uses: calls
# costs: its file
# evidence: did not finish within
# checks: 4
# budget: 1.5
# -- hostile: loop_past_the_budget: no call of {{module}}'s functions ever returns, and the grade's
#    time budget (1.5 per-check time limits here) runs out before the file's checks do: the
#    checks left score 0 unrun, saying so, and grading ends on time. It waits rather than
#    spins, not to starve the gradings beside it (loop_at_import spins) --
def _hostile_loop(function, label, args, kwargs):
    import time as _time
    while True:
        _time.sleep(0.05)


_hostile_hook_calls(_hostile_loop)
