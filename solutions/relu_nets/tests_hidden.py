"""Hidden checks of `relu_nets`: the answers' values, the gates' fine print, backprop's fine print.

These never leave the grader. Exact answers are compared with the reference's
constants; gates are judged by the grader on points near and on the decision
boundaries, from 1e-9 to 1e6 away, and far from the origin.
"""
import numpy as np

from grader.checks import as_array, check, expect, expect_close, expect_equal, sibling
from grader.checks.truth_table import expect_decision, far_away, near_axes

public = sibling(__file__, "tests_public")


# -- Questions 1 to 5: the values -----------------------------------------------------


@check(points=1, part="Q1")
def q1_values(student):
    """q1_shapes(k): W2 is (1, k), b1 is (k,) or (k, 1), b2 is (1,) or (1, 1)"""
    for k in (1, 3, 10):
        got = student.answers.q1_shapes(k)
        expect(isinstance(got, dict), f"q1_shapes({k}): expected a dict, got {got!r}"[:200])
        allowed = {"W2": [(1, k)], "b1": [(k,), (k, 1)], "b2": [(1,), (1, 1)]}
        for key, shapes in allowed.items():
            value = got.get(key)
            shape = tuple(value) if public.is_shape(value) else value
            expect(shape in shapes, f"q1_shapes({k})[{key!r}]: expected "
                   f"{' or '.join(map(str, shapes))}, got {value!r}")


@check(points=0.5, part="Q2")
def q2_general_network(student):
    """q2_forward works for vector inputs and outputs and unequal widths"""
    rng = np.random.default_rng(101)
    public.expect_forward(student, (3, 5, 4, 2), rng.standard_normal((6, 3)) * 2, rng)
    public.expect_forward(student, (1, 1, 1, 1), [-1.5, 0.25, 2.0], rng)


def expect_answers(student, reference, names):
    for name in names:
        expect_equal(getattr(student.answers, name), getattr(reference.answers, name), name)


@check(points=1, part="Q3")
def q3_values(student, reference):
    """Q3: is the output of a ReLU network with l >= 2 convex in x? concave?"""
    expect_answers(student, reference, ["Q3_CONVEX", "Q3_CONCAVE"])


@check(points=1, part="Q4a")
def q4a_value(student, reference):
    """Q4a: how many discontinuities the output can have"""
    expect_answers(student, reference, ["Q4A_MAX_DISCONTINUITIES"])


@check(points=1, part="Q4b")
def q4b_value(student, reference):
    """Q4b: the output is always linear, piecewise-linear or polynomial"""
    expect_answers(student, reference, ["Q4B_FORM"])


@check(points=0.5, part="Q4c")
def q4c_differentiable(student, reference):
    """Q4c and Q4c.i: differentiable everywhere? the fewest non-differentiable points"""
    expect_answers(student, reference, ["Q4C_ALWAYS_DIFFERENTIABLE", "Q4C_MIN_NONDIFF_POINTS"])


@check(points=0.5, part="Q4c")
def q4c_two_layers(student, reference):
    """Q4c.ii: the most non-differentiable points of a width-k two-layer network"""
    for k in (1, 2, 5, 100):
        got = student.answers.q4c_max_nondiff_points_two_layer(k)
        expect_equal(got, reference.answers.q4c_max_nondiff_points_two_layer(k),
                     f"q4c_max_nondiff_points_two_layer({k})")


@check(points=0.5, part="Q4c")
def q4c_growth(student, reference):
    """Q4c.iii: how the most non-differentiable points grow with depth l"""
    expect_answers(student, reference, ["Q4C_GROWTH_IN_DEPTH"])


@check(points=0.5, part="Q4c")
def q4c_efficiency(student, reference):
    """Q4c.iv: can deeper networks be more efficient approximators?"""
    expect_answers(student, reference, ["Q4C_DEEPER_MORE_EFFICIENT"])


@check(points=1, part="Q4d")
def q4d_value(student, reference):
    """Q4d: is a tanh network differentiable at every input?"""
    expect_answers(student, reference, ["Q4D_TANH_ALWAYS_DIFFERENTIABLE"])


@check(points=1, part="Q5")
def q5b_value(student, reference):
    """Q5b: can a width-2 network without biases have 2 non-differentiable points?"""
    expect_answers(student, reference, ["Q5B_TWO_KINKS_POSSIBLE"])


@check(points=0, part="Q5 bonus")
def q5d_value(student, reference):
    """Bonus Q5d: can a width-2 network without biases be neither convex nor concave?"""
    expect_answers(student, reference, ["Q5D_NEITHER_POSSIBLE"])


# -- Question 7: near the boundaries and far away ---------------------------------------

FINE_POINTS = np.vstack([near_axes(), far_away()])


@check(points=1, part="Q7a OR")
def or_fine_points(student):
    """or_gate is right on the lines x1 = 0 and x2 = 0, from 1e-9 to 1e6 off them, and far away"""
    expect_decision(public.gate(student, "or_gate"), public.OR, FINE_POINTS, "or_gate()")


@check(points=1, part="Q7b XOR")
def xor_fine_points(student):
    """xor_gate is right on the lines x1 = 0 and x2 = 0, from 1e-9 to 1e6 off them, and far away"""
    expect_decision(public.gate(student, "xor_gate"), public.XOR, FINE_POINTS, "xor_gate()")


# -- Question 8: autograd, step(0) = 1, speed ------------------------------------------


def autograd_grad(W, x):
    """dL/dW by torch autograd in float64."""
    import torch
    W_ = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    u = torch.relu(W_ @ torch.tensor(x, dtype=torch.float64))
    v = u + W_ @ u
    (0.5 * v @ v).backward()
    return W_.grad.numpy()


@check(points=0.5, part="Q8 backprop")
def grad_w_autograd(student):
    """grad_W(W, x) matches torch autograd for d = 1, 3, 8 and 40"""
    rng = np.random.default_rng(102)
    for d in (1, 3, 8, 40):
        W, x = public.away_from_kinks(d, rng, margin=1e-3)
        expect_close(student.backprop.grad_W(W, x), autograd_grad(W, x),
                     f"grad_W(W, x) for d = {d} (vs torch autograd, no (W x)_k within 1e-3 of 0)",
                     rtol=1e-6, atol=1e-9)


def closed_form(W, x):
    """The homework's v (x) u + diag(step(y)) (I + W^T) v (x) x with step(0) = 1."""
    y = W @ x
    u = public.relu(y)
    v = u + W @ u
    return np.outer(v, u) + np.outer((y >= 0) * (v + W.T @ v), x)


@check(points=0.5, part="Q8 backprop")
def grad_w_step_at_zero(student):
    """grad_W uses the homework's step(0) = 1 where (W x)_k is exactly 0"""
    W = np.array([[2.0, -1.0, 0.0], [1.0, 1.0, 1.0], [0.5, -1.0, 2.0]])
    x = np.array([1.0, 2.0, 1.5])  # (W x)[0] = 0 exactly; the other entries are 4.5 and 1.5
    expect_close(student.backprop.grad_W(W, x), closed_form(W, x),
                 "grad_W(W, x) with (W x)[0] = 0 exactly (row 0 of the gradient needs step(0) = 1)")


@check(points=0.5, part="Q8 backprop")
def grad_w_speed(student, reference_process):
    """grad_W for d = 400 runs within 10x of the reference's time"""
    rng = np.random.default_rng(103)
    W, x = rng.standard_normal((400, 400)) / 20, rng.standard_normal(400)
    reference_seconds = best_time(reference_process, W, x)
    seconds = [reference_seconds, best_time(student, W, x, give_up_after=30 * reference_seconds)]
    ratio = seconds[1] / max(seconds[0], 1e-9)
    expect(ratio <= 10, f"grad_W(W, x) for d = 400, 20 calls: took {seconds[1]:.3f} s, {ratio:.0f}x the "
           f"reference's {seconds[0]:.3f} s (limit 10x); use outer products and matrix-vector "
           "products, not Python loops over entries or d x d x d matrix products")


def best_time(impl, W, x, times=20, give_up_after=np.inf):
    """The best of 3 timings of `times` calls, or the first one if it is over give_up_after seconds."""
    W, x = impl.keep(W), impl.keep(x)
    grad_w = impl.backprop.grad_W
    as_array(grad_w(W, x), "grad_W(W, x) for d = 400", (400, 400))
    best = np.inf
    for _ in range(3):
        best = min(best, impl.seconds(grad_w, W, x, times=times))
        if best > give_up_after:
            break
    return best
