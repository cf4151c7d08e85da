"""Hardening: attacks on the grader's own work, on what outlives a grading, and on the report.

Each attack in tests/hardening/ is written as a student would write it (appended to a
reference file, or a whole file; its header says what it tries). Every grading here is
held to the same promises (`graded`): it gains nothing, ends within the grade's time
budget, leaves nothing (no process, file, IPC object or core of the sandbox's uid), and
its results.json is strict UTF-8 JSON with every score within its points.

- unbounded work in the grader on student data: exact truth tables (deep_or_gate.py),
  submitted sources (generated here), wire messages (forged_flood.py), a check stuck in
  the grader's arithmetic (costly_check/, huge_count.py);
- isolation that outlives a grading (leaver.py, then seeker.py in the next grading),
  with namespaces and as where they are refused; what the worker is shown of the machine;
- output that breaks the report (surrogates.py).

Gradings run public checks only, one or two of them (-k), with short limits.
"""
import dataclasses
import importlib.util
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

from grader import assignments, grading
from grader.checks import CheckFailed
from grader.checks import static
from grader.checks.truth_table import (MAX_EXACT_COST, Rule, as_weight_list, corners, exact_cost,
                                       expect_decision, far_away, grid, near_axes)
from grader.implementations import StudentCode
from grader import results as report
from grader.sandbox import launch, runner, wire
from grader.sandbox.runner import Limits, Sandbox, SandboxCrashed
from grader.submission import (MAX_NOTEBOOK_VALUES, MAX_SOURCE_BYTES, SubmissionError, prepare_submission)

ATTACKS = Path(__file__).parent / "hardening"
MLP = assignments.load("mlp_numpy")
RELU = assignments.load("relu_nets")
# Sandbox slots of this file's own (stopping a sandbox kills every process of its uid; other
# files use 0, 8-23, 41-45 and 100-102).
SLOT, OTHER_SLOT, PROBE_SLOT = 26, 27, 28
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox isolates only when the grader is root")

OR = Rule("x1 > 0 or x2 > 0", lambda X: (X[:, 0] > 0) | (X[:, 1] > 0))
XOR = Rule("x1 < 0 < x2 or x2 < 0 < x1",
           lambda X: ((X[:, 0] < 0) & (X[:, 1] > 0)) | ((X[:, 0] > 0) & (X[:, 1] < 0)))
EVERYWHERE = np.vstack([corners(), grid(), near_axes(), far_away()])


# -- helpers ------------------------------------------------------------------------------


def submission(assignment, folder, append=None, to=None, files=()):
    """The reference's files in `folder`, with the attack `append` appended to the file `to`,
    and the attack files `files` beside them."""
    folder.mkdir(parents=True)
    for name in assignment.files:
        text = (assignment.directory / name).read_text()
        if name == to:
            text += "\n\n" + (ATTACKS / append).read_text()
        (folder / name).write_text(text)
    for name in files:
        shutil.copy(ATTACKS / name, folder / name)
    return folder


def with_limits(assignment, seconds_total=40, **limits):
    return dataclasses.replace(assignment, limits=dataclasses.replace(assignment.limits, **limits),
                               seconds_total=seconds_total)


def ipc_objects_with_our_keys():
    """The host's System V IPC objects with the keys of ipc_helper.py, as /proc/sysvipc lists them."""
    keys = {0x4A52D001, 0x4A52D002, 0x4A52D003}
    found = []
    for kind in ("shm", "sem", "msg"):
        with open(f"/proc/sysvipc/{kind}") as stream:
            next(stream)
            found += [(kind, line.split()[1]) for line in stream if line.split() and int(line.split()[0]) in keys]
    return found


def strict_utf8_json(raw):
    """The parsed results.json, or AssertionError: strict UTF-8, no NaN/Infinity, no lone surrogate."""
    text = raw.decode("utf-8")  # strict: a lone surrogate written raw would fail here

    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")
    data = json.loads(text, parse_constant=refuse)

    def walk(value):
        if isinstance(value, str):
            value.encode("utf-8")  # strict: a \ud800 escape parses to a lone surrogate, which fails here
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key), walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(data)
    return data


def graded(assignment, folder, tmp_path, slot=SLOT, keep=None, namespaces=True, monkeypatch=None):
    """Grade `folder` (public checks, -k `keep`); check every promise; (Results, data, seconds)."""
    out = tmp_path / f"results-{slot}.json"
    if not namespaces:  # as on a machine that refuses them (Docker without CAP_SYS_ADMIN)
        real = grading.isolation_for
        monkeypatch.setattr(grading, "isolation_for",
                            lambda *a, **k: dataclasses.replace(real(*a, **k), namespaces=False))
    uid = grading.sandbox_uid(slot)
    started = time.monotonic()
    results = grading.grade(assignment, folder, out=out, include_hidden=False, slot=slot,
                            pytest_args=("-s", *(("-k", keep) if keep else ())))
    seconds = time.monotonic() - started
    if not namespaces:
        monkeypatch.setattr(grading, "isolation_for", real)
    assert seconds < assignment.seconds_total + 10, f"grading took {seconds:.1f} s"
    data = strict_utf8_json(out.read_bytes())
    assert data["tests"] and data["tests"] == [dataclasses.asdict(t) for t in results.tests]
    for test in data["tests"]:
        assert 0 <= test["score"] <= test["max_score"]
        assert test["score"] == (test["max_score"] if test["status"] == "passed" else 0)
    if uid is not None:
        assert not left_by(uid), f"the sandbox uid {uid} left: {left_by(uid)}"
    return results, data, seconds


def left_by(uid, grace=3.0):
    """What of `uid` outlived its grading: processes, files in the writable folders, IPC objects."""
    deadline = time.monotonic() + grace
    while True:
        processes = [p for p in os.listdir("/proc") if p.isdigit() and alive_as(p, uid)]
        left = processes + runner.owned_entries(uid) + \
            [f"{kind} {ident}" for kind in ("shm", "sem", "msg")
             for ident in runner.ipc_objects(kind, {"shm": "shmid", "sem": "semid", "msg": "msqid"}[kind],
                                             ("uid", "cuid"), uid)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def alive_as(pid, uid):
    try:
        with open(f"/proc/{pid}/status") as stream:
            fields = dict(line.split(":", 1) for line in stream if ":" in line)
        return int(fields["Uid"].split()[0]) == uid and not fields["State"].strip().startswith(("Z", "X"))
    except (OSError, KeyError, ValueError):
        return False


def output_of(results, name):
    return next(t.output for t in results.tests if t.extra_data["id"].endswith("::" + name))


class Worker:
    """A sandboxed worker holding `files`, isolated as grading isolates a submission."""

    def __init__(self, files, slot=PROBE_SLOT, limits=None, namespaces=True):
        self.root = Path(tempfile.mkdtemp(prefix=f"grader-{os.getpid()}-"))
        self.workdir = grading.make_workdir(self.root, slot)
        for name, text in files.items():
            (self.workdir / name).write_text(text)
        grading.hand_over(self.workdir, slot)
        isolation = dataclasses.replace(grading.isolation_for(self.workdir, None, self.workdir, slot),
                                        namespaces=namespaces)
        self.sandbox = Sandbox(self.workdir, limits or Limits(seconds_per_test=20), isolation)
        self.code = StudentCode(self.sandbox)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sandbox.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def python_open_to_others():
    """Whether a uid of no group can run this Python (not under a private home, as on Gradescope)."""
    return not any(launch.private_ancestor(os.path.realpath(p))[0] for p in runner.python_paths())


def namespaces_allowed():
    child = os.fork()
    if child == 0:
        os._exit(0 if launch.enter_namespaces() else 1)
    return os.waitpid(child, 0)[1] == 0


# -- 2. unbounded work in the grader: exact truth tables ----------------------------------------


def or_gate_of(attack):
    """The weight list of the attack tests/hardening/`attack`, as the worker would send it."""
    scope = {}
    exec((ATTACKS / attack).read_text(), scope)
    return as_weight_list(scope["or_gate"](), "or_gate()")


def test_a_network_whose_exact_values_grow_without_end_is_refused_at_once():
    layers = or_gate_of("deep_or_gate.py")
    started = time.monotonic()
    with pytest.raises(CheckFailed) as failure:
        expect_decision(layers, OR, np.vstack([corners(), grid()]), "or_gate()")
    assert time.monotonic() - started < 5, "the cost model must refuse before evaluating"
    message = str(failure.value)
    assert message.startswith("or_gate(): ") and "too costly to evaluate exactly" in message, message
    assert "bits (layer" in message and f"{MAX_EXACT_COST:.3g} units" in message, message


def test_a_network_scaled_by_1e300_and_back_is_judged_in_seconds():
    """Hours as Fractions (a numerator of 150 000 bits); integers times powers of two need 16 000."""
    layers = or_gate_of("scaled_or_gate.py")
    points = np.vstack([corners(), grid()])
    assert exact_cost(layers, points)[1] < 20_000
    started = time.monotonic()
    expect_decision(layers, OR, points, "or_gate()")  # a correct OR: it passes
    assert time.monotonic() - started < 15


def honest_networks():
    """Valid constructions of every kind the course's checks judge, rounding-fragile ones included."""
    def net(*layers):
        return as_weight_list(list(layers), "net")
    W2 = [[1, 0, 0, 0], [1, -1, 0, 0], [0, 0, 1, 0], [0, 0, 1, -1]]
    return {
        "or: relu sum": (net((np.eye(2), [0, 0]), ([[1, 1]], [0])), OR),
        "or: scaled, swapped": (net(([[0, 3], [0.5, 0]], [0, 0]), ([[2, 7]], 0)), OR),
        "or: tiny weights": (net((np.eye(2) * 1e-200, [0, 0]), ([[1e200, 1e200]], [0])), OR),
        "or: huge weights": (net((np.eye(2) * 1e150, [0, 0]), ([[1e150, 1e150]], [0])), OR),
        "or: ten layers": (net((np.eye(2), [0, 0]), *[(np.eye(2) * 3.7, [0, 0])] * 8, ([[1, 1]], [0])), OR),
        "xor: minimum": (net(([[1, 0], [0, -1], [-1, 0], [0, 1]], np.zeros(4)), (W2, np.zeros(4)),
                             ([[1, -1, 1, -1]], [0])), XOR),
        "xor: absolute values": (net(([[1, -1], [-1, 1], [1, 1], [-1, -1]], np.zeros(4)),
                                     ([[1, 1, -1, -1]], [0])), XOR),
    }


@pytest.mark.parametrize("name", list(honest_networks()))
def test_honest_constructions_pass_with_room_to_spare(name):
    layers, rule = honest_networks()[name]
    expect_decision(layers, rule, EVERYWHERE, name)
    per_point, bits, _ = exact_cost(layers, EVERYWHERE)  # as if every point were in doubt
    assert per_point * len(EVERYWHERE) < MAX_EXACT_COST / 10 and bits < 10_000, (per_point, bits)


@pytest.mark.slow
def test_the_costliest_network_allowed_takes_seconds():
    spec = importlib.util.spec_from_file_location("limits", Path(__file__).parents[1] / "benchmarks" / "limits.py")
    limits = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(limits)  # the benchmark's own network, so that its figure is this test's
    layers, points, cost = limits.costliest_allowed_network()
    assert 0.8 * MAX_EXACT_COST < cost <= MAX_EXACT_COST
    started = time.monotonic()
    expect_decision(layers, OR, points, "or_gate()")
    assert time.monotonic() - started < 30


def test_deep_or_gate_costs_its_check_and_seconds_of_grading(tmp_path):
    folder = submission(RELU, tmp_path / "deep_or", "deep_or_gate.py", "gates.py")
    results, data, seconds = graded(with_limits(RELU, seconds_per_test=20), folder, tmp_path,
                                    keep="or_simple_points and not xor")
    assert results.score == 0
    assert "too costly to evaluate exactly" in output_of(results, "or_simple_points")
    assert seconds < 20, f"{seconds:.1f} s"


# -- 2. submitted sources ------------------------------------------------------------------------


def bulky(size):
    """Valid Python of about `size` bytes, of the kind that costs a parser most: many small nodes."""
    return "DATA = [" + "a," * (size // 2) + "]\n"


def test_oversized_sources_are_refused_or_skipped_in_one_line(tmp_path):
    folder = submission(MLP, tmp_path / "big")
    (folder / "mlp.py").write_text((folder / "mlp.py").read_text() + bulky(MAX_SOURCE_BYTES))
    (tmp_path / "w1").mkdir()
    with pytest.raises(SubmissionError) as failure:
        prepare_submission(folder, tmp_path / "w1", MLP.files)
    message = str(failure.value)
    assert "\n" not in message and "mlp.py is" in message and "256 KB" in message, message
    # a helper that is not an expected file is skipped, and grading goes on
    (folder / "mlp.py").write_text((MLP.directory / "mlp.py").read_text())
    (folder / "helper.py").write_text(bulky(2 * MAX_SOURCE_BYTES))
    (tmp_path / "w2").mkdir()
    prepared = prepare_submission(folder, tmp_path / "w2", MLP.files)
    assert not (tmp_path / "w2" / "helper.py").exists()
    assert any("helper.py" in note and "256 KB" in note for note in prepared.notes), prepared.notes


def notebook(cells):
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.mark.parametrize("what", ["values", "code"])
def test_a_notebook_that_would_cost_the_grader_too_much_is_refused(tmp_path, what):
    relu = tmp_path / "sub"
    relu.mkdir()
    for name in RELU.files:
        if name != "modules.py":
            shutil.copy(RELU.directory / name, relu / name)
    if what == "values":  # outputs of a million tiny lists: nbformat builds an object of each
        cells = [{"cell_type": "code", "metadata": {"junk": [[]] * (2 * MAX_NOTEBOOK_VALUES)},
                  "source": "x = 1", "outputs": [], "execution_count": None}]
    else:
        cells = [{"cell_type": "code", "metadata": {}, "source": bulky(MAX_SOURCE_BYTES // 4),
                  "outputs": [], "execution_count": None}] * 5
    (relu / "modules.ipynb").write_text(notebook(cells))
    (tmp_path / "w").mkdir()
    started = time.monotonic()
    with pytest.raises(SubmissionError) as failure:
        prepare_submission(relu, tmp_path / "w", RELU.files)
    assert time.monotonic() - started < 5
    message = str(failure.value)
    assert "\n" not in message and "modules.ipynb holds" in message, message
    assert ("JSON values" if what == "values" else "of code") in message, message


def test_a_grading_of_an_oversized_source_scores_0_with_the_reason(tmp_path):
    folder = submission(MLP, tmp_path / "big")
    (folder / "mlp.py").write_text((folder / "mlp.py").read_text() + bulky(4 * MAX_SOURCE_BYTES))
    results, data, seconds = graded(with_limits(MLP), folder, tmp_path, keep="linear_map_forward or xor")
    assert results.score == 0 and seconds < 10
    assert all("the grader reads of one source file" in t["output"] for t in data["tests"])


def test_static_checks_fail_on_a_source_too_large_to_read(tmp_path):
    """What the unpacker would refuse, should it reach the work folder another way."""
    (tmp_path / "mlp.py").write_text(bulky(2 * MAX_SOURCE_BYTES))
    (tmp_path / "answers.py").write_text("import numpy\n")
    sources = grading.read_sources(tmp_path, ["mlp.py", "answers.py"])
    assert isinstance(sources["mlp.py"], static.OversizedSource)
    assert static.imported_modules(sources["answers.py"]) == {"numpy": 1}
    for function, args in [(static.imported_modules, ()), (static.syntax_problem, ("mlp.py",)),
                           (static.autograd_uses, ()), (static.python_loops, ("forward",))]:
        with pytest.raises(CheckFailed, match=r"^mlp\.py is 512 KB, more than the 256 KB the grader reads"):
            function(sources["mlp.py"], *args)
    with pytest.raises(CheckFailed, match="more than the 256 KB"):
        static.imported_modules(bulky(2 * MAX_SOURCE_BYTES))  # a plain str too


# -- 2. wire messages ------------------------------------------------------------------------------


def test_the_wire_bounds_what_a_message_decodes_to_not_only_its_bytes():
    flood = b'{"ok": true, "value": [' + b"[]," * 20_000_000 + b"[]]}"  # 60 MB: 20 million lists
    tracemalloc.start()
    try:
        started = time.monotonic()
        with pytest.raises(wire.MessageTooLarge, match=r"about 40000007 values in one message \(the limit: 1000000"):
            wire.parse_payload(flood)
        seconds = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seconds < 5 and peak < 0.1 * len(flood), (seconds, peak)  # json.loads: 1.3 GB
    with pytest.raises(wire.MessageTooLarge, match="nested"):
        wire.parse_payload(b"[" * 100_000 + b"]" * 100_000)
    nested = 1
    for _ in range(wire.MAX_DEPTH):
        nested = {"__tuple__": [nested]}
    with pytest.raises(wire.MessageTooLarge, match="nested more than"):
        wire.decode(json.loads(json.dumps(nested)))
    # strings are not values: a long text with commas in it is one value
    text = json.dumps({"ok": True, "value": "a, b: [c], {d}" * 500_000}).encode()
    assert wire.parse_payload(text)["value"].startswith("a, b")
    # honest answers stay well inside: a weight list, a history of 10 000 epochs, a 48 MB array
    honest = {"value": [wire.encode((np.ones((4, 2)), np.zeros(4))),
                        [{"__dict__": {"loss": 0.5, "accuracy": 0.9}}] * 10_000,
                        wire.encode(np.zeros(6_000_000))]}
    assert wire.count_values(json.dumps(honest).encode()) < wire.MAX_ELEMENTS / 10


@root_only
def test_a_forged_flood_on_the_answer_pipe_costs_one_check_and_little_memory(tmp_path):
    folder = submission(MLP, tmp_path / "flood", "forged_flood.py", "mlp.py")
    tracemalloc.start()
    try:
        results, data, seconds = graded(with_limits(MLP), folder, tmp_path, keep="linear_map_forward")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = output_of(results, "linear_map_forward")
    assert results.score == 0 and "answered with more than the grader reads" in message, message
    assert peak < 200 * 2**20, f"the grader's peak: {peak / 2**20:.0f} MB for a 60 MB answer"


# -- 2. a check stuck in the grader's own arithmetic ------------------------------------------


def test_a_check_stuck_in_the_graders_arithmetic_fails_alone_and_results_keep_coming(tmp_path):
    course = tmp_path / "costly_check"
    shutil.copytree(ATTACKS / "costly_check", course)
    assignment = assignments.load_from(course)
    folder = tmp_path / "sub"
    folder.mkdir()
    shutil.copy(ATTACKS / "huge_count.py", folder / "answers.py")
    results, data, seconds = graded(assignment, folder, tmp_path)
    by_name = {t["name"]: t for t in data["tests"]}
    stuck = by_name["the sum of the squares up to count() is what the formula says"]
    assert stuck["status"] == "failed" and "took the grader longer than the time limit of 1 s" in stuck["output"]
    assert by_name["other() is 2"]["status"] == "passed", "the checks after it must still run"
    assert seconds < 15, f"{seconds:.1f} s: the watchdog acts at 1 s + 2 s + half the limit"


# -- 3. isolation that outlives a grading ---------------------------------------------------------


@root_only
@pytest.mark.parametrize("namespaces", [True, pytest.param(False, marks=pytest.mark.slow)],
                         ids=["namespaces", "without namespaces"])
def test_a_grading_leaves_nothing_for_the_next_one(tmp_path, monkeypatch, namespaces):
    if namespaces and not namespaces_allowed():
        pytest.skip("this machine refuses namespaces")
    if not namespaces and not python_open_to_others():
        pytest.skip("Python lies under a private folder here: without namespaces the sandbox user cannot "
                    "run it (test_without_namespaces_* cover those mechanisms directly)")
    leaver = submission(MLP, tmp_path / "leaver", "leaver.py", "mlp.py", files=["ipc_helper.py"])
    seeker = submission(MLP, tmp_path / "seeker", "seeker.py", "mlp.py", files=["ipc_helper.py"])
    assignment = with_limits(MLP, seconds_total=30, seconds_per_test=8)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # where the launcher runs: a core file of it would land here
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))  # core dumps on, as on many machines
    try:
        first, _, _ = graded(assignment, leaver, tmp_path, SLOT, "linear_map_forward", namespaces, monkeypatch)
    finally:
        resource.setrlimit(resource.RLIMIT_CORE, (soft, hard))
    message = output_of(first, "linear_map_forward")
    # abort() of PID 1 in its namespace ends in SIGSEGV; without namespaces, the disk watch may stop it first
    assert first.score == 0 and ("was killed by SIG" in message or "wrote more than 64 MB" in message), message
    if namespaces:  # a 64 MB file does not fit beside the others: the whole grading has 64 MB
        assert re.search(r"filling stopped at file [01] OSError", message), message
        assert "no file in /tmp OSError" in message, message
    assert not list(cwd.iterdir()), f"left in the grader's folder: {list(cwd.iterdir())}"
    assert not ipc_objects_with_our_keys(), "System V IPC objects outlived the grading"
    for place in runner.writable_places():
        assert not [n for n in os.listdir(place) if n.startswith("HARDENING-LEFTOVER")], place
    second, _, _ = graded(assignment, seeker, tmp_path, OTHER_SLOT, "linear_map_forward", namespaces, monkeypatch)
    assert second.score == 1, output_of(second, "linear_map_forward")
    assert "FOUND" not in output_of(second, "linear_map_forward")


@root_only
def test_without_namespaces_what_the_uid_leaves_is_removed(tmp_path):
    """As where namespaces are refused: the leaver's IPC objects and files, made by its uid, go."""
    uid = grading.sandbox_uid(PROBE_SLOT)
    child = os.fork()
    if child == 0:  # the worker's uid, as leaver.py would act with it
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            sys.path.insert(0, str(ATTACKS))
            import ipc_helper
            ipc_helper.create_all()
            for place in runner.writable_places():
                with open(os.path.join(place, "HARDENING-LEFTOVER-x"), "w") as stream:
                    stream.write("left")
            os.makedirs("/var/tmp/HARDENING-LEFTOVER-dir/inner")
            os.symlink("/etc/passwd", "/var/tmp/HARDENING-LEFTOVER-dir/inner/link")
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    assert len(ipc_objects_with_our_keys()) == 3 and len(runner.owned_entries(uid)) >= 2
    runner.clean_up_after(uid)
    assert not ipc_objects_with_our_keys() and not runner.owned_entries(uid)
    assert os.path.exists("/etc/passwd"), "a link is removed, never followed"


@root_only
def test_without_namespaces_the_disk_a_worker_fills_is_counted_and_freed(tmp_path):
    """16 files of 64 MB, as leaver.py writes them: stopped past Limits.disk_mb, everything removed."""
    uid = grading.sandbox_uid(PROBE_SLOT)
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "mlp.py").write_text("# the submission\n")
    os.chown(workdir, uid, uid)
    os.chmod(tmp_path, 0o711)
    sandbox = Sandbox(workdir, Limits(disk_mb=16), runner.Isolation(uid=uid, namespaces=False))
    sandbox.disk_baseline = (runner.disk_usage(str(workdir), None), set(runner.entries_under(str(workdir))))
    # a pause after each file: on a fast disk 1 GB is written within one of the watch's rounds
    fill = "; ".join(f"dd if=/dev/zero of={folder}/HARDENING-LEFTOVER-fill-{n} bs=1M count=64 2>/dev/null; sleep 0.5"
                     for n, folder in enumerate([workdir, "/var/tmp"] * 8))
    writer = subprocess.Popen(["/bin/sh", "-c", fill], user=uid, group=uid, extra_groups=[],
                              start_new_session=True, cwd=workdir)
    try:
        sandbox.watch_disk(writer)  # returns when it has stopped the writer
        writer.wait(timeout=10)
    finally:
        writer.kill()
    assert writer.returncode == -9 and sandbox.over_disk and "more than 16 MB" in sandbox.over_disk
    problem = sandbox.disk_problem()
    assert isinstance(problem, runner.SandboxDisk) and "wrote more than 16 MB of files" in str(problem)
    assert sorted(os.listdir(workdir)) == ["mlp.py"] and not runner.owned_entries(uid)


@root_only
def test_the_worker_is_shown_only_the_paths_it_needs():
    if not namespaces_allowed():
        pytest.skip("this machine refuses namespaces: file modes alone keep the sandbox user out")
    probe = "import os\n\ndef listing(path):\n    try:\n        return sorted(os.listdir(path))\n" \
            "    except OSError as error:\n        return type(error).__name__\n"
    with Worker({"probe.py": probe}) as worker:
        exposed = [os.path.realpath(p) for p in runner.worker_paths()] + [str(worker.workdir)]
        roots = launch.mask_plan(exposed, runner.masked_folders())
        assert roots, "nothing is masked here"
        for root, paths in roots.items():
            # every folder from the root down to an exposed path holds only the way to exposed paths
            folders = {root} | {os.path.dirname(p) for p in paths}
            for path in paths:
                parent = os.path.dirname(path)
                while parent.startswith(root + "/"):
                    folders.add(parent)
                    parent = os.path.dirname(parent)
            for folder in sorted(folders):
                wanted = sorted({p[len(folder) + 1:].split("/")[0] for p in paths if p.startswith(folder + "/")})
                got = worker.code.probe.listing(folder)
                assert got == wanted, f"{folder}: the worker sees {got}, needs only {wanted}"
        root = grading.paths.REPO_ROOT.resolve()
        assert "solutions" not in worker.code.probe.listing(str(root))


# -- 5. output that breaks the report ----------------------------------------------------------


def test_lone_surrogates_and_bad_bytes_leave_a_strict_report_and_exit_0(tmp_path):
    folder = submission(MLP, tmp_path / "odd", "surrogates.py", "mlp.py")
    out = tmp_path / "results.json"
    run = subprocess.run([sys.executable, "-m", "grader.cli", "grade", "mlp_numpy", str(folder), "--out", str(out),
                          "-k", "linear_map_forward"], capture_output=True, timeout=120,
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-2000:]
    data = strict_utf8_json(out.read_bytes())
    message = data["tests"][0]["output"]
    assert data["tests"][0]["score"] == 0 and "OddError: a lone surrogate: \ufffd," in message, message
    assert "not utf-8: \ufffd" in message, "bytes that are not UTF-8 are replaced"
    assert "\U0001F600" in message, "a surrogate pair written apart is the character it stands for"


def test_results_hold_no_lone_surrogate_and_no_nan():
    test = report.TestResult("check \ud800", "1", float("nan"), 1.0, "failed", "out \udcff", "visible", ["p\ud800"],
                      {"id": "x\ud800", "kind": "scored"})
    results = report.Results("a", tests=[test], output="top \ud800")
    text = json.dumps(results.to_gradescope(), allow_nan=False)
    assert "\\ud800" not in text and "\\udcff" not in text
    assert test.score == 0.0 and test.output == "out \ufffd" and results.output == "top \ufffd"
    test.output = "later \ud800"  # set after construction too
    assert test.output == "later \ufffd"


@pytest.mark.skipif(os.geteuid() != 0, reason="the worker's mount namespace needs root, as on Gradescope")
def test_the_data_checks_hold_out_cannot_be_read_in_the_worker(tmp_path):
    assignment = assignments.load("mlp_numpy")
    for name in assignment.files:
        shutil.copy(assignment.directory / name, tmp_path / name)
    with open(tmp_path / "answers.py", "a") as answers:
        answers.write((Path(__file__).parent / "hardening" / "digits_reader.py").read_text())
    results = grading.grade(assignment, tmp_path, pytest_args=["-k", "xor_network"])
    printed = " ".join(t.output for t in results.tests)
    assert "DIGITS HIDDEN" in printed and "DIGITS READ" not in printed, printed
