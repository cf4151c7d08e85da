"""Weight-list networks judged by the grader: structure, architecture, exact decisions."""
import numpy as np
import pytest

from grader.checks import CheckFailed
from grader.checks.truth_table import (Rule, architecture_problems, as_weight_list, corners, evaluate,
                                       expect_architecture, expect_decision, far_away, grid, near_axes)

OR = Rule("x1 > 0 or x2 > 0", lambda X: (X[:, 0] > 0) | (X[:, 1] > 0))
XOR = Rule("x1 < 0 < x2 or x2 < 0 < x1",
           lambda X: ((X[:, 0] < 0) & (X[:, 1] > 0)) | ((X[:, 0] > 0) & (X[:, 1] < 0)))
EVERYWHERE = np.vstack([corners(), grid(), near_axes(), far_away()])


def net(*layers):
    return as_weight_list(list(layers), "net")


def or_relu_sum():
    return net((np.eye(2), [0, 0]), ([[1, 1]], [0]))


def or_scaled_and_swapped():
    return net(([[0, 3], [0.5, 0]], [0, 0]), ([[2, 7]], 0))


def xor_by_minimum():
    """min(relu(x1), relu(-x2)) + min(relu(-x1), relu(x2)), min(a, b) = a - relu(a - b): rounding-fragile."""
    W2 = [[1, 0, 0, 0], [1, -1, 0, 0], [0, 0, 1, 0], [0, 0, 1, -1]]
    return net(([[1, 0], [0, -1], [-1, 0], [0, 1]], np.zeros(4)), (W2, np.zeros(4)), ([[1, -1, 1, -1]], [0]))


def xor_by_absolute_values(bias=0.0):
    """|x1 - x2| - |x1 + x2| = 2 min(|x1|, |x2|) when the signs differ, else minus that."""
    W1 = [[1, -1], [-1, 1], [1, 1], [-1, -1]]
    return net((W1, np.zeros(4)), ([[1, 1, -1, -1]], [bias]))


# -- valid constructions pass everywhere -------------------------------------------


@pytest.mark.parametrize("build", [or_relu_sum, or_scaled_and_swapped])
def test_valid_or_constructions_pass_everywhere(build):
    expect_decision(build(), OR, EVERYWHERE, "or_gate()")


@pytest.mark.parametrize("build", [xor_by_minimum, xor_by_absolute_values])
def test_valid_xor_constructions_pass_everywhere(build):
    expect_decision(build(), XOR, EVERYWHERE, "xor_gate()")


def test_rounding_does_not_fail_a_valid_construction():
    x = np.array([[1e7, -1e-10]])  # 1e7 - 1e-10 rounds to 1e7 in float64
    assert evaluate(xor_by_minimum(), x)[0, 0] == 0.0
    expect_decision(xor_by_minimum(), XOR, x, "xor_gate()")


def test_rounding_does_not_pass_a_wrong_network():
    # relu(-1e-200 x1) 1e-200 is 1e-400 > 0 at x1 = -1, where OR is false; float64 underflows to 0
    wrong = net(([[-1e-200, 0]], [0]), ([[1e-200]], [0]))
    assert evaluate(wrong, [[-1.0, -1.0]])[0, 0] == 0.0
    with pytest.raises(CheckFailed, match=r"at x = \(-1, -1\) expected f\(x\) <= 0 .* got f\(x\) = 1e-400$"):
        expect_decision(wrong, OR, [[-1.0, -1.0]], "or_gate()")


# -- wrong networks fail with the first counter-example --------------------------------


def test_or_right_on_booleans_only_fails_on_the_grid():
    boolean_or = net(([[1, 1], [0, 0]], [0, 0]), ([[1, 0]], [0]))  # relu(x1 + x2)
    expect_decision(boolean_or, OR, corners(), "or_gate()")
    with pytest.raises(CheckFailed) as failure:
        expect_decision(boolean_or, OR, np.vstack([corners(), grid()]), "or_gate()")
    assert str(failure.value) == "or_gate(): at x = (-2, 0.1) expected f(x) > 0 (x1 > 0 or x2 > 0), got f(x) = 0"


def test_tiny_counter_example_near_a_boundary_is_named():
    with pytest.raises(CheckFailed) as failure:
        expect_decision(xor_by_absolute_values(bias=-1e-4), XOR, near_axes(), "xor_gate()")
    assert str(failure.value) == ("xor_gate(): at x = (1e-09, -1e+06) expected f(x) > 0 "
                                  "(x1 < 0 < x2 or x2 < 0 < x1), got f(x) = -9.9998e-05")


def test_positive_on_a_boundary_fails_where_the_rule_is_false():
    with pytest.raises(CheckFailed, match=r"at x = \(0, -1e\+06\) expected f\(x\) <= 0 \(not \(x1 < 0 < x2"):
        expect_decision(xor_by_absolute_values(bias=1e-4), XOR, near_axes(), "xor_gate()")


def test_sign_unit_with_input_exactly_zero_fails():
    network = net(([[1, 0], [0, 1]], [-2, 0]), ([[1, 1]], [0]))
    crosses = Rule("a cross", lambda X: X[:, 1] == 0)
    with pytest.raises(CheckFailed, match=r"at x = \(2, 0\) expected .* non-zero .* got 0 at unit 1 of layer 1$"):
        expect_decision(network, crosses, [[2.0, 0.0]], "sign_network()", activation="sign")


def test_zero_output_is_no_answer_when_asked():
    network = net(([[0, 0]], [0]), ([[1]], [0]))
    expect_decision(network, OR, [[-1.0, -1.0]], "f")
    with pytest.raises(CheckFailed, match=r"expected f\(x\) < 0 \(not \(x1 > 0 or x2 > 0\)\), got f\(x\) = 0"):
        expect_decision(network, OR, [[-1.0, -1.0]], "f", zero_is_negative=False)


# -- architecture -----------------------------------------------------------------------


def test_architecture_within_limits_has_no_problems():
    assert architecture_problems(or_relu_sum(), exact_layers=2, exact_width=2, input_size=2) == []
    assert architecture_problems(xor_by_minimum(), max_layers=3, max_width=4, input_size=2) == []


def test_too_wide_xor_is_named():
    wide = net((np.vstack([np.eye(2), -np.eye(2), [[1, 1]]]), np.zeros(5)), ([[1, 1, 1, 1, 1]], [0]))
    with pytest.raises(CheckFailed, match=r"^xor_gate\(\): expected hidden layer 1 of width at most 4, got 5$"):
        expect_architecture(wide, "xor_gate()", max_layers=3, max_width=4, input_size=2)


def test_every_broken_limit_is_listed():
    deep = net((np.eye(3), np.zeros(3)), (np.eye(3), np.zeros(3)), ([[1, 1, 1]], [0]))
    problems = architecture_problems(deep, exact_layers=2, exact_width=2, input_size=2)
    assert problems == ["expected exactly 2 layers, got 3", "expected hidden layer 1 of width 2, got 3",
                        "expected hidden layer 2 of width 2, got 3",
                        "expected inputs of size 2 (W1's columns), got 3"]


def test_decision_on_points_of_another_size_fails_clearly():
    with pytest.raises(CheckFailed, match=r"expected inputs of size 3 \(W1's columns\), got 2"):
        expect_decision(or_relu_sum(), OR, np.zeros((1, 3)), "or_gate()")


# -- malformed weight lists ---------------------------------------------------------------


@pytest.mark.parametrize("value, message", [
    ("W", r"expected a non-empty list of \(W, b\) pairs, got 'W'"),
    ([], r"expected a non-empty list of \(W, b\) pairs, got a list of 0 items"),
    ([(np.eye(2), np.zeros(2), 0)], r"layer 1: expected a pair \(W, b\), got a tuple of 3 items"),
    ([(np.ones(2), np.zeros(2))], r"layer 1 W: expected a matrix of shape \(outputs, inputs\), got shape \(2,\)"),
    ([(np.eye(2), np.zeros(3))], r"layer 1 b: expected shape \(2,\) to match W's 2 rows, got shape \(3,\)"),
    ([(np.eye(2), np.zeros(2)), (np.ones((1, 3)), [0])], r"layer 2 W has 3 columns, but layer 1 has 2 outputs"),
    ([(np.eye(2), [0, np.nan])], r"layer 1 b: expected finite numbers, got nan at index \(1,\)"),
    ([([["a", "b"]], [0])], r"layer 1 W: expected numbers"),
    ([([[1, 2], [3]], [0, 0])], r"layer 1 W: expected numbers"),
])
def test_malformed_weight_lists_fail_in_one_line(value, message):
    with pytest.raises(CheckFailed, match=message) as failure:
        as_weight_list(value, "or_gate()")
    assert str(failure.value).startswith("or_gate(): ") and "\n" not in str(failure.value)


def test_biases_as_columns_or_a_number_are_accepted():
    layers = as_weight_list([(np.eye(2), [[1], [2]]), ([[1, 1]], 3)], "f")
    assert [b.shape for _, b in layers] == [(2,), (1,)]


def test_huge_networks_are_refused():
    with pytest.raises(CheckFailed, match="too large to judge"):
        as_weight_list([(np.ones((400, 400)), np.zeros(400))], "f", max_parameters=100_000)


def test_networks_that_need_too_much_exact_work_are_refused():
    # 1e300 weights overflow float64 at every point: all of them would need exact arithmetic
    huge = net((np.full((5000, 2), 1e300), np.zeros(5000)), (np.full((1, 5000), 1e300), [0]))
    with pytest.raises(CheckFailed, match=r"expected a network whose sign float64 can settle"):
        expect_decision(huge, OR, EVERYWHERE, "xor_gate()")


# -- evaluation and points ----------------------------------------------------------------


def test_evaluate_is_vectorised_with_each_activation():
    layers = net(([[1, 0], [0, 1]], [0, 0]), ([[1, 2]], [0.5]))
    X = np.array([[1.0, -1.0], [-2.0, 3.0], [0.0, 0.0]])
    np.testing.assert_array_equal(evaluate(layers, X, "relu")[:, 0], [1.5, 6.5, 0.5])
    np.testing.assert_array_equal(evaluate(layers, X, "sign")[:, 0], [-0.5, 1.5, 0.5])
    np.testing.assert_array_equal(evaluate(layers, X, "step")[:, 0], [1.5, 2.5, 0.5])


def test_points_cover_corners_grid_boundaries_and_far_away():
    assert corners().tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert [0.0, 0.0] in grid().tolist() and len(grid()) == 41 * 41
    near = near_axes().tolist()
    for point in ([1.0, 1e-9], [1.0, -1e-9], [-1e-9, 3.0], [1e6, -1e-9], [0.0, -1e6], [1e-9, 1e-9]):
        assert point in near, point
    assert np.allclose(np.sort(np.hypot(*far_away().T))[[0, -1]], [1e3, 1e9])
