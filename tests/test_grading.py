"""Grading one submission, whatever the assignment: missing files, the results file, budgets."""
import json
import time
import shutil
from dataclasses import replace

from grader import assignments
from grader.grading import grade

ASSIGNMENT = assignments.load("mlp_numpy")


def test_a_missing_file_costs_only_its_checks(tmp_path):
    shutil.copy(ASSIGNMENT.directory / "mlp.py", tmp_path / "mlp.py")
    results = grade(ASSIGNMENT, tmp_path)
    answers_checks = [t for t in results.tests if t.tags and t.tags[0].startswith("P")]
    assert all(t.score == 0 and "answers" in t.output for t in answers_checks)
    assert results.score == 47 - 23
    assert "missing: answers.py" in results.output


def test_the_results_file_follows_gradescope_and_names_each_check(tmp_path):
    shutil.copy(ASSIGNMENT.directory / "mlp.py", tmp_path / "mlp.py")
    shutil.copy(ASSIGNMENT.directory / "answers.py", tmp_path / "answers.py")
    grade(ASSIGNMENT, tmp_path, out=tmp_path / "results.json")
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["score"] == 47 and isinstance(data["tests"], list)
    ids = [c.id for c in ASSIGNMENT.checks()]
    assert [t["extra_data"]["id"] for t in data["tests"]] == ids
    for test in data["tests"]:
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in ("visible", "after_published")
        assert test["extra_data"]["kind"] in ("scored", "bonus", "reported")


def test_checks_left_when_the_budget_is_spent_score_zero_saying_so(tmp_path):
    shutil.copy(ASSIGNMENT.directory / "answers.py", tmp_path / "answers.py")
    hanging = "\n\ndef _hang(self, *args, **kwargs):\n    while True:\n        pass\n\n\nLinearMap.__init__ = _hang\n"
    (tmp_path / "mlp.py").write_text((ASSIGNMENT.directory / "mlp.py").read_text() + hanging)
    tight = replace(ASSIGNMENT, seconds_total=5.0, limits=replace(ASSIGNMENT.limits, seconds_per_test=2))
    results = grade(tight, tmp_path)
    assert len(results.tests) == len(ASSIGNMENT.checks())
    spent = [t for t in results.tests if "time budget" in t.output]
    assert spent and all(t.score == 0 for t in spent)
    assert "did not finish within" in " ".join(t.output for t in results.tests)
    assert time.monotonic() - results.started < 5.0 + 30, "the budget bounds the grade"


def test_pytest_selection_grades_only_the_selected_checks(tmp_path):
    shutil.copy(ASSIGNMENT.directory / "mlp.py", tmp_path / "mlp.py")
    results = grade(ASSIGNMENT, tmp_path, pytest_args=["-k", "momentum"])
    assert {t.extra_data["id"].split("::")[1] for t in results.tests} == \
        {"linear_map_momentum", "momentum_matches_reference"}


def test_an_error_in_a_notebook_names_its_cell_and_line(tmp_path):
    from grader.notebook import notebook_text, stub_notebook
    source = (ASSIGNMENT.directory / "mlp.py").read_text()
    broken = source.replace("return grad_wrt_out @ self.W", "return grad_wrt_out @ self.W + undefined_name")
    assert broken != source
    (tmp_path / "mlp.ipynb").write_text(notebook_text(stub_notebook(broken, {})))
    shutil.copy(ASSIGNMENT.directory / "answers.py", tmp_path / "answers.py")
    results = grade(ASSIGNMENT, tmp_path, pytest_args=["-k", "linear_map_input_gradient"])
    (only,) = results.tests
    assert "NameError: name 'undefined_name' is not defined (mlp.ipynb cell " in only.output, only.output
    assert "mlp.py line" not in only.output
