"""Hostile mlp_numpy submissions: whatever the student's code does, it gains nothing.

Each folder under tests/submissions/mlp_numpy/hostile/ is one attack (its
README says how a folder becomes a submission). Every test grades one, then
holds the grader to the same promises: grading ends, in bounded time; the
results file is valid Gradescope JSON naming every check once, in order, with
scores within their maximum; the attack scores no more than the honest code
beside it; no process of the sandbox's uid outlives grading.

These tests need root (as on Gradescope and in CI): only then does the worker
run as another uid in namespaces of its own, and an attack such as killing
its parent would otherwise reach the test process itself.
"""
import json
import os
import socket
import time
import uuid
import zipfile
from pathlib import Path

import numpy as np
import pytest

from grader import assignments
from hostile_support import HostileCorpus

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox isolates only when the grader is root")

ASSIGNMENT = assignments.load("mlp_numpy")
HOSTILE = Path(__file__).parent / "submissions" / "mlp_numpy" / "hostile"

# A sandbox slot of this file's own: stopping a sandbox kills every process of its uid,
# so a grading run elsewhere (slot 0, a gradebook's slots, other test files) must not share it.
SLOT = 41

# Parts whose checks call LinearMap.forward, and those that never do.
LINEAR_PARTS = {"LinearMap", "Momentum", "SingleLayerMLP", "TwoLayerMLP", "Speed", "Training"}
NUMPY_ONLY = "numpy_only"  # the static rule on mlp.py's imports: an attack that imports os loses it
# The speed check verifies what its timed calls did, so junk returned quickly fails it.
SPEED = "vectorised_speed"


# ------------------------------------------------------------------ helpers ---

CORPUS = HostileCorpus("mlp_numpy", SLOT)
grade_hostile = CORPUS.grade
assert_no_reference_text = CORPUS.assert_no_reference_text


def namespaces_allowed():
    """Whether this machine lets a root process unshare mount, PID and network namespaces."""
    child = os.fork()
    if child == 0:
        from grader.sandbox import launch
        os._exit(0 if launch.enter_namespaces() else 1)
    return os.waitpid(child, 0)[1] == 0


# --------------------------------------------------------------- the attacks ---

def test_exiting_at_import_scores_nothing_and_grading_goes_on(tmp_path):
    graded = grade_hostile("exit_at_import", tmp_path)
    assert graded.results.score == 0
    assert "SystemExit" in graded.output("linear_map_forward"), graded.output("linear_map_forward")
    assert "exited with code 0 during importing answers" in graded.output("xor_network"), graded.output("xor_network")


def test_a_loop_at_import_costs_only_the_module_that_loops(tmp_path):
    graded = grade_hostile("loop_at_import", tmp_path, seconds=2)
    answers_checks = {name for name, part in graded.parts.items() if part.startswith("P")}
    assert graded.passed == answers_checks | {NUMPY_ONLY}, f"lost more than mlp.py's checks: {graded.failed}"
    assert "did not finish within the time limit of 2 s" in graded.output("linear_map_forward")
    # the module is not imported again for every check: one time limit, not one per check
    assert graded.seconds < 15, f"grading took {graded.seconds:.1f} s"


def test_a_loop_in_forward_costs_only_the_checks_that_call_it(tmp_path):
    graded = grade_hostile("loop_in_forward", tmp_path, seconds=1.5, include_hidden=False)
    public = {c.function.__name__ for c in ASSIGNMENT.checks(False)}
    graded.by_name = {k: v for k, v in graded.by_name.items() if k in public}
    assert graded.failed == graded.in_parts(LINEAR_PARTS), f"unexpected failures: {graded.failed}"
    for name in graded.failed:
        assert "did not finish within the time limit of 1.5 s" in graded.output(name), graded.output(name)
    assert graded.passed == graded.not_in_parts(LINEAR_PARTS)


def test_a_memory_bomb_fails_its_checks_with_a_memory_message(tmp_path):
    graded = grade_hostile("memory_bomb", tmp_path)
    assert graded.failed == graded.in_parts(LINEAR_PARTS | {"Loss"}), f"unexpected failures: {graded.failed}"
    for name in ("linear_map_forward", "loss_forward", "softmax_is_stable"):
        assert "ran out of memory" in graded.output(name), graded.output(name)
    assert graded.passed == graded.not_in_parts(LINEAR_PARTS | {"Loss"})


def test_an_output_flood_is_capped_and_costs_nothing(tmp_path):
    graded = grade_hostile("output_flood", tmp_path, include_hidden=False)
    assert graded.results.score == ASSIGNMENT.points(include_hidden=False), graded.failed
    cap = ASSIGNMENT.limits.output_kb * 1024
    flooded = graded.in_parts(LINEAR_PARTS) & {c.function.__name__ for c in ASSIGNMENT.checks(False)}
    for name in flooded:
        output = graded.output(name)
        assert "Your code printed:" in output and "more bytes of output cut" in output, output[-300:]
        assert len(output) < cap + 500, f"{name}: {len(output)} characters of output kept"
    # what one check printed is not blamed on the next
    for name in ("relu_forward_backward", "loss_forward", "xor_network"):
        assert "flood" not in graded.output(name), graded.output(name)[:300]
    assert len(json.dumps(graded.data)) < 20 * cap


@pytest.mark.parametrize("where", ["private folder", "world-writable /tmp"])
def test_forged_results_file_is_replaced_by_the_graders(tmp_path, where):
    token = uuid.uuid4().hex
    folder = tmp_path if where == "private folder" else Path("/tmp")
    out, victim = folder / f"results-{token}.json", folder / f"victim-{token}.txt"
    victim.write_text("untouched")
    try:
        graded = grade_hostile("forged_results", tmp_path, out=out,
                               targets={"results": [str(out)], "victim": str(victim)})
        time.sleep(1.0)  # its lingering process would forge every 0.1 s, were it alive
        data = json.loads(out.read_text())
        assert data["score"] == graded.results.score == 0
        ours = graded.results.to_gradescope()
        ours.pop("execution_time"), data.pop("execution_time")
        assert data == ours, "results.json was overwritten after grading"
        assert "forged" not in json.dumps(data["tests"][0]["name"])
        assert victim.read_text() == "untouched", "the grader wrote its results through the student's link"
        assert not out.is_symlink() and os.stat(out).st_uid == 0
    finally:
        for path in (out, victim, Path(f"{out}.partial")):
            if path.is_symlink() or path.exists():
                path.unlink()


def test_a_forged_report_on_stdout_is_shown_as_printed_output_only(tmp_path):
    from click.testing import CliRunner

    from grader.cli import main
    graded = grade_hostile("forged_report", tmp_path)
    assert graded.passed - {SPEED} == {NUMPY_ONLY}, graded.passed
    honest = graded.results.score
    assert graded.data["score"] == honest <= 2
    for test in graded.data["tests"]:
        if "Score: 47" in test["output"]:
            assert test["output"].index("Your code printed:") < test["output"].index("Score: 47")
    assert "Score: 47" not in graded.data["output"]
    # the score table a person reads ends with the grader's own total
    result = CliRunner().invoke(main, ["grade", "mlp_numpy", str(tmp_path / "forged_report"),
                                       "--out", str(tmp_path / "cli.json")])
    totals = [line for line in result.output.splitlines() if line.startswith("Score:")]
    assert totals and totals[-1].replace(" ", "") == f"Score:{honest:g}/47", result.output[-500:]


def test_patching_numpy_in_the_worker_changes_no_verdict(tmp_path):
    graded = grade_hostile("patched_numpy", tmp_path)
    assert graded.passed <= {SPEED}, graded.passed
    output = graded.output("linear_map_forward")
    assert "expected" in output and "got" in output and "entries off" in output, output
    assert not np.isclose(0.0, 1.0) and abs(-1) == 1, "the grader's own numpy or builtins changed"


def test_objects_equal_to_anything_are_not_numbers(tmp_path):
    graded = grade_hostile("equal_to_anything", tmp_path)
    assert graded.passed - {SPEED} == {NUMPY_ONLY}, graded.passed
    for name in ("linear_map_forward", "loss_forward", "accuracy_fraction", "relu_forward_backward",
                 "xor_network", "interpolation_small", "tanh_equivalence_small", "dropout_risk_scalar",
                 "parameter_shapes"):
        assert "expected numbers" in graded.output(name), f"{name}: {graded.output(name)}"


def test_the_reference_cannot_be_read_from_the_sandbox(tmp_path):
    graded = grade_hostile("read_reference", tmp_path)
    text = json.dumps(graded.data)
    assert graded.results.score == 0, f"the reference was found: {graded.passed}"
    assert "FOUND the reference" not in text
    assert_no_reference_text(text)
    printed = graded.output("linear_map_forward")
    assert "DENIED" in printed and "solutions" in printed, "the probe did not run: " + printed[:500]


def zip_member(archive, name, data, mode=0o100644):
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    archive.writestr(info, data)


def test_a_zip_with_escaping_paths_and_links_writes_nothing_outside(tmp_path):
    token = uuid.uuid4().hex
    text = (HOSTILE / "zip_slip" / "escape.py").read_text()
    submission = tmp_path / "submission.zip"
    with zipfile.ZipFile(submission, "w") as archive:
        for name in (f"../../escaped-{token}-up.py", f"../escaped-{token}-up1.py",
                     f"/tmp/escaped-{token}-abs.py", f"..\\..\\escaped-{token}-win.py",
                     f"sub/../../escaped-{token}-mid.py", f"C:/escaped-{token}-drive.py"):
            zip_member(archive, name, text)
        zip_member(archive, "link", "/tmp", mode=0o120777)  # a link to a folder...
        zip_member(archive, f"link/escaped-{token}-link.py", text)  # ...and a member through it
        for name in ASSIGNMENT.files:
            zip_member(archive, name, str(ASSIGNMENT.directory / name), mode=0o120777)
    graded = grade_hostile("zip_slip", tmp_path, folder=submission)
    escaped = list(Path("/tmp").glob(f"escaped-{token}*")) + list(tmp_path.rglob(f"escaped-{token}*"))
    escaped += list(Path("/").glob(f"escaped-{token}*"))
    assert not escaped, f"zip members written outside the working folder: {escaped}"
    assert graded.results.score == 0
    assert "missing: mlp.py" in graded.results.output and "symbolic link" in graded.results.output


def test_symlinks_in_a_folder_to_the_reference_are_not_followed(tmp_path):
    folder = tmp_path / "links"
    folder.mkdir()
    for name in ASSIGNMENT.files:
        (folder / name).symlink_to(ASSIGNMENT.directory / name)
    graded = grade_hostile("zip_slip", tmp_path, folder=folder)
    assert graded.results.score == 0
    assert "missing: mlp.py" in graded.results.output
    assert_no_reference_text(json.dumps(graded.data))


def test_processes_left_behind_are_killed_when_grading_ends(tmp_path):
    graded = grade_hostile("leftover_children", tmp_path)
    assert graded.failed == {NUMPY_ONLY}, "children left behind cost more than the import rule"
    assert graded.most_processes >= 3, "the worker and its two leftovers were never seen"
    # grade_hostile has checked that none of them outlived grading


def test_a_fork_bomb_is_stopped_by_the_process_limit(tmp_path):
    graded = grade_hostile("fork_bomb", tmp_path)
    assert graded.failed == {"xor_network"}, graded.failed
    output = graded.output("xor_network")
    assert "the fork bomb stopped after" in output and "Resource temporarily unavailable" in output, output
    assert graded.most_processes <= ASSIGNMENT.limits.nproc, f"{graded.most_processes} processes at once"


def test_a_huge_file_is_cut_at_the_file_size_limit(tmp_path):
    graded = grade_hostile("huge_file", tmp_path)
    assert graded.failed == graded.in_parts({"P4.1 dropout", "P4.2 dropout"}), graded.failed
    assert "File too large" in graded.output("dropout_risk_scalar"), graded.output("dropout_risk_scalar")


def test_killing_its_parent_costs_only_that_check(tmp_path):
    graded = grade_hostile("kill_parent", tmp_path)
    assert graded.failed == graded.in_parts({"P2.5 tanh"}), graded.failed
    output = graded.output("tanh_equivalence_small")
    assert "killed by SIGKILL" in output or "still alive" in output, output


def test_forged_answers_on_the_protocol_pipe_gain_nothing(tmp_path):
    graded = grade_hostile("pipe_forgery", tmp_path)
    assert graded.results.score == 0, f"forged answers passed {graded.passed}"


def test_stalled_pipes_cost_only_their_checks_and_grading_ends(tmp_path):
    graded = grade_hostile("pipe_stall", tmp_path, seconds=2, limit=60)
    stalled = graded.in_parts({"P1.3 interpolation"}) | {"dropout_draws_once", "dropout_rate", NUMPY_ONLY}
    assert graded.failed == stalled, graded.failed
    assert "closed" in graded.output("interpolation_small"), graded.output("interpolation_small")
    assert "time limit" in graded.output("dropout_rate"), graded.output("dropout_rate")
    assert graded.seconds < 30, f"grading took {graded.seconds:.1f} s"


def test_the_network_is_out_of_reach(tmp_path):
    if not namespaces_allowed():
        pytest.skip("this machine refuses network namespaces: the worker keeps the machine's network")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        graded = grade_hostile("network", tmp_path, include_hidden=False,
                               targets={"port": listener.getsockname()[1]})
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody called
    assert graded.results.score == ASSIGNMENT.points(include_hidden=False), graded.failed
    printed = graded.output("dropout_risk_scalar")
    assert "no connection to ('127.0.0.1'" in printed and "CONNECTED" not in printed, printed
    assert "RESOLVED" not in printed, printed


@pytest.mark.parametrize("name", ["speed_forgery", "equal_to_anything"])
def test_the_speed_check_needs_correct_fast_code(tmp_path, name):
    graded = grade_hostile(name, tmp_path)
    assert SPEED in graded.failed, f"{name} passes the speed check"
