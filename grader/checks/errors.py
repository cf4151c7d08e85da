"""What a check does when the student's code raises: name it, hint at it, or let another check count it.

The sandbox turns the student's exceptions into StudentError (its `error` holds
the type, message and place) and the worker's deaths into SandboxProblem; a
check file reads them through these helpers only.
"""
import contextlib

from grader.checks.registry import CheckFailed
from grader.sandbox.runner import SandboxProblem, StudentError


def raised(problem, kind):
    """Whether the student's error `problem` is of exception type name `kind`."""
    return isinstance(problem, StudentError) and problem.error["type"] == kind


@contextlib.contextmanager
def named(what):
    """A student error inside is reported as coming from `what` (the call the student knows)."""
    try:
        yield
    except StudentError as problem:
        raise StudentError(what, problem.error) from None


@contextlib.contextmanager
def hinted(signs, hint):
    """A student error whose message holds one of `signs` fails the check with `hint` added."""
    try:
        yield
    except StudentError as problem:
        if any(sign in problem.error["message"] for sign in signs):
            raise CheckFailed(f"{problem}; {hint}") from None
        raise


@contextlib.contextmanager
def counted_elsewhere():
    """Code inside may fail in the student's worker: the checks of that code count it, not this one."""
    try:
        yield
    except SandboxProblem:
        pass


def expect_filled_in(call, what):
    """A rule is judged on work done: fail while `call()` still raises NotImplementedError."""
    try:
        call()
    except StudentError as problem:
        if raised(problem, "NotImplementedError"):
            raise CheckFailed(f"judged once {what} is filled in: {problem}") from None
    except SandboxProblem:
        pass  # broken code loses its own checks, not this one
