"""The pytest plugin that grades: fixtures, points and parts, time limits, results.

`grader grade` and `grader check` run pytest in the grader's own process with a
GradingSession registered (grader/grading.py). pytest can also be run by hand
with this plugin, on any submission folder:

    pytest -p grader.checks.plugin solutions/ID/tests_hidden.py --submission SUB -k NAME
    pytest                      # in a handout: its pytest.ini loads this plugin, SUB is the handout

and pytest's own tools (-k, --lf, -x, --pdb, parametrize, fixtures) work on the checks.

For every check the session sets the worker's deadline (its part's time limit,
or what is left of the grade's budget), calls the check, turns the outcome into
a TestResult (a check's message, or the student's error as the sandbox reports
it) and writes results.json. Checks that find the budget used up score 0 unrun.
"""
import contextlib
import os
import time
import traceback
from pathlib import Path

import pytest

from grader.checks.collect import CheckItems, check_of
from grader.checks.registry import CheckFailed
from grader.results import AFTER_PUBLISHED, VISIBLE, TestResult
from grader.sandbox.runner import SandboxProblem


class BudgetSpent(CheckFailed):
    pass


class GradingSession(CheckItems):
    """One submission's checks under pytest; `context` holds the sandboxed student and the reference."""

    def __init__(self, assignment, context, results, out=None, on_result=None, select=None):
        self.assignment, self.context, self.results = assignment, context, results
        self.out, self.on_result, self.select = out, on_result, select
        self.hidden_files = (assignment.hidden_checks,)
        self.started = time.monotonic()

    def pytest_collection_modifyitems(self, config, items):
        if self.select is not None:
            kept = [item for item in items if item.nodeid in self.select]
            config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in self.select])
            items[:] = kept

    # -- fixtures: what a check's parameters name --------------------------------
    @pytest.fixture
    def student(self):
        return self.context.student

    @pytest.fixture
    def reference(self):
        return self.context.reference

    @pytest.fixture
    def reference_process(self):
        return self.context.reference_process

    @pytest.fixture
    def sources(self):
        return self.context.sources

    @pytest.fixture
    def missing(self):
        return self.context.missing

    # -- running one check ------------------------------------------------------
    def seconds_left(self):
        return self.assignment.seconds_total - (time.monotonic() - self.started)

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        check = check_of(pyfuncitem, self.hidden_files)
        left = self.seconds_left()
        if left <= 0:
            raise BudgetSpent(f"not run: the grade's time budget of {self.assignment.seconds_total:g} s "
                              "was used up by earlier checks (code that hangs or is very slow?)")
        self.context.files_used()  # from here on, what this check uses
        sandbox, limit = self.context.sandbox, self.assignment.seconds_for(check)
        sandbox.time_limit = f"the time limit of {limit:g} s" if limit <= left else \
            f"what was left of the grade's time budget of {self.assignment.seconds_total:g} s ({left:.1f} s)"
        sandbox.deadline = time.monotonic() + min(limit, left)
        try:
            arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
            note = pyfuncitem.obj(**arguments)
        finally:
            sandbox.deadline = sandbox.time_limit = None
        # a passing check may return one line worth reporting (a training run's accuracy, say)
        pyfuncitem.grader_note = note if isinstance(note, str) else ""
        return True

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        """The report of a check's call (or failed setup), its longrepr the check's own message:
        pytest's traceback, which the results never show, is not formatted (0.5 s a failure)."""
        if not (call.when == "call" or (call.when == "setup" and call.excinfo is not None)):
            return None
        result = self.result_of(item, call)
        report = pytest.TestReport(item.nodeid, item.location, {k: 1 for k in item.keywords},
                                   "passed" if call.excinfo is None else "failed",
                                   None if call.excinfo is None else result.output, call.when,
                                   duration=call.duration, start=call.start, stop=call.stop)
        report.grader_result = result
        return report

    def result_of(self, item, call):
        check = check_of(item, self.hidden_files)
        if call.excinfo is None:
            status, message = "passed", getattr(item, "grader_note", "")
        else:
            status, message = "failed", verdict(call.excinfo.value)
        printed = self.context.printed()
        if printed.strip():
            message += ("\n\n" if message else "") + "Your code printed:\n" + printed
        part = self.assignment.parts[check.part]
        return TestResult(name=check.name, number=str(len(self.results.tests) + 1),
                          score=check.points if status == "passed" else 0.0, max_score=check.points,
                          status=status, output=message, visibility=AFTER_PUBLISHED if check.hidden else VISIBLE,
                          tags=[check.part] + ([part.kind] if part.kind != "scored" else []),
                          extra_data={"id": check.id, "kind": part.kind, "files": self.context.files_used()})

    def pytest_runtest_logreport(self, report):
        result = getattr(report, "grader_result", None)
        if result is None:
            return
        self.results.tests.append(result)
        self.results.write(self.out)
        if self.on_result is not None:
            self.on_result(result)


def verdict(error):
    """The message of a failed check: its own, the sandbox's, or what broke the check's arithmetic."""
    if isinstance(error, (CheckFailed, SandboxProblem)):
        return str(error)
    if isinstance(error, (pytest.fail.Exception, pytest.skip.Exception)):
        return str(error.msg if hasattr(error, "msg") else error)
    if os.environ.get("GRADER_DEBUG"):
        traceback.print_exception(error)
    return f"could not check the result: {type(error).__name__}: {error}"


# -- pytest run by hand: `pytest -p grader.checks.plugin ...` -----------------------------------


def pytest_addoption(parser):
    group = parser.getgroup("grader")
    group.addoption("--submission", default=None,
                    help="the folder or .zip to check (default: the folder pytest runs in)")
    group.addoption("--results", default=None, help="also write Gradescope results.json here")


def pytest_configure(config):
    config.addinivalue_line("markers", "check(points, part, name): a graded check (grader.checks.check)")
    if any(isinstance(p, GradingSession) for p in config.pluginmanager.get_plugins()):
        return  # the grader registered its own session
    manifest = find_manifest(config.args, Path(config.rootpath))
    if manifest is None:
        return
    from grader.assignments import load_from
    from grader.grading import open_submission
    from grader.results import Results
    assignment = load_from(manifest.parent)
    submission = config.getoption("submission") or str(config.rootpath)
    stack = contextlib.ExitStack()
    context = stack.enter_context(open_submission(assignment, Path(submission)))
    config._grader_stack = stack
    results = Results(assignment.id)
    results.output = context.notes
    config.pluginmanager.register(GradingSession(assignment, context, results, config.getoption("results")),
                                  "grader-session")


def pytest_unconfigure(config):
    stack = getattr(config, "_grader_stack", None)
    if stack is not None:
        stack.close()


def find_manifest(args, rootdir):
    """The assignment.toml beside the first check file or folder named (or in its tests/)."""
    for arg in [*args, str(rootdir)]:
        path = Path(arg.split("::")[0])
        path = path if path.is_absolute() else rootdir / path
        for folder in [path if path.is_dir() else path.parent, *(path.parents)]:
            for candidate in (folder / "assignment.toml", folder / "tests" / "assignment.toml"):
                if candidate.is_file():
                    return candidate
            if folder == rootdir:
                break
    return None
