"""Buggy mlp_numpy submissions: each real student mistake loses exactly the checks it breaks.

Every folder under tests/submissions/mlp_numpy/buggy/ holds one diff against
_base/ (the reference's mlp.py or answers.py) with one mistake students make;
the reference's other file is copied in beside it. Each bug is graded once per
session (all checks, hidden ones included) and the set of failing checks must
equal the set in EXPECTED_FAILURES: a check that fails too is a check that
blames the wrong thing, a check that passes is a mistake that goes unseen.
"""
import re
import shutil
from pathlib import Path

import pytest

from grader import assignments
from grader.corpus import submission_files, write_submission
from grader.grading import grade

ASSIGNMENT = assignments.load("mlp_numpy")
CHECKS = {one.function.__name__: one for one in ASSIGNMENT.checks()}
CHECK_NAMES = list(CHECKS)
BUGGY = Path(__file__).parent / "submissions" / "mlp_numpy" / "buggy"


# Checks that replay the reference's random stream: every dropout bug changes them.
DROPOUT_REPLAYS = {"dropout_matches_reference", "single_layer_forward", "two_layer_forward"}
GRADIENTS = {"single_layer_gradients", "two_layer_gradients"}
MOMENTUM = {"linear_map_momentum", "momentum_matches_reference"}
TRAINING = {"ten_training_steps"}

EXPECTED_FAILURES = {
    # -- LinearMap -----------------------------------------------------------------
    # x @ W instead of x @ W.T: a shape error wherever a LinearMap runs forward.
    "forward_missing_transpose": {
        "linear_map_forward", "linear_map_input_gradient", "linear_map_parameter_gradients",
        "gradients_accumulate", "parameter_shapes", "single_layer_forward", "two_layer_forward",
        "vectorised_speed"} | MOMENTUM | GRADIENTS | TRAINING,
    # W kept as (indim, outdim) inside, consistently, but getW() hands that layout out:
    # forward and input gradients are right, everything read through getW() is not.
    "getW_returns_internal_transpose": {
        "linear_map_parameter_gradients", "gradients_accumulate", "parameter_shapes"}
        | MOMENTUM | GRADIENTS | TRAINING,
    # grad_W = ... instead of +=: only a second backward before step() shows it.
    "grad_overwritten_not_accumulated": {"gradients_accumulate"},
    # zerograd() is a no-op: every step after the first uses the sum of all gradients.
    "zerograd_does_nothing": {"gradients_accumulate"} | MOMENTUM | TRAINING,
    # grad_b = mean over the batch instead of the sum
    # (the public momentum check and gradients_accumulate follow W only).
    "bias_grad_mean_not_sum": {"linear_map_parameter_gradients", "momentum_matches_reference"}
        | GRADIENTS | TRAINING,
    # grad_W averaged over the batch although the loss already averaged.
    "grad_W_divided_by_batch_again": {"linear_map_parameter_gradients", "gradients_accumulate"}
        | GRADIENTS | MOMENTUM | TRAINING,
    # backward() stores the input gradient and returns None: the networks' backward crashes.
    "linear_backward_returns_nothing": {"linear_map_input_gradient", "vectorised_speed"}
        | GRADIENTS | TRAINING,
    # param -= lr * G: momentum never used.
    "momentum_ignored": MOMENTUM | TRAINING,
    # G_M = alpha G_M + (1 - alpha) G: the running-average form, not the homework's.
    "momentum_ema_weighting": MOMENTUM | TRAINING,
    # -- Loss ----------------------------------------------------------------------
    "loss_summed_not_averaged": {"loss_forward", "loss_backward", "softmax_is_stable"} | TRAINING,
    "loss_backward_not_divided_by_batch": {"loss_backward", "softmax_is_stable"} | TRAINING,
    "softmax_without_max_shift": {"softmax_is_stable"},
    "accuracy_in_percent": {"accuracy_fraction"},
    # -- ReLU and dropout ----------------------------------------------------------
    # keep where draw < p: keeps a fraction p, and with p = 0 drops every unit, so the
    # plain-ReLU checks (dropout 0) fail too: that is what this code really does.
    "dropout_keeps_below_p": {"dropout_rate", "relu_forward_backward"} | DROPOUT_REPLAYS
        | GRADIENTS | TRAINING,
    # masks (and draws) in inference too, then scales by 1 - p; training is right, so
    # dropout_matches_reference (training only) and the training run pass.
    "dropout_also_at_inference": {"dropout_inference_scaling", "dropout_draws_once",
                                  "single_layer_forward", "two_layer_forward"},
    # 1/(1 - p) in training, no scaling at inference.
    "inverted_dropout": {"dropout_training_masks", "dropout_inference_scaling"} | DROPOUT_REPLAYS
        | TRAINING,
    # one mask of x.shape[1] draws shared by the whole batch. dropout_rate draws from
    # the stream the earlier checks left (unseeded): 28.4% dropped, outside 30% +- 1%.
    "dropout_one_mask_for_whole_batch": {"dropout_draws_once", "dropout_rate"} | DROPOUT_REPLAYS
        | TRAINING,
    # np.random.binomial(1, 1 - p): one double per unit like uniform (so the stream
    # position check passes) but a different mask for the same draws.
    "dropout_with_binomial": DROPOUT_REPLAYS | TRAINING,
    # backward draws a fresh mask instead of reusing the forward's.
    "relu_backward_redraws_mask": {"dropout_training_masks", "dropout_matches_reference"} | TRAINING,
    # backward passes the gradient wherever x > 0, dropped units included.
    "relu_backward_ignores_dropout": {"dropout_training_masks", "dropout_matches_reference"} | TRAINING,
    # -- Networks, rules, speed ----------------------------------------------------
    "two_layer_missing_second_relu": {"two_layer_gradients", "two_layer_forward"} | TRAINING,
    "imports_math": {"numpy_only"},
    "imports_scipy_logsumexp": {"numpy_only"},
    # ReLU element by element and LinearMap row by row: right values, ~20x slower.
    "python_loops_everywhere": {"vectorised_speed"},
    # LinearMap row by row only: right values, about 25x slower on the speed check.
    "linear_map_loops_over_batch": {"vectorised_speed"},
    # -- answers.py ----------------------------------------------------------------
    # The homework's own (wrong) XOR network: (1, 1) comes out 1.
    "xor_seed_answer": {"xor_network"},
    # projects on the first coordinate: fine on random points, not on a grid.
    "interpolate_sorts_on_first_coordinate": {"interpolation_general"},
    # a_j = y_(j) instead of the increments y_(j) - y_(j-1).
    "interpolate_a_equals_labels": {"interpolation_small", "interpolation_general"},
    # u2 = b2, without + W2 1 / 2.
    "tanh_forgets_output_bias_shift": {"tanh_equivalence_small", "tanh_equivalence_general"},
    # p read as the chance to drop.
    "dropout_risk_p_as_drop_chance": {"dropout_risk_scalar", "dropout_risk_general"},
    "dropout_risk_missing_variance": {"dropout_risk_scalar", "dropout_risk_general"},
    # ||X w||^2 for ||Gamma w||^2: the same for N = D = 1, so only the general check sees it.
    "dropout_risk_Xw_instead_of_Gamma_w": {"dropout_risk_general"},
}



TRACEBACK = "Traceback (most recent call last)"
PRINTED = "\n\nYour code printed:"
SAYS_WHAT_IS_WRONG = re.compile(r"\bexpected\b.*\bgot\b|\bmust\b|\bmay\b|\braised\b|\blimit\b")


def bug_folder(bug):
    return BUGGY / bug


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """bug -> {check function name: TestResult}, each bug graded once per module."""
    cache = {}

    def get(bug):
        if bug not in cache:
            folder = tmp_path_factory.mktemp(bug)
            for name in ASSIGNMENT.files:  # the file without the bug is the reference's
                shutil.copy(ASSIGNMENT.directory / name, folder / name)
            write_submission(bug_folder(bug), folder)
            results = grade(ASSIGNMENT, folder)
            assert len(results.tests) == len(CHECK_NAMES), results.output
            cache[bug] = dict(zip(CHECK_NAMES, results.tests))
        return cache[bug]
    return get


def test_every_bug_folder_is_in_the_table():
    folders = {p.name for p in BUGGY.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert folders == set(EXPECTED_FAILURES), (
        f"folders without an entry: {sorted(folders - set(EXPECTED_FAILURES))}; "
        f"entries without a folder: {sorted(set(EXPECTED_FAILURES) - folders)}")
    for bug in folders:
        files = sorted(submission_files(bug_folder(bug)))
        assert len(files) == 1 and files[0] in ASSIGNMENT.files, f"{bug}: {files}"


def test_the_base_of_the_diffs_scores_full_marks(tmp_path):
    """Each bug is the base plus its diff, so the base must be right: its bug is the diff alone."""
    write_submission(BUGGY / "_base", tmp_path)
    results = grade(ASSIGNMENT, tmp_path)
    assert results.score == results.max_score, [t.output for t in results.tests if not t.passed]


def test_table_names_real_checks_and_every_check_catches_some_bug():
    named = set().union(*EXPECTED_FAILURES.values())
    assert named <= set(CHECK_NAMES), f"not checks of mlp_numpy: {sorted(named - set(CHECK_NAMES))}"
    assert set(CHECK_NAMES) <= named, f"checks that no bug exercises: {sorted(set(CHECK_NAMES) - named)}"


def describe(bug, names, tests):
    return "; ".join(f"{name} [{CHECKS[name].name}]: {tests[name].output or '(passed)'}"
                     for name in sorted(names))


@pytest.mark.parametrize("bug", list(EXPECTED_FAILURES))
def test_bug_loses_exactly_what_it_breaks(bug, graded):
    tests = graded(bug)
    failed = {name for name, test in tests.items() if not test.passed}
    expected = EXPECTED_FAILURES[bug]
    unexpected_fails, unexpected_passes = failed - expected, expected - failed
    assert not unexpected_fails and not unexpected_passes, (
        f"{bug}: failed but should pass: {describe(bug, unexpected_fails, tests) or 'none'} || "
        f"passed but should fail: {describe(bug, unexpected_passes, tests) or 'none'}")
    for name in failed:
        assert tests[name].score == 0 and tests[name].max_score == CHECKS[name].points


@pytest.mark.parametrize("bug", list(EXPECTED_FAILURES))
def test_failure_messages_are_one_readable_line(bug, graded):
    """What a student reads: one line saying what was expected and what came back."""
    problems = []
    for name, test in graded(bug).items():
        if test.passed:
            continue
        verdict = test.output.split(PRINTED)[0]
        if TRACEBACK in test.output:
            problems.append(f"{name}: a Python traceback in {test.output!r}")
        elif "\n" in verdict or not 0 < len(verdict) <= 400:
            problems.append(f"{name}: not one short line: {verdict!r}")
        elif verdict.startswith("could not check the result") or not SAYS_WHAT_IS_WRONG.search(verdict):
            problems.append(f"{name}: does not say what is wrong: {verdict!r}")
    assert not problems, f"{bug}: " + " | ".join(problems)
