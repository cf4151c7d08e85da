"""Time one grade of a reference (default mlp_numpy) three ways: sandboxed, in-process, without pytest.

    python benchmarks/check_time.py sandbox|in-process|direct [ASSIGNMENT]

`sandbox` is the normal grade, grading.grade: the student's files run in a
sandboxed worker, the checks under pytest (grader/checks/plugin.py).
`in-process` is the same grade with the `student` fixture bound to a
ReferenceCode of the prepared submission folder, so the same files run in the
grader's own process; `reference_process` (the speed check's fair timing)
stays a worker in both. `direct` is the sandboxed grade without pytest: the
same SubmissionContext (grading.open_submission), each check of
assignment.checks() called as check.function(**fixtures) in that order, with
the worker's deadline set as the plugin sets it; the checks are collected
(a pytest --collect-only run, cached in a process) before the clock starts,
and that collection is timed apart as `collect`.

Timed: `grade`, the whole grade (with pytest: grading.grade; direct: from
open_submission to the sandbox's stop); `checks`, the checks' part of it (with
pytest: grading.run_pytest, collection included; direct: the loop); each
check's call (GradingSession.pytest_pyfunc_call, wrapped; direct: the call)
and `steady`, the checks after the first, the first being the one that waits
for the worker to start. Also counted: the requests to the workers by op.
Prints one JSON object.

The grader's code is wrapped, never copied: the timers wrap grading.grade,
grading.run_pytest, GradingSession.pytest_pyfunc_call and Sandbox.request;
in-process wraps SubmissionContext.__init__ to swap the `student` it made.
"""
import collections
import functools
import inspect
import json
import os
import sys
import time
from pathlib import Path

from grader import assignments, grading
from grader.checks.plugin import GradingSession
from grader.implementations import ReferenceCode
from grader.sandbox import runner, watch

MODES = ("sandbox", "in-process", "direct")


class Timings:
    """Seconds of the grade, of its checks and of each check, and the workers' requests by op."""

    def __init__(self, assignment):
        self.assignment = assignment
        self.seconds = {}
        self.per_check = {}
        self.requests = collections.defaultdict(lambda: [0, 0.0])

    def timer(self, key, function):
        """`function`, timing each call into self.seconds[key]."""
        @functools.wraps(function)
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[key] = time.perf_counter() - start
        return timed

    def wrap_pytest(self):
        grading.grade = self.timer("grade", grading.grade)
        grading.run_pytest = self.timer("checks", grading.run_pytest)
        pyfunc_call = GradingSession.pytest_pyfunc_call

        @functools.wraps(pyfunc_call)  # keeps pytest's hookimpl marker (tryfirst) on the wrapper
        def timed_pyfunc_call(session, pyfuncitem):
            start = time.perf_counter()
            try:
                return pyfunc_call(session, pyfuncitem)
            finally:
                self.per_check[pyfuncitem.nodeid] = time.perf_counter() - start
        GradingSession.pytest_pyfunc_call = timed_pyfunc_call

    def wrap_requests(self):
        request = runner.Sandbox.request

        @functools.wraps(request)
        def counted_request(sandbox, label, message, *args, **kwargs):
            start = time.perf_counter()
            try:
                return request(sandbox, label, message, *args, **kwargs)
            finally:
                kind = "reference_process" if Path(sandbox.workdir) == self.assignment.directory else "student"
                counts = self.requests[f"{kind} {message.get('op')}"]
                counts[0] += 1
                counts[1] += time.perf_counter() - start
        runner.Sandbox.request = counted_request


def bind_student_in_process():
    """The `student` fixture a ReferenceCode of the prepared folder; reference_process stays a worker."""
    make_context = grading.SubmissionContext.__init__

    @functools.wraps(make_context)
    def in_process_context(context, assignment, workdir, *args, **kwargs):
        make_context(context, assignment, workdir, *args, **kwargs)
        context.student = ReferenceCode(Path(workdir))
        context.student.touched = set()  # as StudentCode keeps it: the files the checks used
        # and the rules' watch knows the submission's files, as in the worker (loaded under
        # private names here, they would count as a library of their own)
        watch.count_as_submission(os.path.realpath(workdir) + os.sep)
    grading.SubmissionContext.__init__ = in_process_context


def grade_direct(assignment, timings):
    """The grade's checks called one by one with the SubmissionContext's fixtures, no pytest.

    What the plugin does around a check, this does too: the budget, the worker's deadline
    and time limit, the student's printed output after each check.
    """
    start = time.perf_counter()
    checks = assignment.checks()
    timings.seconds["collect"] = time.perf_counter() - start
    start = time.perf_counter()
    grading.remove_abandoned_work_roots()
    outcomes = []
    with grading.open_submission(assignment, assignment.directory) as context:
        if context.problem is not None:
            raise SystemExit(f"the submission could not be opened: {context.problem}")
        started = time.monotonic()
        checks_start = time.perf_counter()
        for check in checks:
            outcomes.append((check, run_one(assignment, context, check, started, timings)))
        timings.seconds["checks"] = time.perf_counter() - checks_start
    timings.seconds["grade"] = time.perf_counter() - start
    return [(check.points if passed else 0.0, check.points, check.name, passed) for check, passed in outcomes]


def run_one(assignment, context, check, started, timings):
    """One check as GradingSession.pytest_pyfunc_call runs it; True if it passed."""
    left = assignment.seconds_total - (time.monotonic() - started)
    if left <= 0:
        return False
    names = inspect.signature(check.function).parameters
    unknown = [name for name in names if name not in ("student", "reference", "reference_process", "sources",
                                                       "missing")]
    if unknown:  # a parametrized check or a fixture of pytest's own: direct mode cannot run it
        raise SystemExit(f"{check.id}: direct mode has no fixture {', '.join(unknown)}")
    fixtures = {name: getattr(context, name) for name in names}
    sandbox, limit = context.sandbox, assignment.seconds_for(check)
    sandbox.time_limit = f"the time limit of {limit:g} s" if limit <= left else \
        f"what was left of the grade's time budget of {assignment.seconds_total:g} s ({left:.1f} s)"
    sandbox.deadline = time.monotonic() + min(limit, left)
    start = time.perf_counter()
    try:
        check.function(**fixtures)
        passed = True
    except Exception:
        passed = False
    finally:
        timings.per_check[check.id] = time.perf_counter() - start
        sandbox.deadline = sandbox.time_limit = None
    context.printed()
    return passed


def main(mode, assignment_id="mlp_numpy"):
    if mode not in MODES:
        raise SystemExit(f"mode: one of {', '.join(MODES)}")
    assignment = assignments.load(assignment_id)
    timings = Timings(assignment)
    timings.wrap_requests()
    if mode == "direct":
        scores = grade_direct(assignment, timings)
    else:
        timings.wrap_pytest()
        if mode == "in-process":
            bind_student_in_process()
        results = grading.grade(assignment, assignment.directory)
        scores = [(t.score, t.max_score, t.name, t.status == "passed") for t in results.tests]
    per_check = timings.per_check
    print(json.dumps({
        # steady: the checks after the first, which starts the student's worker (one start per grade)
        "mode": mode, "assignment": assignment_id, **timings.seconds,
        "steady": sum(list(per_check.values())[1:]), "per_check": per_check,
        "requests": {op: {"count": n, "seconds": s} for op, (n, s) in sorted(timings.requests.items())},
        "score": sum(s[0] for s in scores), "max_score": sum(s[1] for s in scores),
        "failed": [s[2] for s in scores if not s[3]]}))


if __name__ == "__main__":
    main(*sys.argv[1:])
