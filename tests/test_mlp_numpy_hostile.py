"""Hostile mlp_numpy submissions only mlp_numpy can have: what the generic attacks of
tests/hostile/ (tests/test_hostile.py, every assignment) cannot say.

Each folder under tests/submissions/mlp_numpy/hostile/ is one attack (its README says how
a folder becomes a submission). Every grading keeps the promises of hostile_support
(it ends, results.json is the grader's own and valid, no process of the sandbox uid
outlives it); each test adds what its attack must not gain. They grade only the checks
that make the point, a few at a time, each in a process of its own.

These tests need root (as on Gradescope and in CI): only then does the worker run as a
uid of its own.
"""
import numpy as np
import pytest

from grader import assignments
from grader.stubs import stub_source
from hostile_support import ATTACKS, SUBMISSIONS, Job, assemble, assert_sound, grade_many, insert, needs_root

pytestmark = needs_root

ASSIGNMENT = assignments.load("mlp_numpy")
HOSTILE = SUBMISSIONS / "mlp_numpy" / "hostile"
SPEED = "tests_hidden.py::vectorised_speed"
DROPOUT = {c.id for c in ASSIGNMENT.checks() if c.part == "Dropout"}
PUBLIC_LINEAR = {c.id for c in ASSIGNMENT.checks(False) if c.part == "LinearMap"}


class PassesTheSpeedCheck(AssertionError):
    pass


def equal_to_anything(folder):
    """The generic equal_to_anything attack on the stub of mlp.py, the reference's answers.py."""
    folder.mkdir(parents=True)
    attack = ATTACKS["equal_to_anything"]
    stub = stub_source((ASSIGNMENT.directory / "mlp.py").read_text())
    (folder / "mlp.py").write_text(insert(stub, attack.render(ASSIGNMENT, "mlp.py"), attack.where))
    (folder / "answers.py").write_text((ASSIGNMENT.directory / "answers.py").read_text())
    return folder


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{name: Graded} of every attack of this file, graded once."""
    root = tmp_path_factory.mktemp("mlp_numpy_hostile")

    def job(name, folder, keep, include_hidden=True, **limits):
        return Job(name, "mlp_numpy", folder, root / name / "results.json", include_hidden=include_hidden,
                   keep=frozenset(keep), **limits)

    def corpus(name):
        return assemble(ASSIGNMENT, HOSTILE / name, root / name / "submission")

    jobs = [
        job("patched_numpy", corpus("patched_numpy"), {c.id for c in ASSIGNMENT.checks(False)}, include_hidden=False),
        job("speed_forgery", corpus("speed_forgery"), {SPEED}),
        job("equal_to_anything", equal_to_anything(root / "equal_to_anything" / "submission"), {SPEED}),
        job("pipe_stall_big_request", corpus("pipe_stall_big_request"), DROPOUT, seconds_per_test=3.0),
    ]
    return grade_many(jobs)


def test_patching_numpy_in_the_worker_changes_no_verdict(graded):
    result = graded["patched_numpy"]
    assert_sound(result)
    assert not result.passed, f"wrong answers passed behind patched comparisons: {result.passed}"
    output = result.output("linear_map_forward")
    assert "expected" in output and "got" in output and "entries off" in output, output
    assert not np.isclose(0.0, 1.0) and abs(-1) == 1, "the grader's own numpy or builtins changed"


@pytest.mark.parametrize("name", ["speed_forgery", "equal_to_anything"])
def test_the_speed_check_needs_correct_fast_code(graded, name):
    """A forward slow on the speed check's batch, the worker's timed "repeat" made a no-op,
    or objects equal to anything: the speed check verifies what its timed calls did."""
    result = graded[name]
    assert_sound(result)
    if "vectorised_speed" not in result.failed:
        raise PassesTheSpeedCheck(f"{name} passes the speed check: {result.output('vectorised_speed')}")


def test_a_stall_under_a_request_bigger_than_the_pipe_costs_only_its_checks(graded):
    """ReLU(0.3) stops the worker reading, then the check sends more than a pipe holds:
    the grader's write must give up at the check's deadline, not block forever."""
    result = graded["pipe_stall_big_request"]
    assert_sound(result)
    stalled = {"dropout_draws_once", "dropout_rate"}
    assert stalled <= result.failed, result.failed
    assert result.passed == {n.split("::")[-1] for n in DROPOUT} - stalled, result.failed
    # dropout_rate sends ones((200, 250)), more than a pipe holds
    assert "time limit" in result.output("dropout_rate"), result.output("dropout_rate")
    assert result.seconds < 30, f"grading took {result.seconds:.1f} s"
