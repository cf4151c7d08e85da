"""Hostile random_relu submissions: whatever the student's code does, it gains nothing.

Each folder under tests/submissions/random_relu/hostile/ is one attack (see
tests/hostile_support.py for how a folder becomes a submission); every test holds
the grader to the promises of tests/test_mlp_numpy_hostile.py: grading ends, the
results file is valid and the grader's own, the attack scores no more than the
honest code beside it, no process of the sandbox's uid outlives grading.

These tests need root: only then does the worker run as another uid.
"""
import json
import os

import pytest

from hostile_support import HostileCorpus

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox isolates only when the grader is root")

SLOT = 45  # a sandbox slot of this file's own
CORPUS = HostileCorpus("random_relu", SLOT)
ASSIGNMENT = CORPUS.assignment
grade_hostile = CORPUS.grade
GRAPH = {"P2 computational graph"}


def test_exiting_at_import_scores_nothing_and_grading_goes_on(tmp_path):
    graded = grade_hostile("exit_at_import", tmp_path)
    assert graded.results.score == 0
    assert "exited with code 0 during importing answers" in graded.output("active_units_monte_carlo"), \
        graded.output("active_units_monte_carlo")
    assert "SystemExit" in graded.output("sign_network_points") or "exited with code 0" in \
        graded.output("sign_network_points"), graded.output("sign_network_points")


def test_a_loop_in_the_graph_costs_only_its_checks(tmp_path):
    graded = grade_hostile("loop_in_graph", tmp_path, seconds=1.5)
    assert graded.failed == graded.in_parts(GRAPH), graded.failed
    for name in graded.failed:
        assert "did not finish within the time limit of 1.5 s" in graded.output(name), graded.output(name)


def test_a_memory_bomb_fails_its_checks_with_a_memory_message(tmp_path):
    graded = grade_hostile("memory_bomb", tmp_path)
    bombed = graded.in_parts({"P1.3 ReLU mean", "P3 softmax cross-entropy"})
    assert graded.failed == bombed, graded.failed
    for name in ("relu_mean_monte_carlo", "softmax_grad_central_differences"):
        assert "ran out of memory" in graded.output(name), graded.output(name)


def test_a_forged_report_on_stdout_is_shown_as_printed_output_only(tmp_path):
    graded = grade_hostile("forged_report", tmp_path)
    assert graded.results.score == 0 and graded.data["score"] == 0, graded.passed
    for test in graded.data["tests"]:
        if "Score: 50" in test["output"]:
            assert test["output"].index("Your code printed:") < test["output"].index("Score: 50")
    assert "Score: 50" not in graded.data["output"]


def test_objects_equal_to_anything_are_not_numbers(tmp_path):
    graded = grade_hostile("equal_to_anything", tmp_path)
    assert graded.results.score == 0, graded.passed
    for name, test in graded.by_name.items():
        assert test.output and "Traceback" not in test.output, f"{name}: {test.output}"


def test_the_reference_cannot_be_read_from_the_sandbox(tmp_path):
    graded = grade_hostile("read_reference", tmp_path)
    text = json.dumps(graded.data)
    assert graded.results.score == 0, f"the reference was found: {graded.passed}"
    assert "FOUND the reference" not in text
    CORPUS.assert_no_reference_text(text)
    printed = "".join(graded.output(name) for name in graded.by_name)
    assert "DENIED" in printed and "solutions" in printed, "the probe did not run: " + printed[:500]
