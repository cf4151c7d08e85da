"""Hostile relu_nets submissions only relu_nets can have: what the generic attacks of
tests/hostile/ (tests/test_hostile.py, every assignment) cannot say.

Each folder under tests/submissions/relu_nets/hostile/ is one attack (its README says how
a folder becomes a submission). Every grading keeps the promises of hostile_support
(it ends, results.json is the grader's own and valid, no process of the sandbox uid
outlives it); each test adds what its attack must not gain. They grade only the public
checks of modules.py (every worker start imports torch), a few at a time.

These tests need root: only then does the worker run as a uid of its own.
"""
import pytest
import torch

from grader import assignments
from hostile_support import SUBMISSIONS, Job, assemble, assert_sound, grade_many, needs_root

pytestmark = needs_root

ASSIGNMENT = assignments.load("relu_nets")
HOSTILE = SUBMISSIONS / "relu_nets" / "hostile"
# The checks of modules.py: its parts (Q10 and after), the autograd rule among them.
MODULES = {c.id for c in ASSIGNMENT.checks(False) if c.part.startswith(("Q10", "Q11", "Q14", "No autograd", "Training"))}
NO_AUTOGRAD = "no_autograd_anywhere"
BACKWARDS = {c.id for c in ASSIGNMENT.checks(False)
             if c.id.split("::")[-1] in ("linear_forward", "linear_backward", "relu_backward", NO_AUTOGRAD)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{name: Graded} of every attack of this file, graded once."""
    root = tmp_path_factory.mktemp("relu_nets_hostile")

    def job(name, keep, include_hidden=False):
        folder = assemble(ASSIGNMENT, HOSTILE / name, root / name / "submission")
        return Job(name, "relu_nets", folder, root / name / "results.json", keep=frozenset(keep),
                   include_hidden=include_hidden)

    return grade_many([job("patched_torch", MODULES), job("hidden_autograd", BACKWARDS),
                       job("reenabled_autograd", BACKWARDS),
                       job("cached_speed", {"tests_hidden.py::grad_w_speed"}, include_hidden=True),
                       job("hidden_loop", {"tests_hidden.py::grad_w_speed"}, include_hidden=True)])


def test_patching_torch_in_the_worker_changes_no_verdict(graded):
    result = graded["patched_torch"]
    assert_sound(result)
    assert result.passed <= {NO_AUTOGRAD}, f"wrong answers passed behind patched comparisons: {result.passed}"
    assert not torch.allclose(torch.zeros(1), torch.ones(1)), "the grader's own torch changed"
    assert not bool((torch.zeros(1) == torch.ones(1)).all())


@pytest.mark.parametrize("name", ["hidden_autograd", "reenabled_autograd"])
def test_autograd_reached_through_computed_names_is_caught(graded, name):
    """Names built at run time (getattr(torch, "set_" + "grad_enabled")) are read as autograd use."""
    result = graded[name]
    assert_sound(result)
    assert {"linear_backward", "relu_backward", NO_AUTOGRAD} <= result.failed, result.failed
    assert "computed name" in result.output(NO_AUTOGRAD), result.output(NO_AUTOGRAD)
    assert "autograd" in result.output("linear_backward"), result.output("linear_backward")


def test_a_cache_of_earlier_inputs_does_not_pass_the_speed_check(graded):
    """Every timed call gets inputs no earlier call had (new objects, new values)."""
    result = graded["cached_speed"]
    assert_sound(result)
    assert "grad_w_speed" in result.failed, result.output("grad_w_speed")
    assert "the reference's" in result.output("grad_w_speed"), result.output("grad_w_speed")


def test_a_loop_where_the_reading_does_not_look_is_seen_at_run_time(graded):
    """grad_W by a row loop of a second submitted file: its Python steps grow with d."""
    result = graded["hidden_loop"]
    assert_sound(result)
    assert "grad_w_speed" in result.failed
    assert "it loops in Python over d" in result.output("grad_w_speed"), result.output("grad_w_speed")
