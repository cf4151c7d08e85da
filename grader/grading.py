"""Grading one submission: prepare its files, run every check, write results as they come.

Student code runs only in sandboxed workers; every verdict is reached here,
in the grader's process, from plain data.
"""
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from grader import paths
from grader.checks.registry import CheckFailed
from grader.implementations import ReferenceCode, StudentCode
from grader.results import AFTER_PUBLISHED, VISIBLE, Results, TestResult
from grader.sandbox.runner import Isolation, Sandbox, SandboxProblem, python_paths
from grader.submission import SubmissionError, prepare_submission

SANDBOX_UID_BASE = int(os.environ.get("GRADER_SANDBOX_UID_BASE", "61000"))


def grade(assignment, submission, out=None, include_hidden=True, slot=0, hide=()):
    """Grade the folder or zip `submission`; results.json goes to `out` after every check."""
    results = Results(assignment.id)
    remove_abandoned_work_roots()
    work_root = Path(tempfile.mkdtemp(prefix=f"grader-{os.getpid()}-"))
    try:
        workdir = make_workdir(work_root, slot)
        try:
            prepared = prepare_submission(Path(submission), workdir, assignment.files)
        except SubmissionError as problem:
            return fail_everything(assignment, results, str(problem), include_hidden, out)
        results.output = "\n".join(prepared.notes + [f"missing: {name}" for name in prepared.missing])
        hand_over(workdir, slot)
        isolation = isolation_for(submission, out, workdir, slot, hide)
        run_checks(assignment, workdir, prepared, results, out, include_hidden, isolation)
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
    return results


def remove_abandoned_work_roots():
    """Delete the folders of graders that were killed before they could clean up.

    A sandbox uid is reused by a later grader with the same pid, which must not find
    an earlier student's files still there and readable to it.
    """
    for folder in Path(tempfile.gettempdir()).glob("grader-*-*"):
        pid = folder.name.split("-")[1]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}") and folder.stat().st_uid == os.geteuid():
            shutil.rmtree(folder, ignore_errors=True)


def run_checks(assignment, workdir, prepared, results, out, include_hidden, isolation):
    sources = read_sources(workdir, assignment.files)
    with Sandbox(workdir, assignment.limits, isolation) as sandbox, \
            LazyReferenceProcess(assignment) as reference_process:
        fixtures = {"student": StudentCode(sandbox), "reference": ReferenceCode(assignment.directory),
                    "reference_process": reference_process, "sources": sources,
                    "missing": prepared.missing}
        for number, check in enumerate(assignment.checks(include_hidden), start=1):
            results.tests.append(run_check(check, number, fixtures, sandbox))
            results.write(out)
    results.write(out)


def run_check(check, number, fixtures, sandbox):
    """One check's TestResult; whatever the student's code does, a verdict comes back."""
    sandbox.deadline = time.monotonic() + sandbox.limits.seconds_per_test
    try:
        note = check.function(**{name: fixtures[name] for name in check.needs})
        # a passing check may return one line worth reporting (a training run's accuracy, say)
        status, message = "passed", note if isinstance(note, str) else ""
    except (CheckFailed, SandboxProblem) as verdict:
        status, message = "failed", str(verdict)
    except Exception as exc:  # the student's data broke the check's own arithmetic
        status, message = "failed", f"could not check the result: {type(exc).__name__}: {exc}"
        if os.environ.get("GRADER_DEBUG"):
            traceback.print_exc()
    finally:
        sandbox.deadline = None
    printed = fixtures["student"].output().replace(sandbox.workdir + os.sep, "")
    if printed.strip():
        message += ("\n\n" if message else "") + "Your code printed:\n" + printed
    return TestResult(name=check.name, number=str(number),
                      score=check.points if status == "passed" else 0.0, max_score=check.points,
                      status=status, output=message,
                      visibility=AFTER_PUBLISHED if check.hidden else VISIBLE,
                      tags=[check.part] if check.part else [])


def fail_everything(assignment, results, message, include_hidden, out):
    """A submission that cannot be opened: every check scores 0, saying why."""
    results.output = message
    for number, check in enumerate(assignment.checks(include_hidden), start=1):
        results.tests.append(TestResult(check.name, str(number), 0.0, check.points, "failed", message,
                                        AFTER_PUBLISHED if check.hidden else VISIBLE,
                                        [check.part] if check.part else []))
    results.write(out)
    return results


def read_sources(workdir, files):
    """The submitted sources as text, read before any student code runs."""
    sources = {}
    for name in files:
        path = workdir / name
        if path.is_file() and not path.is_symlink():
            sources[name] = path.read_text(errors="replace")
    return sources


def sandbox_uid(slot):
    """A uid of its own for each grading process and slot: graders running side by side
    never share one (stopping a sandbox kills every process of its uid)."""
    if os.geteuid() != 0:
        return None
    return SANDBOX_UID_BASE + (os.getpid() % 4096) * 32 + slot % 32


def make_workdir(work_root, slot):
    workdir = work_root / "submission"
    workdir.mkdir()
    if os.geteuid() == 0:
        os.chmod(work_root, 0o711)  # others may pass through to their own folder, not list
    return workdir


def hand_over(workdir, slot):
    """Give the prepared files to the sandbox user, readable by it alone."""
    uid = sandbox_uid(slot)
    if uid is None:
        return
    for folder, dirs, files in os.walk(workdir):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.lchown(name, uid, uid)
    os.chmod(workdir, 0o700)
    harden(paths.SOLUTIONS)


def harden(directory):
    """Where namespaces are refused, file modes alone keep the sandbox user out."""
    if directory.exists():
        os.chmod(directory, os.stat(directory).st_mode & ~0o077)


def isolation_for(submission, out, workdir, slot, hide=()):
    """The sandbox user of `slot`, and every path its worker must not see."""
    secrets = [paths.SOLUTIONS, *hide, *source_secrets(submission, out, workdir), *course_secrets(workdir)]
    return Isolation(uid=sandbox_uid(slot), hide=list(dict.fromkeys(str(p) for p in secrets)))


def course_secrets(workdir):
    """Everything in the course folder (REPO_ROOT or GRADER_HOME) but what a worker needs.

    solutions/ is not the only copy of the reference in a checkout: .git holds every
    version of it, dist/ the autograder zip with solutions/ inside, tests/ near-copies
    (the buggy example submissions). A worker needs this package and Python, nothing else.
    """
    import grader
    import numpy
    root = paths.REPO_ROOT.resolve()
    needed = [Path(p).resolve() for p in (workdir, os.path.dirname(grader.__file__), sys.prefix, sys.base_prefix,
                                          os.path.dirname(os.path.realpath(sys.executable)),
                                          os.path.dirname(os.path.dirname(numpy.__file__)))]
    if not root.is_dir():
        return []
    hidden = []
    for entry in sorted(root.iterdir()):
        target = entry.resolve()  # a link is hidden where it leads, but only inside the course folder
        if target.is_relative_to(root) and target != root and \
                not any(n == target or n.is_relative_to(target) or target.is_relative_to(n) for n in needed):
            hidden.append(entry)
    return hidden


def source_secrets(submission, out, workdir):
    """The submission as handed in and the results' folder: nothing the sandbox should read.

    A folder that holds what the worker needs (its own files, Python, this
    package) is never hidden.
    """
    found = [Path(submission).resolve()]
    if out is not None:
        found.append(Path(out).resolve().parent)
    needed = [Path(workdir).resolve(), paths.REPO_ROOT.resolve(), *map(Path, python_paths())]
    return [p for p in found if not any(n == p or n.is_relative_to(p) for n in needed)]


class LazyReferenceProcess:
    """The reference in a worker of its own, started only if a check asks (timings)."""

    def __init__(self, assignment):
        self.assignment = assignment
        self.sandbox = None
        self.code = None

    def __getattr__(self, name):
        if self.code is None:
            self.sandbox = Sandbox(self.assignment.directory, self.assignment.limits)
            self.code = StudentCode(self.sandbox)
        return getattr(self.code, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.sandbox:
            self.sandbox.stop()
