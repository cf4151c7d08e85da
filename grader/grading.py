"""Grading one submission: prepare its files, run its checks under pytest, write results as they come.

Student code runs only in sandboxed workers; every verdict is reached in the
grader's process (grader/checks/plugin.py), from plain data.
"""
import contextlib
import importlib.util
import io
import os
import re
import shutil
import sys
import tempfile
import tokenize
from pathlib import Path

from grader import paths
from grader.checks.collect import run_pytest
from grader.checks.static import MAX_SOURCE_BYTES, OversizedSource, UnreadableSource, imported_modules
from grader.checks.plugin import GradingSession
from grader.implementations import WORKER_PACKAGE, ReferenceCode, StudentCode
from grader.results import AFTER_PUBLISHED, VISIBLE, Results, TestResult
from grader.sandbox.runner import Isolation, Sandbox, clean_up_after, kill_all_of, python_paths
from grader.sandbox.worker import PRELOADABLE
from grader.submission import SubmissionError, prepare_submission

SANDBOX_UID_BASE = int(os.environ.get("GRADER_SANDBOX_UID_BASE", "61000"))


def grade(assignment, submission, out=None, include_hidden=True, slot=0, hide=(), on_result=None,
          pytest_args=(), select=None):
    """Grade the folder or zip `submission`; results.json goes to `out` after every check.

    `on_result(TestResult)` hears of each check as it finishes; `pytest_args` go to
    pytest as they are (`-k momentum`, `-x`); `select` keeps only the checks of those ids.
    """
    results = Results(assignment.id)
    remove_abandoned_work_roots()
    # a grade of some checks only may need no library: its worker imports none ahead
    every_check = select is None and "-k" not in pytest_args
    with open_submission(assignment, Path(submission), out, slot, hide, preload=every_check) as context:
        results.output = context.notes
        if context.problem is not None:
            return fail_everything(assignment, results, context.problem, include_hidden, out, on_result)
        session = GradingSession(assignment, context, results, out, on_result, select)
        files = assignment.check_files(include_hidden)
        run_pytest(assignment.public_checks.parent, files, [session], *pytest_args)
    results.write(out)
    return results


class SubmissionContext:
    """What a check's fixtures hand it, for one prepared submission."""

    def __init__(self, assignment, workdir, prepared, sandbox, reference_process):
        self.workdir, self.prepared, self.sandbox = workdir, prepared, sandbox
        self.student = StudentCode(sandbox, prepared.notebooks)
        self.reference = ReferenceCode(assignment.directory)
        self.reference_process = reference_process
        self.sources = RecordedSources(read_sources(workdir, assignment.files), assignment.files)
        self.missing = prepared.missing
        self.notes = "\n".join(prepared.notes + [f"missing: {name}" for name in prepared.missing])
        self.problem = None

    def files_used(self):
        """The submitted files the checks used since the last call: imported or read."""
        used = {f"{m}.py" for m in self.student.touched} | self.sources.touched
        self.student.touched.clear()
        self.sources.touched.clear()
        return sorted(used & set(self.sources.files))

    def printed(self):
        """What the student's code printed since the last call, without the work folder's path."""
        return self.student.output().replace(self.sandbox.workdir + os.sep, "")


@contextlib.contextmanager
def open_submission(assignment, submission, out=None, slot=0, hide=(), preload=True):
    """The prepared submission in a work folder of its own, its sandbox and the reference;
    removed, with every process it started, on leaving. `preload`: the worker imports the slow
    libraries the files import (libraries_to_preload) while the grader starts."""
    work_root = Path(tempfile.mkdtemp(prefix=f"grader-{os.getpid()}-"))
    uid = sandbox_uid(slot)
    if uid is not None:  # what an earlier grader on this uid, killed before its cleanup, left
        kill_all_of(uid)
        clean_up_after(uid)
    try:
        workdir = make_workdir(work_root, slot)
        try:
            prepared = prepare_submission(submission, workdir, assignment.files)
        except SubmissionError as problem:
            yield failed_context(str(problem))
            return
        hand_over(workdir, slot)
        support = copy_worker_code(assignment, work_root)
        isolation = isolation_for(submission, out, workdir, slot, hide)
        limits = assignment.limits
        with Sandbox(workdir, limits, isolation, support=support) as sandbox, \
                LazyReferenceProcess(assignment, support, follows=sandbox) as reference_process:
            context = SubmissionContext(assignment, workdir, prepared, sandbox, reference_process)
            # every grade needs it: its start, and its import of torch where the files import
            # it, overlap pytest's own start and the checks' import of torch in this process
            sandbox.preload = libraries_to_preload(dict(context.sources)) if preload else []
            sandbox.start()
            if "torch" in sandbox.preload and "torch" in checks_import(assignment):
                import_quietly("torch")  # here too, while the worker imports it
            yield context
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
        if uid is not None:  # nothing of the submission stays: not its files, nor its IPC objects
            kill_all_of(uid)
            clean_up_after(uid)


class RecordedSources(dict):
    """{file name: submitted text}, remembering which files a check looked at."""

    def __init__(self, sources, files=None):
        super().__init__(sources)
        self.files, self.touched = files or list(sources), set()

    def __getitem__(self, name):
        self.touched.add(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self.touched.add(name)
        return super().get(name, default)

    def __contains__(self, name):
        self.touched.add(name)
        return super().__contains__(name)


def failed_context(problem):
    """The context of a submission that cannot be opened."""
    context = SubmissionContext.__new__(SubmissionContext)
    context.notes, context.problem = problem, problem
    return context


def copy_worker_code(assignment, work_root):
    """A copy of the assignment's worker/ modules for the sandbox, as the package assignment_worker."""
    if not assignment.worker_code.is_dir():
        return None
    support = work_root / "support"
    shutil.copytree(assignment.worker_code, support / WORKER_PACKAGE,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (support / WORKER_PACKAGE / "__init__.py").touch()
    if os.geteuid() == 0:
        for folder, dirs, files in os.walk(support):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o644)
    return support


def remove_abandoned_work_roots():
    """Delete the folders of graders that were killed before they could clean up.

    A sandbox uid is reused by a later grader with the same pid, which must not find
    an earlier student's files still there and readable to it.
    """
    for folder in Path(tempfile.gettempdir()).glob("grader-*-*"):
        pid = folder.name.split("-")[1]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}") and folder.stat().st_uid == os.geteuid():
            shutil.rmtree(folder, ignore_errors=True)


def fail_everything(assignment, results, message, include_hidden, out, on_result=None):
    """A submission that cannot be opened: every check scores 0, saying why."""
    results.output = message
    for number, check in enumerate(assignment.checks(include_hidden), start=1):
        kind = assignment.parts[check.part].kind
        results.tests.append(TestResult(check.name, str(number), 0.0, check.points, "failed", message,
                                        AFTER_PUBLISHED if check.hidden else VISIBLE,
                                        [check.part] + ([kind] if kind != "scored" else []),
                                        {"id": check.id, "kind": kind}))
        if on_result is not None:
            on_result(results.tests[-1])
    results.write(out)
    return results


def checks_import(assignment):
    """The top-level modules the assignment's check files import, anywhere in them."""
    return {name for path in assignment.check_files() for name in imported_modules(path.read_text())}


def import_quietly(name):
    """Import `name` if it is installed; a check that needs it says so when it is not."""
    with contextlib.suppress(ImportError):
        importlib.import_module(name)


TOP_LEVEL_IMPORT = re.compile(rf"^(?:import|from)[ \t]+({'|'.join(PRELOADABLE)})\b", re.MULTILINE)


def libraries_to_preload(sources):
    """The slow libraries (worker.PRELOADABLE) that the submitted files import at their top level,
    as a line read tells (a guess costs time only, never a verdict)."""
    found = {m[1] for text in sources.values() if isinstance(text, str) for m in TOP_LEVEL_IMPORT.finditer(text)}
    return [name for name in PRELOADABLE if name in found]


def read_sources(workdir, files):
    """The submitted sources as text, read before any student code runs; a file over
    MAX_SOURCE_BYTES (which the unpacker refuses anyway) is not read: an OversizedSource
    stands for it, on which the static checks fail with a message."""
    sources = {}
    for name in files:
        path = workdir / name
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as stream:
                data = stream.read(MAX_SOURCE_BYTES + 1)
            if len(data) > MAX_SOURCE_BYTES:
                sources[name] = OversizedSource(name, os.stat(path).st_size)
            else:
                sources[name] = as_python_reads(name, data)
    return sources


def as_python_reads(name, data):
    """The text Python runs from the bytes of a source file: decoded as its encoding declaration
    (or byte-order mark) says, else as UTF-8; what Python refuses to decode is an UnreadableSource."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        return UnreadableSource(name, f"{name} cannot be read as Python source: {exc}")


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
    secrets = [paths.SOLUTIONS, *hide, *source_secrets(submission, out, workdir), *course_secrets(workdir),
               *bundled_data()]
    return Isolation(uid=sandbox_uid(slot), hide=list(dict.fromkeys(str(p) for p in secrets)))


def bundled_data():
    """Data sets inside installed packages that checks train on and hold out (scikit-learn's
    digits): a worker that could read them could rebuild the held-out labels."""
    try:
        spec = importlib.util.find_spec("sklearn")
    except (ImportError, ValueError):  # not installed, or refused
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data"
    return [folder] if folder.is_dir() else []


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

    def __init__(self, assignment, support=None, follows=None):
        self.assignment, self.support, self.follows = assignment, support, follows
        self.sandbox = None
        self.code = None

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if self.code is None:
            self.sandbox = Sandbox(self.assignment.directory, self.assignment.limits, support=self.support,
                                   follows=self.follows)
            self.code = StudentCode(self.sandbox)
        return getattr(self.code, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.sandbox:
            self.sandbox.stop()
