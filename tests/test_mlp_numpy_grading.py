"""Grading mlp_numpy end to end: the reference, the untouched handout, the results file."""
import json
import shutil

import pytest

from grader import assignments, paths
from grader.grading import grade

ASSIGNMENT = assignments.load("mlp_numpy")


@pytest.fixture(scope="module")
def reference_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reference")
    for name in ASSIGNMENT.files:
        shutil.copy(ASSIGNMENT.directory / name, folder / name)
    out = folder / "results.json"
    return grade(ASSIGNMENT, folder, out=out), out


def test_reference_scores_full_marks(reference_results):
    results, _ = reference_results
    failed = {t.name: t.output for t in results.tests if not t.passed}
    assert not failed, f"the reference failed: {failed}"
    assert results.score == results.max_score == 47


def test_points_follow_the_homework():
    by_part = {}
    for one in ASSIGNMENT.checks():
        by_part[one.part] = by_part.get(one.part, 0) + one.points
    implementation = sum(v for k, v in by_part.items() if not k.startswith("P"))
    assert implementation == 24, "Part 1 (implementation) is worth 24 points in the homework"
    assert by_part["P1.2 XOR"] == 4 and by_part["P1.3 interpolation"] == 6
    assert by_part["P2.5 tanh"] == 3 and by_part["P4.1 dropout"] == 3 and by_part["P4.2 dropout"] == 7


def test_results_file_follows_gradescope(reference_results):
    _, out = reference_results
    data = json.loads(out.read_text())
    assert isinstance(data["score"], (int, float)) and isinstance(data["tests"], list)
    for test in data["tests"]:
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in ("visible", "hidden", "after_due_date", "after_published")


def test_untouched_handout_scores_zero_without_crashing(tmp_path):
    handout = paths.ASSIGNMENTS / "mlp_numpy"
    results = grade(ASSIGNMENT, handout, out=tmp_path / "results.json")
    assert len(results.tests) == len(ASSIGNMENT.checks())
    scored = {t.name: t.score for t in results.tests if t.score}
    # Only the import rule can pass on a stub: it imports numpy alone.
    assert set(scored) <= {"mlp.py imports numpy and nothing else"}, scored
    not_implemented = [t for t in results.tests if "not implemented yet" in t.output]
    assert len(not_implemented) >= len(results.tests) - 3


def test_missing_file_costs_only_its_checks(tmp_path):
    shutil.copy(ASSIGNMENT.directory / "mlp.py", tmp_path / "mlp.py")
    results = grade(ASSIGNMENT, tmp_path)
    answers_checks = [t for t in results.tests if t.tags and t.tags[0].startswith("P")]
    assert all(t.score == 0 and "answers" in t.output for t in answers_checks)
    assert sum(t.score for t in results.tests) == 47 - 23
    assert "missing: answers.py" in results.output
