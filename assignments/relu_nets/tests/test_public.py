# ReLU networks: approximation, logic gates and backpropagation -- the public checks.
# Copied verbatim into the handout so that you see exactly what is checked;
# `grader check relu_nets .` runs these checks on your files. Editing this copy
# changes nothing in how your submission is graded.

"""Public checks of `relu_nets`: handed out, and run by `grader check relu_nets`.

Every expected value here is computed in the check itself (forward passes,
float64 central differences, truth tables the grader evaluates), so these
checks need no reference solution. The answers that are a fact (yes/no, a
count, a letter, a shape) are judged by hidden checks; here only their form is.
Weight lists: [(W1, b1), (W2, b2), ...], W_i (outputs, inputs), b_i (outputs,).
"""
import numpy as np

from grader.checks import as_array, check, expect, expect_close, expect_gradient
from grader.checks.truth_table import (Rule, as_weight_list, corners, evaluate, expect_architecture,
                                       expect_decision, grid)


def relu(z):
    return np.maximum(z, 0.0)


def expect_kind(value, kind, where, choices=None):
    """value is exactly of type `kind` (a bool is not an int), and one of `choices` if given."""
    name = {bool: "True or False", int: "an int", str: "a string"}[kind]
    expect(type(value) is kind, f"{where}: expected {name}, got {value!r}"[:200])
    if choices is not None:
        expect(value in choices, f"{where}: expected one of {', '.join(map(repr, choices))}, got {value!r}")


def network_output(got, where, m):
    """A network's output for one input: shape (m,); when m = 1 any one-number shape."""
    array = as_array(got, where)
    if m == 1 and array.size == 1:
        return array.reshape(1)
    return as_array(got, where, (m,))


# -- Questions 1 and 2 ----------------------------------------------------------------


def is_shape(value):
    return isinstance(value, (tuple, list)) and all(type(n) is int and n > 0 for n in value)


@check(points=0, part="Q1")
def q1_form(student):
    """q1_shapes(k) returns a dict of shape tuples for W2, b1 and b2"""
    got = student.answers.q1_shapes(3)
    expect(isinstance(got, dict) and set(got) == {"W2", "b1", "b2"},
           f"q1_shapes(3): expected a dict with keys 'W2', 'b1', 'b2', got {got!r}"[:200])
    for key, value in got.items():
        expect(is_shape(value), f"q1_shapes(3)[{key!r}]: expected a tuple of positive ints, got {value!r}")


def three_layer(x, W1, b1, W2, b2, W3, b3):
    return W3 @ relu(W2 @ relu(W1 @ x + b1) + b2) + b3


def expect_forward(student, sizes, inputs, rng):
    """q2_forward against the network written out, for layer sizes n, k1, k2, m."""
    n, k1, k2, m = sizes
    weights = []
    for rows, columns in ((k1, n), (k2, k1), (m, k2)):
        weights += [rng.standard_normal((rows, columns)), rng.standard_normal(rows)]
    for x in inputs:
        x = np.atleast_1d(np.asarray(x, dtype=float))
        where = f"q2_forward(x={np.round(x, 4).tolist()}, ...) with widths {k1}, {k2}"
        got = network_output(student.answers.q2_forward(x, *weights), where, m)
        expect_close(got, three_layer(x, *weights), where)


@check(points=0.5, part="Q2")
def q2_scalar_network(student):
    """q2_forward computes W3 relu(W2 relu(W1 x + b1) + b2) + b3 for a scalar input"""
    expect_forward(student, (1, 3, 2, 1), [-2.0, -0.5, 0.0, 0.7, 3.0], np.random.default_rng(1))


# -- Questions 3 to 5: the form of the answers -----------------------------------------


@check(points=0, part="Q3")
def q3_form(student):
    """Q3_CONVEX and Q3_CONCAVE are True or False"""
    for name in ("Q3_CONVEX", "Q3_CONCAVE"):
        expect_kind(getattr(student.answers, name), bool, name)


@check(points=0, part="Q4a")
def q4a_form(student):
    """Q4A_MAX_DISCONTINUITIES is an int"""
    expect_kind(student.answers.Q4A_MAX_DISCONTINUITIES, int, "Q4A_MAX_DISCONTINUITIES")


@check(points=0, part="Q4b")
def q4b_form(student):
    """Q4B_FORM is one of the letters A, B, C"""
    expect_kind(student.answers.Q4B_FORM, str, "Q4B_FORM", ("A", "B", "C"))


@check(points=0, part="Q4c")
def q4c_form(student):
    """The answers to Q4c have the right types"""
    answers = student.answers
    expect_kind(answers.Q4C_ALWAYS_DIFFERENTIABLE, bool, "Q4C_ALWAYS_DIFFERENTIABLE")
    expect_kind(answers.Q4C_MIN_NONDIFF_POINTS, int, "Q4C_MIN_NONDIFF_POINTS")
    expect_kind(answers.q4c_max_nondiff_points_two_layer(3), int, "q4c_max_nondiff_points_two_layer(3)")
    expect_kind(answers.Q4C_GROWTH_IN_DEPTH, str, "Q4C_GROWTH_IN_DEPTH", ("A", "B", "C", "D"))
    expect_kind(answers.Q4C_DEEPER_MORE_EFFICIENT, bool, "Q4C_DEEPER_MORE_EFFICIENT")


@check(points=0, part="Q4d")
def q4d_form(student):
    """Q4D_TANH_ALWAYS_DIFFERENTIABLE is True or False"""
    expect_kind(student.answers.Q4D_TANH_ALWAYS_DIFFERENTIABLE, bool, "Q4D_TANH_ALWAYS_DIFFERENTIABLE")


@check(points=0, part="Q5")
def q5_form(student):
    """Q5B_TWO_KINKS_POSSIBLE and Q5D_NEITHER_POSSIBLE are True or False"""
    for name in ("Q5B_TWO_KINKS_POSSIBLE", "Q5D_NEITHER_POSSIBLE"):
        expect_kind(getattr(student.answers, name), bool, name)


# -- Question 5: width 2, no biases ---------------------------------------------------

Q5_INPUTS = np.linspace(-5.0, 5.0, 1001)


def q5_values(result, where):
    """f(x) = W2 relu(W1 x) at 1001 points of [-5, 5], from (W1 (2, 1), W2 (1, 2))."""
    expect(isinstance(result, (tuple, list)) and len(result) == 2,
           f"{where}: expected a pair (W1, W2), got {result!r}"[:200])
    W1, W2 = as_array(result[0], f"{where} W1", (2, 1)), as_array(result[1], f"{where} W2", (1, 2))
    layers = as_weight_list([(W1, np.zeros(2)), (W2, np.zeros(1))], where)
    return evaluate(layers, Q5_INPUTS[:, None])[:, 0]


def bends(values):
    """(largest, smallest) second difference of equally spaced values, and the tolerance that
    tells a bend from rounding."""
    second = values[:-2] - 2 * values[1:-1] + values[2:]
    return second.max(), second.min(), 1e-9 * (1 + np.abs(values).max())


def sample(values, inputs, at=(-1.0, 0.0, 1.0)):
    """'f(-1) = .., f(0) = .., f(1) = ..' read off the sampled values."""
    return ", ".join(f"f({a:g}) = {values[np.argmin(np.abs(inputs - a))]:.6g}" for a in at)


@check(points=1, part="Q5")
def q5_linear_network(student):
    """q5_linear gives a width-2 network without biases that is linear on [-5, 5]"""
    values = q5_values(student.answers.q5_linear(), "q5_linear()")
    highest, lowest, tolerance = bends(values)
    expect(max(highest, -lowest) <= tolerance, f"q5_linear(): expected f(x) = W2 relu(W1 x) to be linear "
           f"on [-5, 5], got a bend at 0: {sample(values, Q5_INPUTS)}")


@check(points=0, part="Q5 bonus")
def q5_convex_network(student):
    """Bonus: q5_convex gives a network that is convex and not linear on [-5, 5]"""
    values = q5_values(student.answers.q5_convex(), "q5_convex()")
    highest, lowest, tolerance = bends(values)
    expect(lowest >= -tolerance and highest > tolerance, "q5_convex(): expected f(x) = W2 relu(W1 x) "
           f"convex and not linear on [-5, 5], got {sample(values, Q5_INPUTS)}")


# -- Question 6 (bonus) ---------------------------------------------------------------

PATH = np.linspace(0.0, 1.0, 1001)


def path_outputs(x, theta0, theta1):
    """The network's output at x for the parameters theta0 + t (theta1 - theta0), t in PATH."""
    outputs = []
    for t in PATH:
        layers = [(W0 + t * (W1 - W0), b0 + t * (b1 - b0)) for (W0, b0), (W1, b1) in zip(theta0, theta1)]
        outputs.append(evaluate(layers, x[None, :])[0, 0])
    return np.array(outputs)


def q6_parts(result, where):
    """(x (n,), theta0, theta1): two 2-layer weight lists of the same shapes, one output."""
    expect(isinstance(result, (tuple, list)) and len(result) == 3,
           f"{where}: expected (x, theta0, theta1), got {result!r}"[:200])
    thetas = [as_weight_list(theta, f"{where} theta{i}") for i, theta in enumerate(result[1:])]
    n = thetas[0][0][0].shape[1]
    x = np.atleast_1d(as_array(result[0], f"{where} x"))
    for i, theta in enumerate(thetas):
        expect_architecture(theta, f"{where} theta{i}", exact_layers=2, input_size=n)
    shapes = [[(W.shape, b.shape) for W, b in theta] for theta in thetas]
    expect(shapes[0] == shapes[1], f"{where}: theta0 and theta1 must have the same shapes, got "
           f"{shapes[0]} and {shapes[1]}")
    expect(x.shape == (n,), f"{where}: x has shape {x.shape}, the networks take inputs of shape ({n},)")
    return x, thetas[0], thetas[1]


@check(points=0, part="Q6 bonus")
def q6_neither_convex_nor_concave(student):
    """Bonus: along q6_nonconvex_path's line in parameter space the output is neither convex nor concave"""
    x, theta0, theta1 = q6_parts(student.answers.q6_nonconvex_path(), "q6_nonconvex_path()")
    values = path_outputs(x, theta0, theta1)
    highest, lowest, tolerance = bends(values)
    expect(highest > tolerance and lowest < -tolerance, "q6_nonconvex_path(): expected the output along "
           "theta0 + t (theta1 - theta0), t in [0, 1], to bend both up and down, got second differences "
           f"in [{lowest:.3g}, {highest:.3g}] (tolerance {tolerance:.1g})")


# -- Question 7: logic gates on real inputs -------------------------------------------

OR = Rule("x1 > 0 or x2 > 0", lambda X: (X[:, 0] > 0) | (X[:, 1] > 0))
XOR = Rule("x1 < 0 < x2 or x2 < 0 < x1",
           lambda X: ((X[:, 0] < 0) & (X[:, 1] > 0)) | ((X[:, 0] > 0) & (X[:, 1] < 0)))
NAND = Rule("not (x1 = 1 and x2 = 1)", lambda X: ~((X[:, 0] == 1) & (X[:, 1] == 1)))
SIMPLE_POINTS = np.vstack([corners(), grid()])


def gate(student, name):
    return as_weight_list(getattr(student.gates, name)(), f"{name}()")


@check(points=0.5, part="Q7a OR")
def or_architecture(student):
    """or_gate has 2 layers, hidden width 2, inputs (x1, x2) and one output"""
    expect_architecture(gate(student, "or_gate"), "or_gate()", exact_layers=2, exact_width=2, input_size=2)


@check(points=0.5, part="Q7a OR")
def or_simple_points(student):
    """or_gate: f(x) > 0 iff x1 > 0 or x2 > 0 on {0, 1}^2 and a grid of [-2, 2]^2 with step 0.1"""
    expect_decision(gate(student, "or_gate"), OR, SIMPLE_POINTS, "or_gate()")


@check(points=0.5, part="Q7b XOR")
def xor_architecture(student):
    """xor_gate has at most 3 layers, hidden widths at most 4, inputs (x1, x2) and one output"""
    expect_architecture(gate(student, "xor_gate"), "xor_gate()", max_layers=3, max_width=4, input_size=2)


@check(points=0.5, part="Q7b XOR")
def xor_simple_points(student):
    """xor_gate: f(x) > 0 iff x1, x2 have opposite signs, on {0, 1}^2 and a grid of [-2, 2]^2"""
    expect_decision(gate(student, "xor_gate"), XOR, SIMPLE_POINTS, "xor_gate()")


@check(points=0, part="Q7c NAND bonus")
def nand_corners(student):
    """Bonus: nand_gate: f(x) > 0 iff not (x1 and x2), on x in {0, 1}^2"""
    expect_decision(gate(student, "nand_gate"), NAND, corners(), "nand_gate()")


# -- Question 8: backpropagation ------------------------------------------------------


def loss(W, x):
    """The homework's L = ||v||^2 / 2 for y = W x, u = relu(y), v = u + W u."""
    u = relu(W @ x)
    v = u + W @ u
    return 0.5 * float(v @ v)


def away_from_kinks(d, rng, margin=0.05):
    """W (d, d) and x (d,) with every |(W x)_k| >= margin, so no entry sits on ReLU's kink."""
    while True:
        W, x = rng.standard_normal((d, d)) / np.sqrt(d), rng.standard_normal(d)
        if np.abs(W @ x).min() >= margin:
            return W, x


@check(points=0.5, part="Q8 backprop")
def loss_value(student):
    """loss(W, x) is ||v||^2 / 2 for y = W x, u = relu(y), v = u + W u"""
    W, x = away_from_kinks(5, np.random.default_rng(2))
    got = as_array(student.backprop.loss(W, x), "loss(W, x) for d = 5")
    expect(got.size == 1, f"loss(W, x) for d = 5: expected one number, got shape {got.shape}")
    expect_close(got.reshape(()), loss(W, x), "loss(W, x) for d = 5")


@check(points=1, part="Q8 backprop")
def grad_w_central_differences(student):
    """grad_W(W, x) matches float64 central differences of L"""
    W, x = away_from_kinks(5, np.random.default_rng(3))
    got = student.backprop.grad_W(W, x)
    expect_gradient(got, lambda W_: loss(W_, x), W, "grad_W(W, x) for d = 5, no (W x)_k within 0.05 of 0")
