"""Grading random_relu end to end: the reference, the untouched handout, its stubs, real mistakes,
and the seed student's own answers.

Every folder under tests/submissions/random_relu/buggy/ holds one diff against
_base/ (the reference's answers.py or sign_network.py) with one mistake students make;
the reference's other file is copied in beside it. Each bug is graded once (all
checks, hidden ones included) and must lose exactly the checks in
EXPECTED_FAILURES: a check that fails too blames the wrong thing, a check that
passes lets the mistake through. tests/submissions/random_relu/seed_student/ is
the homework's own written answers, as code.
"""
import importlib.util
import inspect
import re
import shutil
from pathlib import Path

import pytest

from grader import assignments, paths
from grader.corpus import submission_files, write_submission
from grader.grading import grade

ASSIGNMENT = assignments.load("random_relu")
CHECKS = {one.function.__name__: one for one in ASSIGNMENT.checks()}
BUGGY = Path(__file__).parent / "submissions" / "random_relu" / "buggy"
SLOT = 42  # a sandbox slot of its own: stopping a sandbox kills every process of its uid

P2 = {"graph_forward_homework", "graph_backward_homework", "graph_random"}
GRADIENTS = {"graph_backward_homework", "graph_random"}
P3 = {"softmax_grad_central_differences", "softmax_grad_many"}

EXPECTED_FAILURES = {
    # -- answers.py: Problem 1 -------------------------------------------------------
    # m // 2: right for even m; the public Monte Carlo uses m = 7 too.
    "active_count_rounded_down": {"active_units_monte_carlo", "active_units_exact"},
    "moments_std_for_variance": {"moments_monte_carlo", "moments_exact"},
    # sigma sqrt(2 / pi) = E|q|, and sigma^2 / sqrt(2 pi): right only at sigma = 1 and 0.
    "relu_mean_of_absolute_value": {"relu_mean_monte_carlo", "relu_mean_exact"},
    "relu_mean_variance_for_sigma": {"relu_mean_monte_carlo", "relu_mean_exact"},
    # -- answers.py: Problems 2 and 3 ------------------------------------------------
    # The seed student's slip: sigmoid(-4) computed as 1 / (1 + e^-4), so the wrong row wins.
    "graph_sigmoid_sign_flipped": P2,
    "graph_dx_without_transpose": GRADIENTS,
    # sigmoid(q)(1 - sigmoid(q)) at the node instead of q (1 - q): L is right.
    "graph_sigmoid_of_q_in_derivative": GRADIENTS,
    # max passes the gradient to both rows.
    "graph_gradient_to_both_rows": GRADIENTS,
    "softmax_grad_signs_swapped": P3,
    "softmax_y_hat_of_second_logit": P3,
    # -- sign_network.py -----------------------------------------------------------
    # a right classifier with three first-layer units: only the architecture is wrong.
    "sign_three_first_units": {"sign_network_architecture"},
    # the homework's (x1, x2, 1) inputs: W1 (2, 3), nothing can be evaluated on (x1, x2).
    "sign_appended_one_as_input": {"sign_network_architecture", "sign_network_points"},
    # f = h1 + h2 is 0 on the crosses: sign(0) is no label.
    "sign_output_without_bias": {"sign_network_points"},
    # sign(x1 - 2) is sign(0) on the cross (2, 0).
    "sign_unit_through_a_point": {"sign_network_points"},
    "one_unit_as_a_word": {"one_unit_form", "one_unit_value"},
}

PRINTED = "\n\nYour code printed:"
SAYS_WHAT_IS_WRONG = re.compile(r"\bexpected\b.*\bgot\b|\bmust\b|\braised\b|\blimit\b|not implemented")


def grade_folder(folder, out=None):
    return grade(ASSIGNMENT, folder, out=out, slot=SLOT)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """bug -> {check function name: TestResult}, each bug graded once per module."""
    cache = {}

    def get(bug):
        if bug not in cache:
            folder = tmp_path_factory.mktemp(bug)
            for name in ASSIGNMENT.files:  # the files without the bug are the reference's
                shutil.copy(ASSIGNMENT.directory / name, folder / name)
            write_submission(BUGGY / bug, folder)
            results = grade_folder(folder)
            assert len(results.tests) == len(CHECKS), results.output
            cache[bug] = dict(zip(CHECKS, results.tests))
        return cache[bug]
    return get


# -- the reference and the handout ------------------------------------------------------


def test_reference_scores_full_marks(tmp_path):
    results = grade_folder(ASSIGNMENT.directory, out=tmp_path / "results.json")
    failed = {t.name: t.output for t in results.tests if not t.passed}
    assert not failed, f"the reference failed: {failed}"
    assert results.score == results.max_score == 50
    assert (tmp_path / "results.json").is_file()


def test_points_follow_the_homework():
    by_part = {}
    for one in ASSIGNMENT.checks():
        by_part[one.part] = by_part.get(one.part, 0) + one.points
    assert by_part == {"P1.1 active units": 5, "P1.2 pre-activations": 5, "P1.3 ReLU mean": 5,
                       "P2 computational graph": 10, "P3 softmax cross-entropy": 10,
                       "P4.1 sign network": 10, "P4.2 one unit": 5}


def test_public_checks_need_no_reference():
    public = [one for one in ASSIGNMENT.checks() if not one.hidden]
    assert not [one.name for one in public if {"reference", "reference_process"} & set(one.needs)]


def test_untouched_handout_scores_zero_without_crashing(tmp_path):
    results = grade_folder(paths.ASSIGNMENTS / "random_relu", out=tmp_path / "results.json")
    assert len(results.tests) == len(CHECKS)
    assert not [t.name for t in results.tests if t.passed]
    unexplained = [t.output for t in results.tests
                   if "not implemented yet" not in t.output and "got None" not in t.output]
    assert not unexplained, unexplained


HELPERS = {"sigmoid"}  # the reference's own helpers, not in the stubs


def load(path):
    spec = importlib.util.spec_from_file_location(f"_random_relu_{path.stem}_{id(path)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("filename", ASSIGNMENT.files)
def test_stubs_have_the_reference_names_and_raise_with_a_hint(filename):
    """Every public function keeps the reference's signature and raises NotImplementedError
    with a hint; every answer constant is there, set to None."""
    stub = load(paths.ASSIGNMENTS / "random_relu" / filename)
    reference = load(ASSIGNMENT.directory / filename)
    for name, value in vars(reference).items():
        if inspect.isfunction(value) and not name.startswith("_") and name not in HELPERS:
            signature = inspect.signature(value)
            assert inspect.signature(getattr(stub, name)) == signature, f"{filename}: {name}{signature}"
            with pytest.raises(NotImplementedError, match=r"\w"):
                getattr(stub, name)(*[None] * len(signature.parameters))
        elif name.isupper():  # an answer constant
            assert getattr(stub, name, "missing") is None, f"{filename}: {name} should be None in the stub"


# -- real mistakes ------------------------------------------------------------------------


def test_every_bug_folder_is_in_the_table_and_every_check_catches_one():
    folders = {p.name for p in BUGGY.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert folders == set(EXPECTED_FAILURES)
    for bug in folders:
        files = list(submission_files(BUGGY / bug))
        assert len(files) == 1 and files[0] in ASSIGNMENT.files, f"{bug}: {files}"
    named = set().union(*EXPECTED_FAILURES.values())
    assert named == set(CHECKS), (f"not checks: {sorted(named - set(CHECKS))}; "
                                  f"checks no bug exercises: {sorted(set(CHECKS) - named)}")


def describe(names, tests):
    return "; ".join(f"{name}: {tests[name].output or '(passed)'}" for name in sorted(names)) or "none"


@pytest.mark.parametrize("bug", sorted(EXPECTED_FAILURES))
def test_bug_loses_exactly_what_it_breaks(bug, graded):
    tests = graded(bug)
    failed = {name for name, test in tests.items() if not test.passed}
    expected = EXPECTED_FAILURES[bug]
    assert failed == expected, (f"{bug}: failed but should pass: {describe(failed - expected, tests)} || "
                                f"passed but should fail: {describe(expected - failed, tests)}")
    assert all(tests[name].score == 0 for name in failed)


@pytest.mark.parametrize("bug", sorted(EXPECTED_FAILURES))
def test_failure_messages_are_one_readable_line(bug, graded):
    for name, test in graded(bug).items():
        verdict = test.output.split(PRINTED)[0]
        if test.passed:
            continue
        assert "Traceback" not in test.output and "\n" not in verdict and 0 < len(verdict) <= 400, (name, verdict)
        assert SAYS_WHAT_IS_WRONG.search(verdict) and not verdict.startswith("could not check"), (name, verdict)


# -- the seed student ---------------------------------------------------------------------

SEED = Path(__file__).parent / "submissions" / "random_relu" / "seed_student"


def test_seed_student_answers_reproduce_their_numbers():
    """seed_student/answers.py encodes the homework's written Problem 2: sigmoid(-4) as 0.982."""
    got = load(SEED / "answers.py").graph_forward_backward([[1.0, 2.0], [-2.0, 3.0]], [2.0, -3.0])
    assert got["L"] == pytest.approx(0.99999773, rel=1e-8)
    assert got["dW"].ravel().tolist() == pytest.approx([0, 0, 4.52e-6, -6.78e-6], rel=1e-2, abs=1e-12)
    assert got["dx"].tolist() == pytest.approx([-4.52e-6, 6.78e-6], rel=1e-2)


def test_seed_student_loses_problem_2_and_keeps_the_sign_network():
    results = dict(zip(CHECKS, grade_folder(SEED).tests))
    failed = {name for name, test in results.items() if not test.passed}
    assert failed == P2, describe(failed ^ P2, results)
    sign_checks = [name for name, one in CHECKS.items() if one.part == "P4.1 sign network"]
    assert sign_checks and all(results[name].score == CHECKS[name].points for name in sign_checks)
