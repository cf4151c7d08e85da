"""Shared by the hostile-submission tests (tests/test_hostile.py, tests/test_*_hostile.py):
grading a submission on a sandbox slot of its own, several at a time, and holding the
grader to the promises every grading keeps whatever the student's code does:

- grading ends (a thread that never returns is reported, not waited for);
- results.json is strict JSON (no NaN), the grader's own (what it computed, not a
  symbolic link, owned by the grader), naming every check run once, in order, each
  scored within its points;
- no process of the sandbox's uid outlives grading.

`Job` says what to grade; `grade_many` (or `pool`) grades jobs a few at a time, each in a
process of its own on a slot of its own (stopping a sandbox kills every process of its
uid, so two gradings never share one); `Graded` holds what came back, with `problems`
listing every broken promise.
A job may grade only some checks (`keep`): the others are deselected, and "every
check" means every check kept.

`ATTACKS` are the generic attacks of tests/hostile/ (its README.md), `insert` puts one
into a file's source; `assemble` builds a submission from a folder of
tests/submissions/ID/hostile/NAME (its README.md says how).
"""
import ast
import inspect
import json
import multiprocessing
import os
import re
import queue
import shutil
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from grader import assignments
from grader.grading import grade, sandbox_uid
from grader.stubs import stub_source

TESTS = Path(__file__).parent
SUBMISSIONS = TESTS / "submissions"
SNIPPETS = TESTS / "hostile"

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox isolates only when the grader is root")

# Sandbox slots of the hostile tests in one grading process (the uid also depends on its
# pid): one at a time, and another after a grading that hung.
SLOTS = queue.Queue()
for _slot in range(8, 24):
    SLOTS.put(_slot)
WORKERS = 3  # gradings at a time, on two cores: more only slow each other down (torch imports time out)


# -- processes ------------------------------------------------------------------------


def processes_of(uid):
    """Pids of the live processes whose real uid is `uid`: a /proc scan.

    Zombies are left out: they are dead, and a killed worker whose parent died with it
    waits as one until the machine's init reaps it (seconds, on some machines).
    """
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue  # it ended while we looked
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields["Uid"].split()[0]) == uid and not fields["State"].strip().startswith(("Z", "X")):
            found.append(int(entry))
    return found


def processes_left(uid, grace=3.0):
    """What of `uid` still runs after `grace` seconds (SIGKILL is asynchronous)."""
    deadline = time.monotonic() + grace
    while (left := processes_of(uid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


# -- results ----------------------------------------------------------------------------


def strict_json(text):
    """json.loads that refuses NaN and Infinity, which strict JSON readers (Gradescope's) reject."""
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")
    return json.loads(text, parse_constant=refuse)


def selection(checks, keep):
    """(pytest arguments, the checks that run) for running only the check ids in `keep`.

    pytest's --deselect takes node-id prefixes: a prefix that would also take a kept
    check away is not given, and the check it names runs too.
    """
    if keep is None:
        return [], list(checks)
    kept = [c.id for c in checks if c.id in keep]
    dropped = [c.id for c in checks if c.id not in keep and not any(k.startswith(c.id) for k in kept)]
    args = [arg for d in dropped for arg in ("--deselect", d)]
    return args, [c for c in checks if not any(c.id.startswith(d) for d in dropped)]


def check_key(check):
    """A check's name in a Graded: its function's name, with the case of a parametrized one."""
    return check.id.split("::", 1)[-1]


def validate(checks, out, results):
    """The broken promises of a results.json: [] when it is strict JSON, the grader's own, with
    every check once, in order, within its points."""
    out = Path(out)
    if out.is_symlink() or not out.is_file():
        return [f"results.json is missing or a symbolic link: {out}"], None
    if out.stat().st_uid != os.geteuid():
        return [f"results.json is owned by uid {out.stat().st_uid}, not the grader's"], None
    try:
        data = strict_json(out.read_text())
    except ValueError as error:
        return [f"results.json is not strict JSON: {error}"], None
    problems = []
    names = [t.get("name") for t in data.get("tests", [])]
    if names != [c.name for c in checks]:
        problems.append(f"every check must be reported once, in order: got {names}")
    for test, check in zip(data.get("tests", []), checks):
        if not (0 <= test["score"] <= check.points == test["max_score"]):
            problems.append(f"score out of range: {test['name']}: {test['score']} of {test['max_score']}")
        if test["status"] not in ("passed", "failed") or not isinstance(test["output"], str) or \
                test["score"] != (check.points if test["status"] == "passed" else 0):
            problems.append(f"status and score disagree: {test['name']}: {test['status']} {test['score']}")
    if data.get("score") != pytest.approx(sum(t["score"] for t in data.get("tests", []))):
        problems.append(f"the total {data.get('score')} is not the sum of the scores")
    ours = results.to_gradescope()
    ours.pop("execution_time"), data.pop("execution_time", None)
    if data != ours:
        problems.append("results.json is not what the grader computed")
    return problems, data


# -- grading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One grading of `submission` for the assignment `assignment_id`, results to `out`.

    Plain data, so that a process of its own can grade it. The limits may be overridden:
    `seconds_per_test` for every check (`uniform`: its part's own limit set aside too),
    `seconds_total` for the whole grade.
    """
    label: str
    assignment_id: str
    submission: Path
    out: Path
    include_hidden: bool = False
    keep: frozenset | None = None   # check ids to run; None: every check
    watch: bool = False             # count the sandbox uid's processes while it runs
    seconds_per_test: float | None = None
    seconds_total: float | None = None
    uniform: bool = False
    hang_after: float | None = None  # seconds after which grading counts as hung

    def assignment(self):
        """The assignment, with this job's limits."""
        assignment = assignments.load(self.assignment_id)
        if self.seconds_per_test is not None:
            assignment = replace(assignment, limits=replace(assignment.limits, seconds_per_test=self.seconds_per_test))
        if self.seconds_total is not None:
            assignment = replace(assignment, seconds_total=self.seconds_total)
        if self.uniform:
            assignment = replace(assignment, parts={n: replace(p, seconds_per_test=None)
                                                    for n, p in assignment.parts.items()})
        return assignment


@dataclass(frozen=True)
class CheckInfo:
    """What a Graded keeps of a check: plain data."""
    id: str
    name: str
    points: float
    part: str


@dataclass
class Graded:
    """What came back from a Job, by check (check_key), and every promise it broke."""
    job: Job
    checks: list                     # [CheckInfo] of the checks run, in order
    results: object = None
    data: dict = None
    seconds: float = 0.0
    ended: float = 0.0               # time.time() when grading ended
    most_processes: int = 0
    pid: int = 0                     # of the process that graded it (its work folders are /tmp/grader-PID-*)
    durations: dict = field(default_factory=dict)  # check id -> seconds since the previous one ended
    problems: list = field(default_factory=list)

    @property
    def by_name(self):
        return {check_key(c): t for c, t in zip(self.checks, self.results.tests)} if self.results else {}

    @property
    def by_id(self):
        return {c.id: t for c, t in zip(self.checks, self.results.tests)} if self.results else {}

    @property
    def passed(self):
        return {name for name, t in self.by_name.items() if t.passed}

    @property
    def failed(self):
        return {name for name, t in self.by_name.items() if not t.passed}

    def output(self, name):
        return self.by_name[name].output

    def text(self):
        """Everything a student would read: the top output, names and messages."""
        if self.results is None:
            return ""
        return "\n".join([self.results.output] + [f"{t.name}\n{t.output}" for t in self.results.tests])

    def in_parts(self, parts):
        return {check_key(c) for c in self.checks if c.part in parts}


def run_job(job):
    """Grade one Job on a free sandbox slot; never raises (what went wrong is in `problems`)."""
    slot = SLOTS.get()
    hung = False
    try:
        assignment = job.assignment()
        checks = assignment.checks(job.include_hidden)
        args, expected = selection(checks, job.keep)
        graded = Graded(job, [CheckInfo(c.id, c.name, c.points, c.part) for c in expected], pid=os.getpid())
        uid = sandbox_uid(slot)
        outcome, last = {}, [time.monotonic()]

        def heard(result):
            now = time.monotonic()
            if len(graded.durations) < len(expected):
                graded.durations[expected[len(graded.durations)].id] = now - last[0]
            last[0] = now

        keyword = {"select": frozenset(c.id for c in expected)} if job.keep is not None and SELECTS else {}
        arguments = ("-s", "-p", "hostile_support", *([] if keyword else args))

        def run():
            try:
                outcome["results"] = grade(assignment, job.submission, out=job.out, include_hidden=job.include_hidden,
                                           slot=slot, on_result=heard, pytest_args=arguments, **keyword)
            except BaseException as exc:  # reported below
                outcome["error"] = exc

        limit = job.hang_after or assignment.seconds_total + 60
        started = time.monotonic()
        runner = threading.Thread(target=run, daemon=True, name=f"grading {job.label}")
        runner.start()
        while runner.is_alive() and time.monotonic() - started < limit:
            if job.watch and uid is not None:
                graded.most_processes = max(graded.most_processes, len(processes_of(uid)))
            runner.join(0.05 if job.watch else 0.25)
        graded.ended = time.time()
        graded.seconds = time.monotonic() - started
        if runner.is_alive():
            hung = True  # its slot stays taken: a sandbox of that uid may still run
            graded.problems.append(f"grading did not end within {limit:g} s: the grader hangs")
            return graded
        if "error" in outcome:
            error = outcome["error"]
            graded.problems.append(f"grading raised instead of scoring: {type(error).__name__}: {error}\n"
                                   + "".join(traceback.format_exception(error))[-3000:])
            return graded
        graded.results = outcome["results"]
        problems, graded.data = validate(expected, job.out, graded.results)
        graded.problems += problems
        if uid is not None and (left := processes_left(uid)):
            graded.problems.append(f"processes of the sandbox uid {uid} outlived grading: {left}")
        return graded
    except BaseException as exc:
        return Graded(job, [], problems=[f"the job itself failed: {type(exc).__name__}: {exc}\n"
                                         + traceback.format_exc()[-3000:]])
    finally:
        if not hung:
            SLOTS.put(slot)


SELECTS = "select" in inspect.signature(grade).parameters  # newer graders keep only chosen checks


def pytest_addoption(parser):
    """A hook of the gradings' own pytest sessions only (run_job passes -p hostile_support).

    pytest formats the traceback of every failed check, which the grader's plugin then
    discards for its own message. Its default style parses the source file of every frame,
    and a module whose import failed re-raises one exception object in every later check,
    its traceback growing each time: tens of frames, about 0.5 s a failed check on a busy
    2-core machine. The native style costs next to nothing, and no verdict changes.
    """
    parser.addoption("--hostile-traceback-style", dest="tbstyle", default="native")


def pool(workers=WORKERS):
    """Processes that grade Jobs (run_job), `workers` at a time.

    Processes, not threads: each grading runs pytest and the checks' own numpy and torch
    in its grader process, and two pytest sessions or two OpenBLAS calls at once in one
    process interfere (fd captures interleave; a matrix product was seen spinning for
    minutes). Spawned, not forked: the test process has threads and torch.
    """
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def grade_many(jobs, workers=WORKERS):
    """{label: Graded} of `jobs`, graded `workers` at a time in processes of their own."""
    with pool(workers) as executor:
        return dict(zip([j.label for j in jobs], executor.map(run_job, jobs)))


def assert_sound(graded):
    """The promises every grading keeps (see the module's docstring)."""
    assert not graded.problems, f"{graded.job.label}:\n" + "\n".join(graded.problems)


# -- what must not leak -----------------------------------------------------------------


def secret_lines(assignment, with_solutions=True, minimum=25):
    """Lines only the grader holds, long enough to be telltale if they showed in results:
    the hidden checks' (but the public checks'), and with `with_solutions` the reference's
    solution lines (those not in the stubs)."""
    def lines(text):
        return {line.strip() for line in text.splitlines() if len(line.strip()) >= minimum}

    public = lines(assignment.public_checks.read_text())
    secret = set()
    if assignment.hidden_checks.exists():
        secret |= lines(assignment.hidden_checks.read_text()) - public
    if with_solutions:
        for name in assignment.files:
            reference = (assignment.directory / name).read_text()
            secret |= lines(reference) - lines(stub_source(reference)) - public
    return secret


def leaked(secrets, text):
    return sorted(line for line in secrets if line in text)


CALLS = (SNIPPETS / "_calls.py").read_text()


# -- the generic attacks of tests/hostile/ ---------------------------------------------


@dataclass(frozen=True)
class Attack:
    """A snippet of tests/hostile/ and what its header says (README.md there)."""
    name: str
    text: str
    where: str = "end"        # top: after the file's docstring; end: appended
    base: str = "reference"   # or stub: the handout's stub of the file
    uses: tuple = ()          # calls: tests/hostile/_calls.py goes before the snippet
    needs: tuple = ()         # targets (targets.json), namespaces, watch (count processes)
    costs: str = "its file"   # or nothing
    evidence: str = ""        # a regular expression some check's message must match
    layout: str = ""          # zip / links: a layout of the submission, not a snippet
    out: tuple = ("private",)  # where results.json goes: private (a folder of the test's), tmp
    checks: str = ""          # at most this many of the file's checks are graded, or all (default: see most)
    budget: str = ""          # the grade's budget, in per-check time limits (default: ample)

    @property
    def most(self):
        """How many of the attacked file's checks to grade (None: all). An attack on the
        reference may cost them anyway: one shows that, and what it leaves for the canaries.
        An attack on the stub must gain on none: all."""
        if self.checks == "all" or (not self.checks and self.base == "stub"):
            return None
        return int(self.checks or 1)

    def render(self, assignment, filename, token=""):
        text = (CALLS + "\n\n" if "calls" in self.uses else "") + self.text
        return (text.replace("{{file}}", filename).replace("{{module}}", Path(filename).stem)
                .replace("{{assignment}}", assignment.id).replace("{{token}}", token))


def load_attacks():
    attacks = []
    for path in sorted(SNIPPETS.glob("*.py")):
        if path.name.startswith("_"):
            continue
        text, header = path.read_text(), {}
        for line in text.splitlines():
            match = re.match(r"#\s*(\w+):\s*(.*?)\s*$", line)
            if not match:
                break
            header[match[1]] = match[2]
        many = {k: tuple(v.strip() for v in header[k].split(",")) for k in ("uses", "needs", "out") if k in header}
        attacks.append(Attack(path.stem, text, **{**header, **many}))
    return attacks


ATTACKS = {a.name: a for a in load_attacks()}


def insert(base, snippet, where):
    """`snippet` at the end of the source `base`, or at its top: after its docstring and
    __future__ imports, where the module's own code starts."""
    if where == "end":
        return base.rstrip("\n") + "\n\n\n" + snippet.rstrip("\n") + "\n"
    lines = base.splitlines(keepends=True)
    start = 0
    for node in ast.parse(base).body:
        is_docstring = start == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
            and isinstance(node.value.value, str)
        if is_docstring or (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            start = node.end_lineno
            continue
        break
    return "".join(lines[:start]) + "\n" + snippet.rstrip("\n") + "\n\n" + "".join(lines[start:])


# -- a submission from a corpus folder --------------------------------------------------


def assemble(assignment, source, folder, targets=None):
    """The submission of the folder `source` in the new folder `folder`: a file of the
    assignment present is used as it is; absent, the reference's own is copied; X.append.py
    is appended to the reference's X.py and X.prepend.py put before it; any other file (but
    *.md) is copied; `targets` goes to targets.json."""
    folder.mkdir(parents=True)
    for expected in assignment.files:
        own = source / expected
        head, tail = (source / expected.replace(".py", f".{end}.py") for end in ("prepend", "append"))
        if own.exists():
            text = own.read_text()
        else:
            text = (assignment.directory / expected).read_text()
            text = (head.read_text() if head.exists() else "") + text + (tail.read_text() if tail.exists() else "")
        (folder / expected).write_text(text)
    for extra in source.iterdir():
        if extra.name not in assignment.files and not extra.name.endswith((".append.py", ".prepend.py", ".md")):
            shutil.copy(extra, folder / extra.name)
    if targets is not None:
        (folder / "targets.json").write_text(json.dumps(targets))
    return folder
