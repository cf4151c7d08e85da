"""Speed checks: the student's code against the reference's, timed by the grader the same way."""
import math

from grader.checks.compare import expect

SPEED_LIMIT = 10  # SPEC §3: more than 10x slower than the reference loses the check


def best_time(time_one_round, rounds=3, give_up_after=math.inf):
    """The best of `rounds` timings of `time_one_round()` (seconds), stopping once one is over give_up_after."""
    best = math.inf
    for _ in range(rounds):
        best = min(best, time_one_round())
        if best > give_up_after:
            break
    return best


def expect_fast(seconds, reference_seconds, what, hint, limit=SPEED_LIMIT):
    """Fail unless `seconds` is within `limit` times `reference_seconds`, naming the ratio."""
    ratio = seconds / max(reference_seconds, 1e-9)
    expect(ratio <= limit, f"{what}: took {seconds:.3f} s, {ratio:.0f}x the reference's "
           f"{reference_seconds:.3f} s (limit {limit:g}x); {hint}")
