# Random ReLU layers, computational graphs and sign networks -- the public checks.
# Copied verbatim into the handout so that you see exactly what is checked;
# `grader check random_relu .` runs these checks on your files. Editing this copy
# changes nothing in how your submission is graded.

"""Public checks of `random_relu`: handed out, and run by `grader check random_relu`.

Every expected value here comes from the check itself: Monte Carlo estimates
over random Gaussian matrices for Problem 1, the exact float64 derivative for Problem 2,
float64 central differences for Problem 3, and the grader's own evaluation of
your sign network for Problem 4. The yes/no answer of Problem 4.2 is judged by
a hidden check; here only its form is.
"""
import numpy as np

from grader.checks import (as_array, check, expect, expect_close, expect_form, expect_gradient,
                           expect_near_estimate, one_number)
from grader.checks.truth_table import Rule, as_weight_list, expect_architecture, expect_decision

# A fixed input with non-zero entries, as Problem 1 asks.
X_FIXED = np.array([0.5, -1.2, 2.0])


def preactivations(sigma, count, rng):
    """count draws of one entry of W x: W's row ~ N(0, I), x fixed with ||x|| = sigma."""
    x = X_FIXED / np.linalg.norm(X_FIXED) * sigma
    return rng.standard_normal((count, len(x))) @ x


# -- Problem 1 ------------------------------------------------------------------------


@check(points=3, part="P1.1 active units")
def active_units_monte_carlo(student):
    """expected_active(m) agrees with the number of non-zero outputs over random W"""
    rng = np.random.default_rng(1)
    for m in (2, 7):
        counts = (rng.standard_normal((20_000, m, len(X_FIXED))) @ X_FIXED > 0).sum(axis=1)
        got = one_number(student.answers.expected_active(m), f"expected_active({m})")
        expect_near_estimate(got, counts, f"expected_active({m})", "non-zero entries of max(0, W x)")


@check(points=2, part="P1.2 pre-activations")
def moments_monte_carlo(student):
    """preactivation_moments(sigma) agrees with the mean and variance of (W x)_i over random W"""
    sigma = 1.5
    samples = preactivations(sigma, 400_000, np.random.default_rng(2))
    where = f"preactivation_moments({sigma})"
    mean, variance = as_array(student.answers.preactivation_moments(sigma), where, (2,))
    expect_near_estimate(mean, samples, f"{where} mean", "mean of (W x)_i")
    expect_near_estimate(variance, (samples - samples.mean()) ** 2, f"{where} variance", "variance of (W x)_i")


@check(points=2, part="P1.3 ReLU mean")
def relu_mean_monte_carlo(student):
    """expected_relu_output(sigma) agrees with the mean of max(0, (W x)_i) over random W"""
    sigma = 2.0
    samples = np.maximum(preactivations(sigma, 1_000_000, np.random.default_rng(3)), 0.0)
    where = f"expected_relu_output({sigma})"
    got = one_number(student.answers.expected_relu_output(sigma), where)
    expect_near_estimate(got, samples, where, "mean of max(0, (W x)_i)")


# -- Problem 2 ------------------------------------------------------------------------

HOMEWORK_W = np.array([[1.0, 2.0], [-2.0, 3.0]])
HOMEWORK_X = np.array([2.0, -3.0])


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def exact_graph(W, x):
    """L = max(sigmoid(W_1 x), sigmoid(W_2 x)) and dL/dW, dL/dx in float64: only the larger row moves L.

    sigmoid'(z) is taken as sigmoid(z) sigmoid(-z), which keeps its digits where sigmoid(z) is near 1
    (the homework's sigmoid(4)); the inputs keep the two rows apart, away from max's kink.
    """
    z = W @ x
    k = int(np.argmax(z))
    slope = sigmoid(z[k]) * sigmoid(-z[k])
    dW = np.zeros_like(W)
    dW[k] = slope * x
    return {"L": float(sigmoid(z[k])), "dW": dW, "dx": slope * W[k]}


def graph_result(student, W, x):
    """The student's dict for (W, x), its entries as arrays of the promised shapes."""
    where = f"graph_forward_backward(W={W.tolist()}, x={x.tolist()})"
    got = student.answers.graph_forward_backward(W, x)
    expect_form(isinstance(got, dict) and {"L", "dW", "dx"} <= set(got), where,
                "a dict with keys 'L', 'dW', 'dx'", got)
    return {"L": one_number(got["L"], f"{where}['L']"), "dW": as_array(got["dW"], f"{where}['dW']", (2, 2)),
            "dx": as_array(got["dx"], f"{where}['dx']", (2,))}, where


def expect_graph(student, W, x, keys):
    got, where = graph_result(student, W, x)
    expected = exact_graph(W, x)
    for key in keys:
        expect_close(got[key], expected[key], f"{where}['{key}'] (vs the grader's float64 derivative)", rtol=1e-6, atol=1e-10)


@check(points=2, part="P2 computational graph")
def graph_forward_homework(student):
    """graph_forward_backward gives L on the homework's W and x"""
    expect_graph(student, HOMEWORK_W, HOMEWORK_X, ["L"])


@check(points=3, part="P2 computational graph")
def graph_backward_homework(student):
    """graph_forward_backward gives dL/dW and dL/dx on the homework's W and x"""
    expect_graph(student, HOMEWORK_W, HOMEWORK_X, ["dW", "dx"])


# -- Problem 3 ------------------------------------------------------------------------


def cross_entropy(z1, z2, y):
    """-y log y_hat - (1 - y) log(1 - y_hat) with y_hat = e^z1 / (e^z1 + e^z2), computed stably."""
    log_total = np.logaddexp(z1, z2)
    return -y * (z1 - log_total) - (1 - y) * (z2 - log_total)


def softmax_grad(student, z1, z2, y):
    where = f"softmax_ce_grad({z1}, {z2}, {y})"
    got = student.answers.softmax_ce_grad(z1, z2, y)
    expect_form(isinstance(got, (tuple, list)) and len(got) == 2, where, "a pair (dz1, dz2)", got)
    return np.array([one_number(got[0], f"{where} dz1"), one_number(got[1], f"{where} dz2")]), where


@check(points=5, part="P3 softmax cross-entropy")
def softmax_grad_central_differences(student):
    """softmax_ce_grad matches float64 central differences of the cross-entropy, for y = 0 and y = 1"""
    for z1, z2, y in [(0.3, -1.2, 1), (2.0, 0.5, 0), (-1.0, -1.0, 1), (0.7, 1.9, 0), (-3.0, 2.5, 1)]:
        got, where = softmax_grad(student, z1, z2, y)
        expect_gradient(got, lambda z: cross_entropy(z[0], z[1], y), np.array([z1, z2]), where)


# -- Problem 4 ------------------------------------------------------------------------

POINTS = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 2.0], [0.0, -2.0]])
CROSSES = Rule("a cross, label +1", lambda X: X[:, 1] == 0, negation="a circle, label -1")


def network(student):
    return as_weight_list(student.sign_network.sign_network(), "sign_network()")


@check(points=3, part="P4.1 sign network")
def sign_network_architecture(student):
    """sign_network has two sign units on the inputs (x1, x2), then one output unit"""
    layers = network(student)
    expect(layers[0][0].shape[1] != 3, "sign_network(): expected W1 with 2 columns for the inputs (x1, x2), "
           "got 3: put the weight w3 of the appended 1 in the bias b instead")
    expect_architecture(layers, "sign_network()", exact_layers=2, exact_width=2, input_size=2)


@check(points=7, part="P4.1 sign network")
def sign_network_points(student):
    """sign_network labels the crosses (+-2, 0) with +1 and the circles (0, +-2) with -1"""
    expect_decision(network(student), CROSSES, POINTS, "sign_network()", activation="sign",
                    zero_is_negative=False)


@check(points=0, part="P4.2 one unit")
def one_unit_form(student):
    """ONE_UNIT_POSSIBLE is True or False"""
    value = student.sign_network.ONE_UNIT_POSSIBLE
    expect_form(type(value) is bool, "ONE_UNIT_POSSIBLE", "True or False", value)
