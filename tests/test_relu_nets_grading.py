"""Grading relu_nets end to end: the reference, the untouched handout, its stubs, and real mistakes.

The reference and the untouched handout are graded on the whole assignment
(Questions 1 to 14). Every folder under tests/submissions/relu_nets/buggy/
holds one diff against _base/ (the reference's answers.py, gates.py or backprop.py)
with one mistake students make; the reference's other files are copied in
beside it. Each bug is graded once on the checks of Questions 1 to 8 (hidden
ones included; modules.py has its bugs in test_relu_nets_modules.py) and must
lose exactly the checks in EXPECTED_FAILURES: a check that fails too blames
the wrong thing, a check that passes lets the mistake through.
"""
import dataclasses
import importlib.util
import inspect
import re
import shutil
from pathlib import Path

import pytest

from grader import assignments, paths
from grader.corpus import submission_files, write_submission
from grader.grading import grade

# Questions 1 to 8: answers.py, gates.py, backprop.py (the buggy submissions' files).
FILES = ["answers.py", "gates.py", "backprop.py"]
PARTS_1_TO_8 = {"Q1": 1, "Q2": 1, "Q3": 1, "Q4a": 1, "Q4b": 1, "Q4c": 2, "Q4d": 1, "Q5": 2, "Q5 bonus": 0,
                "Q6 bonus": 0, "Q7a OR": 2, "Q7b XOR": 2, "Q7c NAND bonus": 0, "Q8 backprop": 3}
# Questions 10, 11 and 14: modules.py, and its two reported 0-point parts.
PARTS_MODULES = {"Q10a Linear.forward": 1, "Q10b Linear.backward": 1, "Q10c ReLU.backward": 1,
                 "Q10d CrossEntropyLoss.backward": 1, "Q11 Training loop": 2, "Q14 Data augmentation": 1,
                 "No autograd": 0, "Training run": 0}
TOTAL = 24  # the homework's 29 points less its written parts: Q12 (2), Q13 (1), Q15 (2)


@dataclasses.dataclass
class Questions1To8(assignments.Assignment):
    def checks(self, include_hidden=True):
        return [one for one in super().checks(include_hidden) if one.part in PARTS_1_TO_8]


WHOLE = assignments.load("relu_nets")
ASSIGNMENT = Questions1To8(**vars(WHOLE))
CHECKS = {one.function.__name__: one for one in ASSIGNMENT.checks()}
BUGGY = Path(__file__).parent / "submissions" / "relu_nets" / "buggy"
SLOT = 41  # a sandbox slot of its own: stopping a sandbox kills every process of its uid
# A stub that computes no gradient uses no autograd either: this 0-point check passes on it.
PASSES_ON_THE_STUBS = {"no_autograd_anywhere"}

Q_FORMS = {"q3_form", "q4a_form", "q4b_form", "q4c_form", "q4d_form", "q5_form"}
GRADIENT = {"grad_w_central_differences", "grad_w_autograd"}

EXPECTED_FAILURES = {
    # -- answers.py ----------------------------------------------------------------
    "q1_tuple_not_dict": {"q1_form", "q1_values"},
    "q1_b2_has_width_k": {"q1_values"},
    "q2_missing_middle_relu": {"q2_scalar_network", "q2_general_network"},
    # .item(): fine for the homework's scalar output, a ValueError for two outputs.
    "q2_returns_one_number": {"q2_general_network"},
    # "no", "yes", "0", "piecewise-linear", "exponential": every form check and value check
    # of Q3 to Q5, but not q4c_two_layers, whose function still returns an int.
    "answers_as_words": Q_FORMS | {"q3_values", "q4a_value", "q4b_value", "q4c_differentiable",
                                   "q4c_growth", "q4c_efficiency", "q4d_value", "q5b_value", "q5d_value"},
    "q4c_one_kink_per_weight": {"q4c_two_layers", "q4c_growth"},
    "q5_linear_is_one_relu": {"q5_linear_network"},
    "q5_bonus_backwards": {"q5_convex_network", "q5d_value"},
    "q6_path_only_bends_up": {"q6_neither_convex_nor_concave"},
    # -- gates.py ------------------------------------------------------------------
    # relu(x1 + x2): right on {0, 1}^2, 0 at (-2, 0.1).
    "or_right_on_booleans_only": {"or_simple_points", "or_fine_points"},
    "or_three_layers": {"or_architecture"},
    "xor_width_5": {"xor_architecture"},
    # |x1 - x2| - |x1 + x2| - 1e-4: right on the grid, negative within 5e-5 of an axis.
    "xor_margin_below_zero": {"xor_fine_points"},
    # ... + 1e-4: positive on the axes, where the rule is false.
    "xor_positive_on_the_axes": {"xor_simple_points", "xor_fine_points"},
    "nand_is_zero_off_the_corner": {"nand_corners"},
    # -- backprop.py ---------------------------------------------------------------
    "loss_without_half": {"loss_value"},
    "grad_missing_step": GRADIENT,
    "grad_transposed": GRADIENT | {"grad_w_step_at_zero"},
    # step(y) = 1 only for y > 0: right away from kinks, wrong where (W x)_k = 0.
    "grad_step_zero_at_zero": {"grad_w_step_at_zero"},
    # d^2 Python iterations: right values, ~40x the reference's time; the loops are read too.
    "grad_loops_over_entries": {"grad_w_speed"},
    # one numpy expression per row: about as fast as the reference (0.7x), but a loop over d.
    "grad_W_row_loop": {"grad_w_speed"},
}

PRINTED = "\n\nYour code printed:"
SAYS_WHAT_IS_WRONG = re.compile(r"\bexpected\b.*\bgot\b|\bmust\b|\braised\b|\blimit\b|not implemented"
                                r"|loops in Python")


def grade_folder(folder, out=None, assignment=ASSIGNMENT):
    return grade(assignment, folder, out=out, slot=SLOT)


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


def test_reference_scores_full_marks_on_the_whole_assignment(tmp_path):
    results = grade_folder(WHOLE.directory, out=tmp_path / "results.json", assignment=WHOLE)
    failed = {t.name: t.output for t in results.tests if not t.passed}
    assert not failed, f"the reference failed: {failed}"
    assert len(results.tests) == len(WHOLE.checks())
    assert results.score == results.max_score == TOTAL
    assert (tmp_path / "results.json").is_file()


def test_points_follow_the_homework():
    by_part = {}
    for one in WHOLE.checks():
        by_part[one.part] = by_part.get(one.part, 0) + one.points
    assert by_part == {**PARTS_1_TO_8, **PARTS_MODULES}
    assert sum(by_part.values()) == TOTAL
    assert WHOLE.files == FILES + ["modules.py"]


def test_public_checks_need_no_reference():
    public = [one for one in WHOLE.checks() if not one.hidden]
    assert not [one.name for one in public if {"reference", "reference_process"} & set(one.needs)]


def test_untouched_handout_scores_zero_without_crashing(tmp_path):
    results = grade_folder(paths.ASSIGNMENTS / "relu_nets", out=tmp_path / "results.json", assignment=WHOLE)
    names = {one.name: one.function.__name__ for one in WHOLE.checks()}
    assert len(results.tests) == len(names)
    assert results.score == 0 and results.max_score == TOTAL
    passed = {names[t.name] for t in results.tests if t.passed}
    assert passed <= PASSES_ON_THE_STUBS, passed
    assert all(t.max_score == 0 for t in results.tests if t.passed)
    unexplained = [t.output for t in results.tests if not t.passed
                   and "not implemented yet" not in t.output and "got None" not in t.output]
    assert not unexplained, unexplained


HELPERS = {"relu"}  # the reference's own helpers, not in the stubs


def load(path):
    spec = importlib.util.spec_from_file_location(f"_relu_nets_{path.stem}_{id(path)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("filename", FILES)
def test_stubs_have_the_reference_names_and_raise_with_a_hint(filename):
    """Every public function keeps the reference's signature and raises NotImplementedError
    with a hint; every answer constant is there, set to None."""
    stub = load(paths.ASSIGNMENTS / "relu_nets" / filename)
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
        assert len(files) == 1 and files[0] in FILES, f"{bug}: {files}"
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
