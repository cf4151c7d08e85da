"""Time one grade of the reference mlp_numpy with the `student` fixture sandboxed or in-process.

    python benchmarks/check_time.py sandbox|in-process

`sandbox` is the normal grade: the student's files run in a sandboxed worker.
`in-process` is the same grade with the `student` fixture bound to a
ReferenceCode of the prepared submission folder, so the same files run in the
grader's own process; `reference_process` (the speed check's fair timing)
stays a worker in both. Timed: grading.run_checks, all of it (sandbox start
and stop, every check, public and hidden), and `steady`: the checks after the
first, the first being the one that waits for the worker to start. Also counted: each check's time
and, in sandbox mode, the requests to the worker by op. Prints one JSON object.
"""
import collections
import json
import sys
import time
from pathlib import Path

from grader import assignments, grading
from grader.implementations import ReferenceCode, StudentCode
from grader.sandbox import runner


def main(mode):
    assignment = assignments.load("mlp_numpy")
    check_seconds, requests = {}, collections.defaultdict(lambda: [0, 0.0])
    timings = {}

    def timed_run_checks(*args, **kwargs):
        start = time.perf_counter()
        try:
            return run_checks(*args, **kwargs)
        finally:
            timings["checks"] = time.perf_counter() - start

    def timed_run_check(check, *args, **kwargs):
        start = time.perf_counter()
        try:
            return run_check(check, *args, **kwargs)
        finally:
            check_seconds[check.function.__name__] = time.perf_counter() - start

    def counted_request(self, label, message, *args, **kwargs):
        start = time.perf_counter()
        try:
            return request(self, label, message, *args, **kwargs)
        finally:
            kind = "reference_process" if Path(self.workdir) == assignment.directory else "student"
            counts = requests[f"{kind} {message.get('op')}"]
            counts[0] += 1
            counts[1] += time.perf_counter() - start

    def student_code(sandbox):
        """The student fixture in-process; the reference_process worker stays a worker."""
        if Path(sandbox.workdir) == assignment.directory:
            return StudentCode(sandbox)
        return ReferenceCode(Path(sandbox.workdir))

    run_checks, run_check, request = grading.run_checks, grading.run_check, runner.Sandbox.request
    grading.run_checks, grading.run_check = timed_run_checks, timed_run_check
    runner.Sandbox.request = counted_request
    if mode == "in-process":
        grading.StudentCode = student_code
    start = time.perf_counter()
    results = grading.grade(assignment, assignment.directory)
    timings["grade"] = time.perf_counter() - start
    print(json.dumps({
        # steady: the checks after the first, which starts the student's worker (one start per grade)
        "mode": mode, **timings, "steady": sum(list(check_seconds.values())[1:]), "per_check": check_seconds,
        "requests": {op: {"count": n, "seconds": s} for op, (n, s) in sorted(requests.items())},
        "score": sum(t.score for t in results.tests), "max_score": sum(t.max_score for t in results.tests),
        "failed": [t.name for t in results.tests if t.status != "passed"]}))


if __name__ == "__main__":
    main(sys.argv[1])
