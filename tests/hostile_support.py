"""Shared by the hostile-submission tests (tests/test_*_hostile.py): assembling an attack
folder into a submission, grading it on a sandbox slot of the test file's own, and
holding the grader to its promises (grading ends; results.json is the grader's own,
valid, naming every check once within its points; no process of the sandbox uid
outlives grading).

A folder under tests/submissions/ASSIGNMENT/hostile/NAME becomes a submission so:
a file of the assignment present is used as it is; absent, the reference's own
file is copied; X.append.py is appended to the reference's X.py; any other file
(but *.md) is copied; the test may add targets.json.
"""
import json
import os
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from grader import assignments
from grader.grading import grade, sandbox_uid

SUBMISSIONS = Path(__file__).parent / "submissions"


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


def assert_no_process_left(uid, grace=3.0):
    """SIGKILL is asynchronous: give the kernel `grace` seconds to finish what grading killed."""
    deadline = time.monotonic() + grace
    while (left := processes_of(uid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"processes of the sandbox uid {uid} outlived grading: {left}"


def assert_valid_results(assignment, out, results, include_hidden):
    """out is valid Gradescope JSON, the grader's own, with every check once, in order, within its points."""
    data = json.loads(Path(out).read_text())
    checks = assignment.checks(include_hidden)
    assert [t["name"] for t in data["tests"]] == [c.name for c in checks], "every check must be reported once, in order"
    for test, check in zip(data["tests"], checks):
        assert 0 <= test["score"] <= check.points == test["max_score"], f"score out of range: {test}"
        assert test["status"] in ("passed", "failed") and isinstance(test["output"], str)
        assert test["score"] == (check.points if test["status"] == "passed" else 0), test
    assert data["score"] == pytest.approx(sum(t["score"] for t in data["tests"]))
    ours = results.to_gradescope()
    ours.pop("execution_time"), data.pop("execution_time")
    assert data == ours, "results.json is not what the grader computed"
    return data


class Graded:
    """A grading run's results by check function name, with what was seen while it ran."""

    def __init__(self, checks, results, data, seconds, most_processes):
        self.results, self.data, self.seconds, self.most_processes = results, data, seconds, most_processes
        self.by_name = {c.function.__name__: t for c, t in zip(checks, results.tests)}
        self.parts = {c.function.__name__: c.part for c in checks}

    @property
    def failed(self):
        return {name for name, t in self.by_name.items() if not t.passed}

    @property
    def passed(self):
        return {name for name, t in self.by_name.items() if t.passed}

    def in_parts(self, parts):
        return {name for name in self.by_name if self.parts[name] in parts}

    def not_in_parts(self, parts):
        return set(self.by_name) - self.in_parts(parts)

    def output(self, name):
        return self.by_name[name].output


class HostileCorpus:
    """The hostile folders of one assignment, graded on sandbox slot `slot`.

    A slot of the test file's own: stopping a sandbox kills every process of its uid,
    so a grading run elsewhere must not share it.
    """

    def __init__(self, assignment_id, slot):
        self.assignment = assignments.load(assignment_id)
        self.checks = self.assignment.checks()
        self.folder = SUBMISSIONS / assignment_id / "hostile"
        self.slot, self.uid = slot, sandbox_uid(slot)
        self.reference_files = [self.assignment.directory / name
                                for name in (*self.assignment.files, "tests_hidden.py")]

    def assemble(self, name, folder, targets=None):
        """The submission of hostile/NAME in `folder` (see the module's docstring)."""
        source, files = self.folder / name, self.assignment.files
        folder.mkdir(parents=True)
        for expected in files:
            own, tail = source / expected, source / expected.replace(".py", ".append.py")
            if own.exists():
                text = own.read_text()
            else:
                text = (self.assignment.directory / expected).read_text()
                text += tail.read_text() if tail.exists() else ""
            (folder / expected).write_text(text)
        for extra in source.iterdir():
            if extra.name not in files and not extra.name.endswith((".append.py", ".md")):
                shutil.copy(extra, folder / extra.name)
        if targets is not None:
            (folder / "targets.json").write_text(json.dumps(targets))
        return folder

    def grade(self, name, tmp_path, seconds=None, include_hidden=True, out=None, targets=None,
              folder=None, limit=120):
        """Grade hostile/NAME (or `folder`); fail, not hang, if grading takes over `limit` s."""
        assignment = self.assignment
        if seconds is not None:
            assignment = replace(assignment, limits=replace(assignment.limits, seconds_per_test=seconds))
        folder = folder or self.assemble(name, tmp_path / name, targets)
        out = out or tmp_path / "results.json"
        outcome, most = {}, [0]

        def run():
            try:
                outcome["results"] = grade(assignment, folder, out=out, include_hidden=include_hidden,
                                           slot=self.slot)
            except BaseException as exc:  # reported below, in the test's own thread
                outcome["error"] = exc

        started = time.monotonic()
        runner = threading.Thread(target=run, daemon=True)
        runner.start()
        while runner.is_alive() and time.monotonic() - started < limit:
            most[0] = max(most[0], len(processes_of(self.uid)))
            runner.join(0.02)
        seconds_taken = time.monotonic() - started
        assert not runner.is_alive(), f"grading {name} did not end within {limit} s: the grader hangs"
        if "error" in outcome:
            raise AssertionError(f"grading {name} raised instead of scoring") from outcome["error"]
        data = assert_valid_results(self.assignment, out, outcome["results"], include_hidden)
        assert_no_process_left(self.uid)
        return Graded(self.checks, outcome["results"], data, seconds_taken, most[0])

    def reference_lines(self):
        """Lines of the reference and hidden tests long enough to be telltale if they leaked."""
        lines = set()
        for path in self.reference_files:
            lines |= {line.strip() for line in path.read_text().splitlines() if len(line.strip()) >= 30}
        return lines

    def assert_no_reference_text(self, text):
        leaked = [line for line in self.reference_lines() if line in text]
        assert not leaked, f"reference source leaked into the results: {leaked[:3]}"
