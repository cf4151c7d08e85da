"""The check vocabulary: declare checks, compare values, check gradients, time, read source.

Every helper fails with one message in the form every check uses:
"where: expected ..., got ..." (with the tolerance or the rule where one applies).
"""
from grader.checks.compare import (as_array, away_from_kinks, expect, expect_close, expect_equal, expect_form,
                                   expect_kind, expect_near_estimate, one_number, show)
from grader.checks.errors import counted_elsewhere, expect_filled_in, hinted, named, raised
from grader.checks.gradient import central_difference, expect_gradient
from grader.checks.registry import CheckFailed, check, sibling, worker_module
from grader.checks.speed import best_time, expect_fast
from grader.checks.static import imported_modules, syntax_problem

__all__ = ["as_array", "away_from_kinks", "best_time", "central_difference", "check", "CheckFailed",
           "counted_elsewhere", "expect", "expect_close", "expect_equal", "expect_fast", "expect_filled_in",
           "expect_form", "expect_gradient", "expect_kind", "expect_near_estimate", "hinted",
           "imported_modules", "named", "one_number", "raised", "show", "sibling", "syntax_problem",
           "worker_module"]
