"""Every generic attack of tests/hostile/ against every assignment: whatever the code does,
it gains nothing, costs only its own file's checks, and grading keeps its promises.

An attack is a snippet put into one submitted file of an assignment (tests/hostile/README.md):
appended to or put at the top of a copy of the reference's file (an attack that disrupts:
exits, loops, bombs, floods, forks, kills, stalls) or of the handout's stub (an attack that
would gain: forged reports, results and answers, objects equal to anything, stolen
references); the other files are the reference's. Two attacks are layouts of the
submission instead (a zip slip, symbolic links to the reference).

Each test grades one (assignment, attack, file) and holds the grader to:
- grading ends within the grade's time budget; results.json is strict JSON, the grader's
  own, every check once within its points (hostile_support);
- the attack gains nothing: no check passes that the reference fails, nor, of an attack
  that starts from the stub, one of its file's checks that the untouched handout fails
  (layouts: none at all passes);
- it costs only its file: a check that does not use the file keeps the reference's
  verdict (unless the grade's budget ran out, as it says); "costs: nothing" attacks keep
  every verdict but those of checks reading the sources;
- a failed check says why, without a traceback; the attack's own sign shows (its
  `evidence`), so it did run;
- nothing of the sandbox uid outlives grading, no file is left in /tmp, /dev/shm, the
  submission or the work folders, and no line only the grader holds (the hidden checks',
  the reference's solutions) shows in the results.

Which checks use a file: those naming its module (statically, through helpers and
fixtures), those the grader saw use it when grading the reference (where it records
that), and any that fail when the file cannot be imported (a baseline graded where the
grader does not record files, or another file imports this one).
To stay fast, an attack grades the public checks only: the attacked file's (the first
calling its code, for an attack on the reference, which may cost them anyway; all for
one on the stub, which must gain on none) and a canary or two of other files' right before and after them
(a worker left broken would show there), with a per-check limit and a budget scaled to
what the reference needed, several gradings at a time, each in a process of its own.
Each attack targets one file, in turn over those not importing torch
(HOSTILE_EVERY_FILE=1: every file); slow: memory_bomb and hard_exit_at_import on a file
importing torch too (each fresh worker imports it), and loop_past_the_budget, which
spends its grade's budget.

The grader's known failures of a promise would be xfail(strict=True) (KNOWN): there are
none now (pipe_forgery cost checks of other files until each request carried a number that
its answer echoes).

An assignment whose reference does not score full marks on its public checks yet (one
being written) is skipped, saying so. These tests need root (as on Gradescope and CI):
only then does the worker run as a uid of its own.
"""
import ast
import inspect
import json
import os
import re
import socket
import threading
import time
import traceback
import types
import uuid
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from io import StringIO
from pathlib import Path

import pytest

from grader import assignments
from grader.report import print_table
from grader.stubs import stub_source
from hostile_support import (ATTACKS, CALLS, Attack, Job, assert_sound, insert, leaked, needs_root, pool, run_job,
                             secret_lines, strict_json)

pytestmark = needs_root

EVERY_FILE = os.environ.get("HOSTILE_EVERY_FILE") == "1"
TOKEN = uuid.uuid4().hex[:10]  # in the name of every file this session's attacks leave anywhere
SLACK = 10.0          # seconds past the grade's budget (and half the budget) for starting and ending a grading
WATCH_LIMIT = 4       # processes a fork bomb may have at once beyond the worker's limit


# -- which checks use which file --------------------------------------------------------


def unwrap(value):
    """A check's helper as a plain function: pytest fixtures and wrapped functions unwrapped."""
    for attribute in ("_get_wrapped_function", "__wrapped__", "__pytest_wrapped__"):
        inner = getattr(value, attribute, None)
        if callable(inner) and attribute == "_get_wrapped_function":
            try:
                return inner()
            except Exception:
                continue
        if inner is not None:
            return getattr(inner, "obj", inner)
    return value


def mentions(function):
    """Every name and string a check's code uses, through the helpers, classes and fixtures
    of its own module it reaches."""
    names, seen, stack = set(), set(), [function]
    module = getattr(function, "__module__", None)
    while stack:
        current = unwrap(stack.pop())
        code = getattr(current, "__code__", None)
        if code is None or code in seen:
            continue
        seen.add(code)
        scope = getattr(current, "__globals__", {})
        codes = [code]
        while codes:
            body = codes.pop()
            names.update(body.co_names)
            names.update(body.co_varnames[:body.co_argcount + body.co_kwonlyargcount])
            for constant in body.co_consts:
                if isinstance(constant, str):
                    names.add(constant)
                elif isinstance(constant, types.CodeType):
                    codes.append(constant)
        for name in list(names):
            value = scope.get(name)
            if value is None or getattr(unwrap(value), "__module__", module) != module:
                continue
            if inspect.isclass(value):
                stack += [m for m in vars(value).values() if inspect.isfunction(m)]
            elif callable(value):
                stack.append(value)
    return names


def stems_named(check, stems):
    """The submitted modules a check names: by attribute, global or string (mlp, "mlp.py")."""
    names = mentions(check.function)
    return {stem for stem in stems if stem in names or f"{stem}.py" in names
            or any(isinstance(n, str) and n.startswith(f"{stem}.") for n in names)}


def imports_torch(path):
    tree = ast.parse(path.read_text())
    return any(isinstance(n, ast.Import) and any(a.name.split(".")[0] == "torch" for a in n.names)
               or isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "torch"
               for n in ast.walk(tree))


# -- what each attack grades, planned when the tests are collected ----------------------


class Plan:
    """One assignment's public checks, and for each file the checks an attack on it grades:
    the file's own (by name: `uses`) and a canary or two of the others' around them."""

    def __init__(self, assignment_id):
        self.id, self.error = assignment_id, ""
        try:  # an assignment being written may not load, collect or parse yet
            self.assignment = assignments.load(assignment_id)
            self.checks = self.assignment.checks(include_hidden=False)
            self.files = self.assignment.files
            stems = [Path(n).stem for n in self.files]
            self.named = {c.id: stems_named(c, stems) for c in self.checks}
            self.torch = {Path(n).stem for n in self.files if imports_torch(self.assignment.directory / n)}
        except Exception as exc:
            self.error = f"{assignment_id} cannot be loaded yet: {type(exc).__name__}: {exc}"
            self.assignment, self.checks, self.files, self.named, self.torch = None, [], [], {}, set()

    def imported_by_others(self, filename):
        """Whether another submitted file imports `filename`'s module (then its checks may need it too)."""
        stem = Path(filename).stem
        for other in self.files:
            if other == filename:
                continue
            for node in ast.walk(ast.parse((self.assignment.directory / other).read_text())):
                if isinstance(node, ast.Import) and any(a.name.split(".")[0] == stem for a in node.names) \
                        or isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == stem:
                    return True
        return False

    def calling(self, filename):
        """The ids of the checks naming a function or class the reference's `filename` defines."""
        tree = ast.parse((self.assignment.directory / filename).read_text())
        defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        return {c.id for c in self.checks if mentions(c.function) & defined}

    def cheap(self, check):
        """A check that runs no submitted module importing torch (each fresh worker would import it)."""
        return not self.named[check.id] & self.torch

    def target(self, filename):
        """(ids of the checks using `filename`, ids of the canaries, whether one comes after them)."""
        stem = Path(filename).stem
        # A check naming no submitted module may use any of them.
        uses = [c for c in self.checks if stem in self.named[c.id] or not self.named[c.id]]
        order = {c.id: n for n, c in enumerate(self.checks)}
        others = [c for c in self.checks if c not in uses]
        if not uses or not others:
            return {c.id for c in uses}, set(), False
        first, last = min(order[c.id] for c in uses), max(order[c.id] for c in uses)
        after = [c for c in others if order[c.id] > last and self.cheap(c)]
        before = [c for c in reversed(others) if order[c.id] < first and self.cheap(c)]
        # The one right after shows a worker left broken; a torch one only if nothing else is there.
        canaries = after[:1] + before[:1] or [c for c in others if order[c.id] > last][:1] or before[:1]
        return {c.id for c in uses}, {c.id for c in canaries}, any(order[c.id] > last for c in canaries)

    def layout_keep(self):
        """For a submission without files of its own: one check of each file not importing torch
        (of a torch one too, if there is no other), the cheapest."""
        keep = set()
        for stem in (Path(n).stem for n in self.files):
            naming = [c for c in self.checks if stem in self.named[c.id]]
            keep |= {c.id for c in [c for c in naming if self.cheap(c)][:1]}
        return keep or {c.id for c in self.checks[:1]}


@lru_cache(maxsize=None)
def plan(assignment_id):
    return Plan(assignment_id)


class CostsAnotherFile(AssertionError):
    """An attack cost a check that does not use the attacked file."""


# The grader's known failures of a promise, by attack: (when it fails, why).
KNOWN = {}


# Slow: the attack that spends its grade's whole budget, and the attacks also graded on a file
# importing torch (each fresh worker imports it again).
SLOW_ATTACKS = {"loop_past_the_budget"}
ON_TORCH_FILES = ("hard_exit_at_import", "memory_bomb")


def targets_of(planned, number, attack):
    """[(file, slow)] an attack grades: one file, in turn over those not importing torch (and a
    torch one for ON_TORCH_FILES, slow), or with HOSTILE_EVERY_FILE=1 every file."""
    if attack.layout:
        return [(None, False)]
    if planned.error:
        return [(None, False)]
    torch = [f for f in planned.files if Path(f).stem in planned.torch]
    plain = [f for f in planned.files if f not in torch]
    if EVERY_FILE:
        return [(f, f in torch) for f in planned.files]
    chosen = [(plain[number % len(plain)], False)] if plain else []
    if torch and (attack.name in ON_TORCH_FILES or not plain):
        chosen.append((torch[number % len(torch)], True))
    return chosen


def parameters():
    found = []
    for assignment_id in assignments.all_ids():
        planned = plan(assignment_id)
        for number, attack in enumerate(ATTACKS.values()):
            for filename, on_torch in targets_of(planned, number, attack):
                for out in attack.out:
                    marks = []
                    if attack.name in SLOW_ATTACKS or on_torch:
                        marks.append(pytest.mark.slow)
                    known = KNOWN.get(attack.name)
                    if known and filename and not planned.error and planned.target(filename)[2]:
                        marks.append(pytest.mark.xfail(strict=True, raises=CostsAnotherFile, reason=known[1]))
                    label = "-".join(p for p in (assignment_id, attack.name, out if len(attack.out) > 1 else "",
                                                 filename or "") if p)
                    found.append(pytest.param(assignment_id, attack.name, filename, out, id=label, marks=marks))
    return found


PARAMETERS = parameters()


# -- grading everything that was asked for, a few at a time -------------------------------


@dataclass
class Target:
    """One attacked file of an assignment: the checks graded for it and its baselines."""
    filename: str
    keep: frozenset            # check ids graded: the file's checks and the canaries
    uses: set                  # of those, the ids that use the file
    limits: dict = field(default_factory=dict)  # the short limits its attacks grade under (Job's fields)
    baselines: dict = field(default_factory=dict)  # "unimportable" -> Graded, where graded


@dataclass
class Outcome:
    assignment_id: str
    attack: Attack
    filename: str
    out_kind: str
    skip: str = ""
    graded: object = None
    target: Target = None     # its file's checks (the layouts: None)
    reference: dict = None     # check id -> passed, with the reference
    handout: dict = None       # check id -> passed, with every file its stub
    folder: Path = None
    snapshot: dict = None      # the submission's files before grading
    facts: dict = field(default_factory=dict)  # what the lab saw around the grading


class AssignmentLab:
    """One assignment's gradings: the reference, the baselines of each attacked file, the attacks."""

    def __init__(self, assignment_id, root, pool):
        self.id, self.root, self.pool = assignment_id, root / assignment_id, pool
        self.plan, self.graded = plan(assignment_id), []
        self.skip = self.plan.error
        self.assignment = self.plan.assignment
        if not self.skip:
            try:  # collected here, one at a time: gradings side by side find them collected
                self.assignment.checks(include_hidden=True)
                self.stubs = {name: stub_source((self.assignment.directory / name).read_text())
                              for name in self.assignment.files}
            except Exception as exc:
                self.skip = f"{assignment_id} cannot be graded yet: {type(exc).__name__}: {exc}"

    def submit(self, job):
        future = self.pool.submit(run_job, job)
        future.add_done_callback(lambda done: self.graded.append(done.result()))
        return future

    def folder_with(self, label, replaced=None):
        """A submission: the reference's files, with {name: text} of `replaced` instead."""
        folder = self.root / label / "submission"
        folder.mkdir(parents=True)
        for name in self.assignment.files:
            text = (replaced or {}).get(name)
            (folder / name).write_text(text if text is not None else (self.assignment.directory / name).read_text())
        return folder

    def job(self, label, folder, limits=None, keep=None, watch=False, out=None):
        limits = limits or {}
        out = out or self.root / label / "out" / "results.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        budget = limits.get("seconds_total") or self.assignment.seconds_total
        return Job(label, self.id, folder, out, keep=keep, watch=watch, hang_after=budget + 60, **limits)

    # -- the reference, and the limits an attack on one file grades under --
    def grade_reference(self, keep):
        """Grade the reference on the checks `keep` the attacks will grade: "" or why not to go on."""
        graded = self.submit(self.job("reference", self.folder_with("reference"), keep=keep)).result()
        if graded.problems:
            return "grading the reference broke a promise:\n" + "\n".join(graded.problems)
        results = graded.results
        if any(not t.passed for t in results.tests):
            failing = [f"{t.name}: {t.output[:200]}" for t in results.tests if not t.passed][:3]
            return (f"the reference of {self.id} does not score full marks on its public checks yet "
                    f"({results.score:g}/{results.max_score:g} on those graded here; failing: {failing})")
        self.reference = graded
        return ""

    def limits(self, keep, *filenames):
        """A short limit for every check of `keep` and an ample budget, from what the reference took.

        At least 3 s a check: a fresh worker starts after every timeout or crash, and the check
        after it pays for that start (5 s if one of the checks runs a file importing torch,
        which that worker then imports; three times what the reference took for an attack on
        such a file, whose every check may import torch again).
        """
        durations = [self.reference.durations.get(i, 1.0) for i in keep]
        checks = {c.id: c for c in self.plan.checks}
        floor = 3.0
        if any(Path(name).stem in self.plan.torch for name in filenames):
            durations = [3 * d for d in durations + list(self.reference.durations.values())]
        elif not all(self.plan.cheap(checks[i]) for i in keep if i in checks):
            floor = 5.0  # a canary of a torch file: a fresh worker imports torch within it
        per_check = min(self.assignment.limits.seconds_per_test, max(floor, 2 * max(durations) + 1.5))
        budget = 4 * sum(durations) + 3 * per_check + 15  # ample: only loop_past_the_budget spends it
        return dict(seconds_per_test=round(per_check, 1), seconds_total=round(budget, 1), uniform=True)

    def target(self, filename):
        uses, canaries, _ = self.plan.target(filename)
        keep = frozenset(uses | canaries)
        # What the reference's grading saw each check use (graders that record it).
        uses = set(uses) | {i for i, t in self.reference.by_id.items()
                            if i in keep and filename in (t.extra_data or {}).get("files", ())}
        return Target(filename, keep, uses, self.limits(keep, filename))

    def baselines(self, target):
        """The file unimportable: which checks need it, where the grader does not record the
        files each check uses, or another file imports it."""
        name = target.filename
        broken = f'raise ImportError("{name} is not importable in this baseline")\n'
        if self.records_files and not self.plan.imported_by_others(name):
            return {}
        return {"unimportable": self.submit(self.job(f"{name}-unimportable", self.folder_with(
            f"{name}-unimportable", {name: broken}), target.limits, target.keep))}

    def grade_handout(self, targets):
        """The untouched handout, every file its stub, on the checks of the files attacked from
        their stubs: what an attack from a stub must not pass beyond."""
        if not targets:
            return None
        keep = frozenset().union(*(t.keep for t in targets))
        return self.submit(self.job("handout", self.folder_with("handout", self.stubs),
                                    self.limits(keep, *(t.filename for t in targets)), keep))

    def settle(self, target, futures):
        target.baselines = {kind: future.result() for kind, future in futures.items()}
        for kind, graded in target.baselines.items():
            if graded.problems:
                return f"the {kind} baseline of {target.filename} broke a promise:\n" + "\n".join(graded.problems)
            target.uses |= {i for i, t in graded.by_id.items() if not t.passed}
        return ""

    # -- the attacks --
    def prepare(self, outcome, port):
        attack, name = outcome.attack, outcome.filename
        label = "-".join(p for p in (attack.name, outcome.out_kind, name or "layout") if p)
        token = f"{TOKEN}-{uuid.uuid4().hex[:8]}"
        facts = outcome.facts
        if outcome.out_kind == "tmp":
            out = Path("/tmp") / f"hostile-results-{token}.json"
        else:
            out = self.root / label / "out" / "results.json"
        victim = out.parent / f"hostile-victim-{token}.txt"
        facts.update(out=out, victim=victim, token=token)
        if attack.layout:
            outcome.folder = self.layout(attack.layout, label, token)
            keep, limits = self.layout_keep, self.layout_limits
        else:
            target = outcome.target
            base = self.stubs[name] if attack.base == "stub" else (self.assignment.directory / name).read_text()
            text = insert(base, attack.render(self.assignment, name, TOKEN), attack.where)
            outcome.folder = self.folder_with(label, {name: text})
            keep, limits = target.keep, target.limits
            if attack.most is not None:  # the first few of the file's checks, and the canaries
                order = [c.id for c in self.plan.checks]
                calling = self.plan.calling(name)  # those calling the file's code come first
                own = sorted((i for i in keep if i in target.uses), key=lambda i: (i not in calling, order.index(i)))
                keep = frozenset(own[:attack.most]) | (keep - target.uses)
                limits = self.limits(keep, name)
            if attack.budget:
                limits = {**limits, "seconds_total": round(float(attack.budget) * limits["seconds_per_test"], 1)}
        if "targets" in attack.needs:
            victim.parent.mkdir(parents=True, exist_ok=True)
            victim.write_text("untouched")
            (outcome.folder / "targets.json").write_text(json.dumps({"results": [str(out)], "victim": str(victim),
                                                                     "port": port}))
        outcome.snapshot = snapshot(outcome.folder)
        return self.job(label, outcome.folder, limits, keep, watch="watch" in attack.needs, out=out)

    def layout(self, kind, label, token):
        folder = self.root / label / "submission"
        folder.parent.mkdir(parents=True)
        if kind == "links":
            folder.mkdir()
            for name in self.assignment.files:
                (folder / name).symlink_to(self.assignment.directory / name)
            return folder
        text = ATTACKS["zip_slip"].text
        archive_path = self.root / label / "submission.zip"
        with zipfile.ZipFile(archive_path, "w") as archive:
            for name in (f"../../escaped-{token}-up.py", f"../escaped-{token}-up1.py",
                         f"/tmp/escaped-{token}-abs.py", f"..\\..\\escaped-{token}-win.py",
                         f"sub/../../escaped-{token}-mid.py", f"C:/escaped-{token}-drive.py"):
                zip_member(archive, name, text)
            zip_member(archive, "link", "/tmp", mode=0o120777)  # a link to a folder...
            zip_member(archive, f"link/escaped-{token}-link.py", text)  # ...and a member through it
            for name in self.assignment.files:
                zip_member(archive, name, str(self.assignment.directory / name), mode=0o120777)
        return archive_path

    def run(self, outcomes, port):
        """Grade `outcomes` (this assignment's wanted tests), filling them in."""
        if self.skip:
            return self.skip_all(outcomes, self.skip)
        files = sorted({o.filename for o in outcomes if o.filename})
        layouts = any(o.attack.layout for o in outcomes)
        self.layout_keep = frozenset(self.plan.layout_keep())
        keep = set(self.layout_keep if layouts else ())
        for name in files:
            uses, canaries, _ = self.plan.target(name)
            keep |= uses | canaries
        reason = self.grade_reference(frozenset(keep))
        if reason:
            return self.skip_all(outcomes, reason)
        reference = {i: True for i in keep}
        self.records_files = any("files" in (t.extra_data or {}) for t in self.reference.results.tests)
        targets = {name: self.target(name) for name in files}
        pending = {name: self.baselines(targets[name]) for name in files}
        handout = self.grade_handout([targets[n] for n in files
                                      if any(o.filename == n and o.attack.base == "stub" for o in outcomes)])
        durations = [self.reference.durations.get(i, 1.0) for i in self.layout_keep]
        self.layout_limits = dict(seconds_total=round(4 * sum(durations) + 30, 1))
        jobs = []  # graded beside the baselines: those are needed to judge, not to grade
        for outcome in outcomes:
            outcome.reference, outcome.target = reference, targets.get(outcome.filename)
            jobs.append((outcome, self.submit(self.prepare(outcome, port))))
        problems = {name: self.settle(targets[name], futures) for name, futures in pending.items()}
        if handout is not None:
            handout = handout.result()
            if handout.problems:
                reason = "grading the handout broke a promise:\n" + "\n".join(handout.problems)
                problems.update({n: reason for n in files if not problems.get(n)})
            handout = {i: t.passed for i, t in handout.by_id.items()}
        for outcome, future in jobs:
            outcome.graded, outcome.handout = future.result(), handout
            outcome.skip = problems.get(outcome.filename, "")
            after_grading(outcome)

    def run_safely(self, outcomes, port):
        """run(), any error of the lab's own kept for the tests to report (not skip)."""
        try:
            self.run(outcomes, port)
        except BaseException:
            for outcome in outcomes:
                outcome.facts["lab error"] = traceback.format_exc()

    @staticmethod
    def skip_all(outcomes, reason):
        for outcome in outcomes:
            outcome.skip = reason


def zip_member(archive, name, data, mode=0o100644):
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    archive.writestr(info, data)


def snapshot(path):
    """{relative path: bytes} of a submission folder or zip, links as their targets."""
    path = Path(path)
    if path.is_file():
        return {path.name: path.read_bytes()}
    found = {}
    for item in sorted(path.rglob("*")):
        key = str(item.relative_to(path))
        found[key] = ("link", os.readlink(item)) if item.is_symlink() else item.read_bytes() if item.is_file() else "dir"
    return found


def after_grading(outcome):
    """What the lab checks right after grading: the submission untouched, nothing else beside results."""
    facts = outcome.facts
    facts["submission unchanged"] = snapshot(outcome.folder) == outcome.snapshot
    out = facts["out"]
    if facts["out"].parent != Path("/tmp"):
        facts["beside results"] = sorted(p.name for p in out.parent.iterdir()
                                         if p.name not in (out.name, facts["victim"].name))
    else:
        facts["beside results"] = sorted(p.name for p in out.parent.glob(f"*{facts['token']}*")
                                         if p.name not in (out.name, facts["victim"].name))


def lingering_forgers(outcomes):
    """Once its lingering process would have forged again (1 s after grading), read
    results.json and the victim again; then remove what the test put in /tmp."""
    forged = [o for o in outcomes if o.graded is not None and "targets" in o.attack.needs]
    if forged:
        time.sleep(max(0.0, max(o.graded.ended for o in forged) + 1.2 - time.time()))
    for outcome in forged:
        out, victim = outcome.facts["out"], outcome.facts["victim"]
        outcome.facts["results later"] = out.read_text() if out.is_file() and not out.is_symlink() else None
        outcome.facts["victim later"] = victim.read_text() if victim.is_file() else None
        outcome.facts["out is a link"] = out.is_symlink()
    for outcome in outcomes:
        if outcome.out_kind == "tmp":
            for path in Path("/tmp").glob(f"*{outcome.facts.get('token', 'none')}*"):
                path.unlink()


@pytest.fixture(scope="session")
def lab(request, tmp_path_factory):
    """{(assignment, attack, file, out): Outcome} for every test of this file pytest will run,
    graded once, a few at a time, each in a process and on a sandbox slot of its own."""
    wanted = []
    for item in request.session.items:
        spec = getattr(item, "callspec", None)
        if item.module.__name__ == __name__ and spec is not None and "attack_name" in spec.params:
            key = tuple(spec.params[k] for k in ("assignment_id", "attack_name", "filename", "out_kind"))
            if key not in wanted:
                wanted.append(key)
    root = tmp_path_factory.mktemp("hostile")
    outcomes = {key: Outcome(key[0], ATTACKS[key[1]], key[2], key[3]) for key in wanted}
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    started, labs = time.monotonic(), {}
    try:
        with pool() as executor:
            ids = list(dict.fromkeys(key[0] for key in wanted))
            labs = {i: AssignmentLab(i, root, executor) for i in ids}
            pipelines = [threading.Thread(target=labs[i].run_safely, name=f"hostile {i}",
                                          args=([o for k, o in outcomes.items() if k[0] == i],
                                                listener.getsockname()[1])) for i in ids]
            for pipeline in pipelines:
                pipeline.start()
            for pipeline in pipelines:
                pipeline.join()
        try:
            listener.accept()[0].close()
            called = True
        except BlockingIOError:
            called = False
        for outcome in outcomes.values():
            outcome.facts["listener called"] = called
        lingering_forgers(list(outcomes.values()))
    finally:
        listener.close()
    if os.environ.get("HOSTILE_TIMES"):  # what each grading took, slowest first
        every = [g for lab_ in labs.values() for g in lab_.graded]
        for graded in sorted(every, key=lambda g: -g.seconds):
            slowest = sorted(graded.durations.items(), key=lambda item: -item[1])[:2]
            print(f"{graded.seconds:6.1f} s  {graded.job.assignment_id} {graded.job.label}  "
                  + ", ".join(f"{i.split('::')[-1]} {d:.1f} s" for i, d in slowest))
        print(f"{time.monotonic() - started:6.1f} s  all {len(every)} gradings")
    return outcomes


# -- the promises -------------------------------------------------------------------------


def namespaces_allowed():
    """Whether this machine lets a root process unshare mount, PID and network namespaces."""
    child = os.fork()
    if child == 0:
        from grader.sandbox import launch
        os._exit(0 if launch.enter_namespaces() else 1)
    return os.waitpid(child, 0)[1] == 0


BUDGET_SPENT = "time budget"


@pytest.mark.parametrize("assignment_id, attack_name, filename, out_kind", PARAMETERS)
def test_an_attack_gains_nothing_and_costs_only_its_file(lab, assignment_id, attack_name, filename, out_kind):
    outcome = lab[(assignment_id, attack_name, filename, out_kind)]
    assert "lab error" not in outcome.facts, outcome.facts["lab error"]
    if outcome.skip:
        pytest.skip(outcome.skip)
    attack, graded = outcome.attack, outcome.graded
    if "namespaces" in attack.needs and not namespaces_allowed():
        pytest.skip("this machine refuses network namespaces: the worker keeps the machine's network")
    assert_sound(graded)
    assignment = graded.job.assignment()
    verdict = {c.id: t.passed for c, t in zip(graded.checks, graded.results.tests)}
    by_id = graded.by_id
    spent = graded.seconds >= assignment.seconds_total - 1

    # grading ends within the grade's budget
    assert graded.seconds <= assignment.seconds_total + max(SLACK, assignment.seconds_total / 2), \
        f"grading took {graded.seconds:.1f} s, past the budget of {assignment.seconds_total:g} s"

    # the attack gains nothing, and costs only its file (layouts: no file of its own at all)
    if attack.layout:
        gained = [by_id[i].name for i, ok in verdict.items() if ok]
        assert not gained, f"links or escaping paths passed, with no file of the submission's own: {gained}"
    else:
        target = outcome.target
        base = outcome.handout if attack.base == "stub" else None
        gained = [by_id[i].name for i, ok in verdict.items()
                  if ok and not (outcome.reference[i] if i not in target.uses or base is None else base[i])]
        assert not gained, f"{attack.name} in {filename} passed what {attack.base} code does not: {gained}"
        kept = [c for c in graded.checks if c.id not in target.uses]
        if attack.costs == "nothing":
            functions = {c.id: c.function for c in plan(assignment_id).checks}
            kept = [c for c in graded.checks if "sources" not in inspect.signature(functions[c.id]).parameters]
        lost = [f"{by_id[c.id].name}: {by_id[c.id].output[:300]}" for c in kept
                if not verdict[c.id] and outcome.reference[c.id]
                and not (spent and BUDGET_SPENT in by_id[c.id].output)]
        if lost:
            raise CostsAnotherFile(f"{attack.name} in {filename} cost checks it should not:\n" + "\n".join(lost))

    # a failed check says why
    for test in graded.results.tests:
        if not test.passed:
            assert test.output.strip() and "Traceback" not in test.output, f"{test.name}: {test.output[:1000]}"

    # the attack did run
    text = graded.text()
    if attack.evidence:
        assert re.search(attack.evidence, text), f"no sign of {attack.name} ({attack.evidence!r}):\n{text[:3000]}"

    # nothing left behind, nothing leaked
    facts = outcome.facts
    assert facts["submission unchanged"], "the submission was changed by grading"
    assert not facts["beside results"], f"files left beside results.json: {facts['beside results']}"
    secrets = secret_lines(assignment, with_solutions=attack.base == "stub" or bool(attack.layout))
    assert not leaked(secrets, text), f"lines only the grader holds leaked: {leaked(secrets, text)[:3]}"

    specific = SPECIFIC.get(attack.name)
    if specific is not None:
        specific(outcome, graded, text)


def output_flood(outcome, graded, text):
    cap = graded.job.assignment().limits.output_kb * 1024
    for test in graded.results.tests:
        assert len(test.output) < cap + 1000, f"{test.name}: {len(test.output)} characters of output kept"
    flooded = [t.name for t in graded.results.tests if "hostile flood" in t.output]
    assert flooded, "the flood was never seen"


def forged_report(outcome, graded, text):
    fake = "Score: 100 / 100"
    for test in graded.results.tests:
        if fake in test.output:
            assert test.output.index("Your code printed:") < test.output.index(fake), test.output[:500]
    assert fake not in graded.results.output
    table = StringIO()
    print_table(graded.results, table)
    totals = [line for line in table.getvalue().splitlines() if line.startswith("Score:")]
    assert totals[-1] == f"Score: {graded.results.score:g} / {graded.results.max_score:g}", totals


def forged_results(outcome, graded, text):
    facts = outcome.facts
    later = strict_results(facts["results later"])
    ours = graded.results.to_gradescope()
    ours.pop("execution_time"), later.pop("execution_time")
    assert later == ours, "results.json was overwritten after grading"
    assert facts["victim later"] == "untouched", "the grader wrote its results through the student's link"
    assert not facts["out is a link"]


def strict_results(text):
    assert text is not None, "results.json is gone or a link a second after grading"
    return strict_json(text)


def left_children(outcome, graded, text):
    assert graded.most_processes >= 3, "the worker and its two leftovers were never seen"


def fork_bomb(outcome, graded, text):
    nproc = graded.job.assignment().limits.nproc
    assert graded.most_processes <= nproc + WATCH_LIMIT, f"{graded.most_processes} processes at once"


def network(outcome, graded, text):
    assert not outcome.facts["listener called"], "the worker reached the test's port"
    assert "CONNECTED" not in text and "RESOLVED" not in text, text[:2000]


def read_reference(outcome, graded, text):
    assert "FOUND the reference" not in text


def loop_past_the_budget(outcome, graded, text):
    assignment = graded.job.assignment()
    if graded.seconds >= assignment.seconds_total:
        assert "time budget" in text, text[:3000]


def layout(outcome, graded, text):
    for name in graded.job.assignment().files:
        assert f"missing: {name}" in graded.results.output, graded.results.output
    if outcome.attack.layout == "zip":
        assert "symbolic link" in graded.results.output, graded.results.output
    token = outcome.facts["token"]
    escaped = [*Path("/tmp").glob(f"escaped-{token}*"), *Path("/").glob(f"escaped-{token}*"),
               *outcome.folder.parent.parent.rglob(f"escaped-{token}*")]
    assert not escaped, f"zip members written outside the working folder: {escaped}"


SPECIFIC = {"output_flood": output_flood, "forged_report": forged_report, "forged_results": forged_results,
            "leftover_children": left_children, "fork_bomb": fork_bomb, "network": network,
            "read_reference": read_reference, "loop_past_the_budget": loop_past_the_budget, "zip_slip": layout,
            "symlinks_to_reference": layout}


def test_nothing_is_left_in_tmp_after_the_attacks(lab):
    """No work folder of the gradings' processes, no file this session's attacks wrote."""
    graded = [o.graded for o in lab.values() if o.graded is not None]
    if not graded:
        pytest.skip("no attack was graded")
    patterns = [f"*{TOKEN}*", *{f"grader-{g.pid}-*" for g in graded}]
    left = sorted(str(p) for pattern in patterns for folder in (Path("/tmp"), Path("/dev/shm"), Path("/var/tmp"))
                  for p in folder.glob(pattern))
    assert not left, f"left behind: {left}"


def test_every_snippet_parses_and_says_what_it_costs():
    """Each snippet of tests/hostile/ parses, and says what it costs."""
    for attack in ATTACKS.values():
        assert attack.costs in ("nothing", "its file") and attack.where in ("top", "end"), attack.name
        assert attack.base in ("reference", "stub") and attack.layout in ("", "zip", "links"), attack.name
        if not attack.layout:
            ast.parse(insert('"""doc"""\nfrom __future__ import annotations\nx = 1\n',
                             attack.text if "calls" not in attack.uses else CALLS + attack.text, attack.where))
