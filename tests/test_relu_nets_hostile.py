"""Hostile relu_nets submissions: whatever the student's code does, it gains nothing.

Each folder under tests/submissions/relu_nets/hostile/ is one attack (see
tests/hostile_support.py for how a folder becomes a submission). Every test grades
one and holds the grader to its promises: grading ends, in bounded time; the results
file is valid Gradescope JSON naming every check once, in order, with scores within
their maximum; the attack scores no more than the honest code beside it; no process
of the sandbox's uid outlives grading. Most grade the public checks only: every
worker start imports torch (seconds), and the public checks reach every file.

These tests need root: only then does the worker run as another uid.
"""
import json
import os
import time
import uuid
from pathlib import Path

import pytest
import torch

from hostile_support import HostileCorpus

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox isolates only when the grader is root")

SLOT = 44  # a sandbox slot of this file's own
CORPUS = HostileCorpus("relu_nets", SLOT)
ASSIGNMENT = CORPUS.assignment
grade_hostile = CORPUS.grade

# The parts each file's checks belong to.
ANSWERS_PARTS = {"Q1", "Q2", "Q3", "Q4a", "Q4b", "Q4c", "Q4d", "Q5", "Q5 bonus", "Q6 bonus"}
GATES_PARTS = {"Q7a OR", "Q7b XOR", "Q7c NAND bonus"}
BACKPROP_PARTS = {"Q8 backprop"}
MODULES_PARTS = {c.part for c in ASSIGNMENT.checks()} - ANSWERS_PARTS - GATES_PARTS - BACKPROP_PARTS
PUBLIC = {c.function.__name__ for c in ASSIGNMENT.checks(False)}
# Checks that call the student's Linear.forward / CrossEntropyLoss.forward (the training
# loop checks run the grader's own layers inside the student's Sequential and loop).
LINEAR_CHECKS = {"linear_forward", "linear_backward", "train_on_digits"}
LOSS_CHECKS = {"cross_entropy_backward", "train_on_digits"}
NO_AUTOGRAD = "no_autograd_anywhere"


def public_only(graded):
    graded.by_name = {k: v for k, v in graded.by_name.items() if k in PUBLIC}
    return graded


def test_exiting_at_import_of_gates_costs_only_the_gates(tmp_path):
    graded = public_only(grade_hostile("exit_at_import", tmp_path, include_hidden=False))
    assert graded.failed == graded.in_parts(GATES_PARTS), graded.failed
    output = graded.output("or_architecture")
    assert "exited with code 0 during importing gates" in output or "SystemExit" in output, output


def test_a_loop_in_linear_forward_costs_only_the_checks_that_call_it(tmp_path):
    # 8 s: after each timeout a fresh worker imports torch (about 2 s, more on a busy CI
    # machine) within the next check's budget.
    graded = public_only(grade_hostile("loop_in_forward", tmp_path, seconds=8, include_hidden=False))
    assert graded.failed == LINEAR_CHECKS, graded.failed
    for name in LINEAR_CHECKS:
        assert "did not finish within the time limit of 8 s" in graded.output(name), graded.output(name)


def test_a_torch_memory_bomb_fails_its_checks_with_a_memory_message(tmp_path):
    graded = public_only(grade_hostile("memory_bomb", tmp_path, seconds=20, include_hidden=False))
    assert graded.failed == LINEAR_CHECKS | LOSS_CHECKS, graded.failed
    for name in ("linear_forward", "cross_entropy_backward"):
        assert "memory" in graded.output(name), graded.output(name)


def test_an_output_flood_in_grad_w_is_capped_and_costs_nothing(tmp_path):
    graded = grade_hostile("output_flood", tmp_path, include_hidden=False)
    assert graded.results.score == ASSIGNMENT.points(include_hidden=False), graded.failed
    cap = ASSIGNMENT.limits.output_kb * 1024
    for name in ("loss_value", "grad_w_central_differences"):
        output = graded.output(name)
        if name == "grad_w_central_differences":
            assert "Your code printed:" in output and "more bytes of output cut" in output, output[-300:]
        assert len(output) < cap + 500, f"{name}: {len(output)} characters of output kept"
    assert "flood" not in graded.output("linear_forward")
    assert len(json.dumps(graded.data)) < 20 * cap


@pytest.mark.parametrize("where", ["private folder", "world-writable /tmp"])
def test_forged_results_file_is_replaced_by_the_graders(tmp_path, where):
    token = uuid.uuid4().hex
    folder = tmp_path if where == "private folder" else Path("/tmp")
    out, victim = folder / f"results-{token}.json", folder / f"victim-{token}.txt"
    victim.write_text("untouched")
    try:
        graded = public_only(grade_hostile("forged_results", tmp_path, out=out, include_hidden=False,
                                           targets={"results": [str(out)], "victim": str(victim)}))
        assert graded.failed == graded.in_parts(ANSWERS_PARTS), graded.failed
        time.sleep(1.0)  # its lingering process would forge every 0.1 s, were it alive
        data = json.loads(out.read_text())
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


def test_patching_torch_in_the_worker_changes_no_verdict(tmp_path):
    graded = public_only(grade_hostile("patched_torch", tmp_path, include_hidden=False))
    assert graded.failed == graded.in_parts(MODULES_PARTS) - {NO_AUTOGRAD}, graded.failed
    assert not torch.allclose(torch.zeros(1), torch.ones(1)), "the grader's own torch changed"
    assert not bool((torch.zeros(1) == torch.ones(1)).all())


def test_objects_equal_to_anything_and_broken_weight_lists_fail_clearly(tmp_path):
    graded = grade_hostile("equal_to_anything", tmp_path)
    assert graded.failed == graded.in_parts(ANSWERS_PARTS | GATES_PARTS), graded.failed
    for name in sorted(graded.in_parts(ANSWERS_PARTS | GATES_PARTS)):
        output = graded.output(name)
        assert output and "Traceback" not in output and "grader error" not in output.lower(), f"{name}: {output}"


def test_the_reference_cannot_be_read_from_the_sandbox(tmp_path):
    graded = public_only(grade_hostile("read_reference", tmp_path, include_hidden=False))
    text = json.dumps(graded.data)
    assert graded.passed <= {NO_AUTOGRAD}, f"the reference was found: {graded.passed}"
    assert "FOUND the reference" not in text
    CORPUS.assert_no_reference_text(text)
    printed = "".join(graded.output(name) for name in graded.by_name)
    assert "DENIED" in printed and "solutions" in printed, "the probe did not run: " + printed[:500]


@pytest.mark.parametrize("name", ["hidden_autograd", "reenabled_autograd"])
def test_autograd_reached_through_computed_names_is_caught(tmp_path, name):
    """Names built at run time (getattr(torch, "set_" + "grad_enabled")) are read as autograd use."""
    graded = public_only(grade_hostile(name, tmp_path, include_hidden=False))
    assert {"linear_backward", "relu_backward", NO_AUTOGRAD} <= graded.failed, graded.failed
    assert "computed name" in graded.output(NO_AUTOGRAD), graded.output(NO_AUTOGRAD)
    assert "autograd" in graded.output("linear_backward"), graded.output("linear_backward")


def test_processes_left_behind_are_killed_when_grading_ends(tmp_path):
    graded = grade_hostile("leftover_children", tmp_path, include_hidden=False)
    assert graded.results.score == ASSIGNMENT.points(include_hidden=False), graded.failed
    assert graded.most_processes >= 3, "the worker and its two leftovers were never seen"
