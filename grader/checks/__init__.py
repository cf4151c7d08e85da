"""The check vocabulary: declare checks, compare values, check gradients, read source."""
from grader.checks.compare import as_array, expect, expect_close, expect_equal, show
from grader.checks.gradient import central_difference, expect_gradient
from grader.checks.registry import CheckFailed, check, sibling
from grader.checks.static import imported_modules, syntax_problem

__all__ = ["as_array", "central_difference", "check", "CheckFailed", "expect", "expect_close",
           "expect_equal", "expect_gradient", "imported_modules", "show", "sibling", "syntax_problem"]
