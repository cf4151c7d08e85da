"""Hidden checks of `random_relu`: exact values against the reference, on more inputs.

These never leave the grader.
"""
import numpy as np

from grader.checks import as_array, check, expect_close, expect_equal, sibling

public = sibling(__file__, "tests_public")


# -- Problem 1: the closed forms ----------------------------------------------------------


@check(points=2, part="P1.1 active units")
def active_units_exact(student, reference):
    """expected_active(m) is exact for odd and large m"""
    for m in (1, 5, 51, 1000):
        where = f"expected_active({m})"
        expect_close(public.one_number(student.answers.expected_active(m), where),
                     reference.answers.expected_active(m), where, rtol=1e-12)


@check(points=3, part="P1.2 pre-activations")
def moments_exact(student, reference):
    """preactivation_moments(sigma) is exact for small, large and zero sigma"""
    for sigma in (0.0, 1e-3, 1.0, 2.5, 100.0):
        where = f"preactivation_moments({sigma})"
        expect_close(as_array(student.answers.preactivation_moments(sigma), where, (2,)),
                     reference.answers.preactivation_moments(sigma), where, rtol=1e-9, atol=1e-12)


@check(points=3, part="P1.3 ReLU mean")
def relu_mean_exact(student, reference):
    """expected_relu_output(sigma) is exact for small, large and zero sigma"""
    for sigma in (0.0, 1e-3, 1.0, 2.5, 100.0):
        where = f"expected_relu_output({sigma})"
        expect_close(public.one_number(student.answers.expected_relu_output(sigma), where),
                     reference.answers.expected_relu_output(sigma), where, rtol=1e-9, atol=1e-12)


# -- Problem 2: other matrices and inputs -----------------------------------------------


def random_graph_inputs(rng, count):
    """(W, x) pairs whose two sigmoids differ by at least 1e-3, so the max has one winner;
    both rows win some."""
    pairs = []
    while len(pairs) < count:
        W, x = np.round(rng.standard_normal((2, 2)) * 1.5, 3), np.round(rng.standard_normal(2) * 1.5, 3)
        q = 1 / (1 + np.exp(-(W @ x)))
        if abs(q[0] - q[1]) >= 1e-3 and int(np.argmax(q)) == len(pairs) % 2:
            pairs.append((W, x))
    return pairs


@check(points=5, part="P2 computational graph")
def graph_random(student):
    """graph_forward_backward matches the exact derivative on 10 other W and x, either row winning"""
    for W, x in random_graph_inputs(np.random.default_rng(101), 10):
        public.expect_graph(student, W, x, ["L", "dW", "dx"])


# -- Problem 3 ------------------------------------------------------------------------


@check(points=5, part="P3 softmax cross-entropy")
def softmax_grad_many(student, reference):
    """softmax_ce_grad is exact on 40 random logits up to +-30, for y = 0 and y = 1"""
    rng = np.random.default_rng(102)
    for i in range(40):
        z1, z2 = (float(v) for v in np.round(rng.uniform(-30, 30, 2), 3))
        y = i % 2
        got, where = public.softmax_grad(student, z1, z2, y)
        expect_close(got, reference.answers.softmax_ce_grad(z1, z2, y), where, rtol=1e-7, atol=1e-12)


# -- Problem 4 ------------------------------------------------------------------------


@check(points=5, part="P4.2 one unit")
def one_unit_value(student, reference):
    """Problem 4.2: can one unit classify the four points?"""
    expect_equal(student.sign_network.ONE_UNIT_POSSIBLE, reference.sign_network.ONE_UNIT_POSSIBLE,
                 "ONE_UNIT_POSSIBLE")
