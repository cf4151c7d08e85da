"""Public checks of `relu_nets`: handed out, and run by `grader check relu_nets`.

Every expected value here is computed in the check itself (forward passes,
float64 central differences, truth tables the grader evaluates, PyTorch's own
functions and autograd), so these checks need no reference solution. The
answers that are a fact (yes/no, a count, a letter, a shape) are judged by
hidden checks; here only their form is.
Weight lists: [(W1, b1), (W2, b2), ...], W_i (outputs, inputs), b_i (outputs,).

modules.py (questions 10, 11 and 14): expected values come from PyTorch
itself, computed here in the grader in float64: torch.nn.functional for forward
passes, autograd for gradients, and the grader's own training loop
(worker/training.py) for train_epoch and evaluate. Your code runs in a sandbox;
tensors reach it as float64 torch tensors and what it returns comes back as
numbers. Your backward methods run with autograd switched off
(torch.set_grad_enabled(False)) and watched by PyTorch's profiler for autograd
at work (torch.func too), and modules.py, with the files it imports, is read
for uses of autograd: gradients must be computed by hand.
"""
import functools
import time
from contextlib import contextmanager

import numpy as np

from grader.checks import (as_array, check, counted_elsewhere, expect, expect_close, expect_form,
                           expect_gradient, expect_kind, hinted, named, worker_module)
from grader.checks.rules import autograd_during, autograd_findings
from grader.checks.truth_table import (Rule, as_weight_list, corners, evaluate, expect_architecture,
                                       expect_decision, grid, near_axes)

training = worker_module(__file__, "training")  # runs in your worker too: the training loops of the checks


def relu(z):
    return np.maximum(z, 0.0)


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
    expect_form(isinstance(got, dict) and set(got) == {"W2", "b1", "b2"}, "q1_shapes(3)",
                "a dict with keys 'W2', 'b1', 'b2'", got)
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
    expect_form(isinstance(result, (tuple, list)) and len(result) == 2, where, "a pair (W1, W2)", result)
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
    expect_form(isinstance(result, (tuple, list)) and len(result) == 3, where, "(x, theta0, theta1)", result)
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
# A first look at what the hidden checks try: points just off the lines x1 = 0 and x2 = 0.
NEAR_POINTS = near_axes(along=(-1.0, -0.01, 0.01, 1.0), distances=np.array([1e-4, 1e-2]))


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


@check(points=0, part="Q7a OR")
def or_near_the_lines(student):
    """or_gate is right 1e-4 and 1e-2 off the lines x1 = 0 and x2 = 0 (0 points: a first look)"""
    expect_decision(gate(student, "or_gate"), OR, NEAR_POINTS, "or_gate()")


@check(points=0.5, part="Q7b XOR")
def xor_architecture(student):
    """xor_gate has at most 3 layers, hidden widths at most 4, inputs (x1, x2) and one output"""
    expect_architecture(gate(student, "xor_gate"), "xor_gate()", max_layers=3, max_width=4, input_size=2)


@check(points=0.5, part="Q7b XOR")
def xor_simple_points(student):
    """xor_gate: f(x) > 0 iff x1, x2 have opposite signs, on {0, 1}^2 and a grid of [-2, 2]^2"""
    expect_decision(gate(student, "xor_gate"), XOR, SIMPLE_POINTS, "xor_gate()")


@check(points=0, part="Q7b XOR")
def xor_near_the_lines(student):
    """xor_gate is right 1e-4 and 1e-2 off the lines x1 = 0 and x2 = 0 (0 points: a first look)"""
    expect_decision(gate(student, "xor_gate"), XOR, NEAR_POINTS, "xor_gate()")


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


def closed_form(W, x):
    """The homework's v (x) u + diag(step(y)) (I + W^T) v (x) x with step(0) = 1."""
    y = W @ x
    u = relu(y)
    v = u + W @ u
    return np.outer(v, u) + np.outer((y >= 0) * (v + W.T @ v), x)


@check(points=0, part="Q8 backprop")
def grad_w_step_at_zero_first_look(student):
    """grad_W uses the homework's step(0) = 1 where (W x)_k is exactly 0 (0 points: a first look)"""
    W, x = np.array([[1.0, -1.0], [0.5, 1.0]]), np.array([2.0, 2.0])  # (W x)[0] = 0 exactly
    expect_close(student.backprop.grad_W(W, x), closed_form(W, x),
                 "grad_W(W, x) with (W x)[0] = 0 exactly (row 0 of the gradient needs step(0) = 1)")


@check(points=1, part="Q8 backprop")
def grad_w_central_differences(student):
    """grad_W(W, x) matches float64 central differences of L"""
    W, x = away_from_kinks(5, np.random.default_rng(3))
    got = student.backprop.grad_W(W, x)
    expect_gradient(got, lambda W_: loss(W_, x), W, "grad_W(W, x) for d = 5, no (W x)_k within 0.05 of 0")


# == modules.py (Questions 10, 11 and 14): hand-written PyTorch modules ==================

RTOL, ATOL = 1e-5, 1e-6  # float64 inputs; room for a float32 step inside your code
LINEAR_FORWARD = "Q10a Linear.forward"
LINEAR_BACKWARD = "Q10b Linear.backward"
RELU_BACKWARD = "Q10c ReLU.backward"
LOSS_BACKWARD = "Q10d CrossEntropyLoss.backward"
TRAINING_LOOP = "Q11 Training loop"
AUGMENTATION = "Q14 Data augmentation"
NO_AUTOGRAD = "No autograd"
TRAINING_RUN = "Training run"
AUTOGRAD_ERRORS = ("require grad", "grad_fn", "autograd", "through the graph", "'NoneType' object has no attribute")
NO_AUTOGRAD_HINT = ("backward runs with autograd switched off (torch.set_grad_enabled(False)): "
                    "compute the gradient by hand, without .backward(), torch.autograd or torch.func")


# -- modules.py helpers ------------------------------------------------------------------


def torch_module():
    import torch  # imported when a check runs, not when the checks are listed
    return torch


def t(array):
    """A float64 (or int64) torch tensor in the grader, for expected values."""
    return torch_module().from_numpy(np.array(array))


def numbers(value):
    """A tensor computed here as a numpy array (values from the student are numpy already)."""
    torch = torch_module()
    return value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else value


def autograd_grads(function, *arrays):
    """(value, [d value / d array for each array]) by torch autograd, float64."""
    torch = torch_module()
    inputs = [t(a).requires_grad_() for a in arrays]
    value = function(*inputs)
    return value, [g.numpy() for g in torch.autograd.grad(value, inputs)]


@contextmanager
def autograd_off(impl):
    """Run the body with autograd switched off on the implementation's side."""
    side = impl.runtime("torch")
    side.set_grad_enabled(False)
    try:
        yield
    finally:
        with counted_elsewhere():  # the worker is gone; a fresh one starts with autograd on
            side.set_grad_enabled(True)


def backward_of(impl, what, call, *args):
    """A backward call's result, watched for autograd at run time; an error that autograd being
    off explains says so."""
    with hinted(AUTOGRAD_ERRORS, NO_AUTOGRAD_HINT):
        return autograd_during(impl, what, call, *args)


CONTRACT_CLASSES = ("Linear", "ReLU", "CrossEntropyLoss", "Sequential")


def expect_no_autograd(sources, name):
    found = autograd_findings(sources, "modules.py", (name,), CONTRACT_CLASSES)
    expect(not found, f"modules.py uses autograd where {name} (or a helper) computes its gradients "
                      f"({found}); {NO_AUTOGRAD_HINT}")


def linear_with(impl, W, b):
    """impl's Linear(in, out) with weight W and bias b set as float64 tensors."""
    layer = impl.modules.Linear(W.shape[1], W.shape[0])
    layer.weight = impl.tensor(W)
    layer.bias = impl.tensor(b)
    return layer


def off_kink_normal(shape, rng):
    """Normal samples at least 0.01 away from 0, where ReLU has no derivative."""
    z = rng.standard_normal(shape)
    return z + 0.01 * np.sign(z)


# -- Q10: modules ---------------------------------------------------------------------


def expect_linear_forward(impl, W, b, x, where):
    F = torch_module().nn.functional
    got = linear_with(impl, W, b).forward(impl.tensor(x))
    expect_close(got, numbers(F.linear(t(x), t(W), t(b))), where, RTOL, ATOL)


@check(points=0.5, part=LINEAR_FORWARD)
def linear_forward(student):
    """Linear.forward computes x W^T + b"""
    rng = np.random.default_rng(21)
    W, b, x = rng.standard_normal((3, 5)), rng.standard_normal(3), rng.standard_normal((4, 5))
    expect_linear_forward(student, W, b, x, "Linear(5, 3).forward(x) for x of shape (4, 5), "
                          "weight (3, 5), bias (3,), vs torch.nn.functional.linear")


def expect_linear_backward(impl, W, b, x, upstream, where):
    """grad_in, grad_weight and grad_bias of sum(upstream * forward) vs autograd, autograd off on impl's side."""
    F = torch_module().nn.functional
    _, (grad_x, grad_W, grad_b) = autograd_grads(lambda x_, W_, b_: (t(upstream) * F.linear(x_, W_, b_)).sum(),
                                                 x, W, b)
    with autograd_off(impl):
        layer = linear_with(impl, W, b)
        layer.forward(impl.tensor(x))
        grad_in = backward_of(impl, f"{where}: Linear.backward", layer.backward, impl.tensor(upstream))
        got_W, got_b = layer.grad_weight, layer.grad_bias
    expect_close(grad_in, grad_x, f"{where}: the returned gradient wrt x", RTOL, ATOL)
    expect_close(got_W, grad_W, f"{where}: .grad_weight (shape (out, in), like weight)", RTOL, ATOL)
    expect_close(got_b, grad_b, f"{where}: .grad_bias (summed over the batch)", RTOL, ATOL)


@check(points=0.5, part=LINEAR_BACKWARD)
def linear_backward(student, sources):
    """Linear.backward returns the gradient wrt x and sets grad_weight and grad_bias"""
    expect_no_autograd(sources, "Linear")
    rng = np.random.default_rng(22)
    W, b, x = rng.standard_normal((3, 5)), rng.standard_normal(3), rng.standard_normal((4, 5))
    expect_linear_backward(student, W, b, x, rng.standard_normal((4, 3)),
                           "Linear(5, 3).backward(grad_out) after forward(x (4, 5)), vs autograd")


def expect_relu_backward(impl, x, upstream, where):
    torch = torch_module()
    _, (expected,) = autograd_grads(lambda x_: (t(upstream) * torch.relu(x_)).sum(), x)
    with autograd_off(impl):
        layer = impl.modules.ReLU()
        out = layer.forward(impl.tensor(x))
        got = backward_of(impl, f"{where}: ReLU.backward", layer.backward, impl.tensor(upstream))
    expect_close(out, np.maximum(x, 0), f"{where}: ReLU.forward(x), which backward relies on", RTOL, ATOL)
    expect_close(got, expected, f"{where}: ReLU.backward(grad_out)", RTOL, ATOL)


@check(points=0.5, part=RELU_BACKWARD)
def relu_backward(student, sources):
    """ReLU.backward passes the gradient where the input was positive"""
    expect_no_autograd(sources, "ReLU")
    rng = np.random.default_rng(23)
    x = off_kink_normal((6, 5), rng)
    expect_relu_backward(student, x, rng.standard_normal((6, 5)),
                         "ReLU on x of shape (6, 5) (no entry within 0.01 of 0), vs autograd")


def expect_cross_entropy(impl, logits, targets, where):
    F = torch_module().nn.functional
    loss, (expected,) = autograd_grads(lambda z: F.cross_entropy(z, t(targets)), logits)
    with autograd_off(impl):
        loss_fn = impl.modules.CrossEntropyLoss()
        got_loss = loss_fn.forward(impl.tensor(logits), impl.tensor(targets))
        got = backward_of(impl, f"{where}: CrossEntropyLoss.backward", loss_fn.backward)
    expect_close(got_loss, float(loss.detach()), f"{where}: forward(logits, targets), the mean cross-entropy "
                 "over the batch (vs torch.nn.functional.cross_entropy)", RTOL, ATOL)
    expect_close(got, expected, f"{where}: backward(), the gradient of the mean loss wrt the logits",
                 RTOL, ATOL)


@check(points=0.5, part=LOSS_BACKWARD)
def cross_entropy_backward(student, sources):
    """CrossEntropyLoss: forward is the mean loss, backward its gradient wrt the logits"""
    expect_no_autograd(sources, "CrossEntropyLoss")
    rng = np.random.default_rng(24)
    logits, targets = rng.standard_normal((7, 4)), rng.integers(0, 4, 7)
    expect_cross_entropy(student, logits, targets, "CrossEntropyLoss on logits (7, 4), class indices (7,)")


@check(points=0, part=NO_AUTOGRAD)
def no_autograd_anywhere(sources):
    """modules.py computes gradients by hand: no torch.autograd, requires_grad or enable_grad"""
    expect("modules.py" in sources, "modules.py is missing from the submission")
    found = autograd_findings(sources, "modules.py", CONTRACT_CLASSES, CONTRACT_CLASSES)
    expect(not found, f"modules.py uses autograd: {found}. Every backward must compute its gradient by hand")


# -- Q11: the training loop -------------------------------------------------------------


def training_run(impl, what, **settings):
    """worker/training.py run_training on impl's side; its errors are named after `what`."""
    modules = None if impl is None else impl.modules
    if impl is None:
        return training.run_training(None, **settings)
    with named(what):
        return impl.worker("training").run_training(modules, **settings)


ACCURACY_ATOL = 1e-6  # an accuracy returned as a float32 tensor (correct / count) rounds at 6e-8


def expect_same_run(got, expected, where, params=True):
    for epoch, (g, e) in enumerate(zip(got["history"], expected["history"]), start=1):
        expect_close(g[0], e[0], f"{where}: the mean loss train_epoch returned for epoch {epoch}", RTOL, ATOL)
        expect_close(g[1], e[1], f"{where}: the accuracy train_epoch returned for epoch {epoch} "
                     "(a fraction in [0, 1], from each batch's logits before its step)", 0, ACCURACY_ATOL)
    if params:
        for number, (g, e) in enumerate(zip(got["params"], expected["params"])):
            name = f"{'W' if number % 2 == 0 else 'b'}{number // 2 + 1}"
            expect_close(g, e, f"{where}: {name} after training", RTOL, ATOL)


def small_problem(seed, count=24, features=6, classes=4):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((count, features)), rng.integers(0, classes, count)


@check(points=0.5, part=TRAINING_LOOP)
def train_epoch_sgd(student):
    """train_epoch runs SGD over the batches and returns (mean loss, accuracy)"""
    x, y = small_problem(31)
    settings = dict(weights=training.initial_weights((6, 8, 4), 31), train_x=x, train_y=y, lr=0.5,
                    batch_size=8, epochs=2, layers="grader", device="cpu", dtype="float64")
    got = training_run(student, "train_epoch(model, loss_fn, loader, lr)", **settings)
    expect_same_run(got, training_run(None, "", **settings),
                    "2 epochs of train_epoch(model, loss_fn, loader, lr=0.5) on 24 samples in batches of 8 "
                    "(the grader's Linear, ReLU and CrossEntropyLoss in your Sequential)")


@check(points=0.5, part=TRAINING_LOOP)
def evaluate_loss_and_accuracy(student):
    """evaluate returns (mean loss, accuracy) and leaves the model unchanged"""
    x, y = small_problem(32)
    weights = training.initial_weights((6, 8, 4), 32)
    settings = dict(weights=weights, train_x=x[:8], train_y=y[:8], lr=0.5, batch_size=8, epochs=0,
                    eval_x=x, eval_y=y, layers="grader", device="cpu", dtype="float64")
    got = training_run(student, "evaluate(model, loss_fn, loader)", **settings)
    expected = training_run(None, "", **settings)
    where = "evaluate(model, loss_fn, loader) on 24 samples in batches of 8"
    expect_close(got["evaluation"][0], expected["evaluation"][0], f"{where}: the mean loss", RTOL, ATOL)
    expect_close(got["evaluation"][1], expected["evaluation"][1], f"{where}: the accuracy (a fraction in [0, 1])",
                 0, ACCURACY_ATOL)
    for number, (g, e) in enumerate(zip(got["params"], expected["params"])):
        expect_close(g, e, f"{where}: parameter {number + 1} changed; evaluate must not train", 0, 0)


# -- The short training run: all of your code on real data -----------------------------

DIGITS = dict(sizes=(64, 64, 10), lr=0.1, batch_size=32, epochs=10, seed=0)
ACCURACY_MARGIN = 0.05
TRAINING_BUDGET_S = 30  # for the 10 epochs; the reference takes well under a second on a CPU


def digits_run(impl, layers, device):
    """Train on the 8x8 digits; (held-out accuracy computed here, the run's report)."""
    train_x, train_y, test_x, test_y = training.digits_data(DIGITS["seed"])
    settings = dict(weights=training.initial_weights(DIGITS["sizes"], DIGITS["seed"]), train_x=train_x,
                    train_y=train_y, lr=DIGITS["lr"], batch_size=DIGITS["batch_size"], epochs=DIGITS["epochs"],
                    shuffle_seed=DIGITS["seed"], predict_x=test_x, layers=layers, device=device, dtype="float32")
    what = f"training on the digits ({DIGITS['epochs']} epochs of train_epoch)"
    started = time.perf_counter()
    run = training_run(impl, what, **settings)
    # the grader's clock, not the worker's: a submission can patch the clock it runs beside
    run = {**run, "seconds": time.perf_counter() - started}
    logits = as_array(run.get("logits"), f"{what}: the model's logits for the held-out images",
                      (len(test_y), DIGITS["sizes"][-1]))
    expect(run["seconds"] <= TRAINING_BUDGET_S, f"{what}: took {run['seconds']:.1f} s, over the budget of "
           f"{TRAINING_BUDGET_S} s (the reference needs well under 1 s): use whole-batch tensor operations")
    return training.accuracy(logits, test_y), run


@functools.lru_cache(maxsize=None)
def grader_digits_accuracy():
    """The grader's own modules and loop from the same start (deterministic: computed once)."""
    return digits_run(None, "grader", "cpu")[0]


def digits_summary(accuracy, run):
    note = f" ({run['note']})" if run.get("note") else ""
    return (f"held-out accuracy {accuracy:.1%} after {DIGITS['epochs']} epochs on {run['device']}{note} "
            f"in {run['seconds']:.1f} s (budget {TRAINING_BUDGET_S} s)")


@check(points=0, part=TRAINING_RUN)
def train_on_digits(student):
    """Your modules and training loop train an MLP on the 8x8 digits (reported, not scored)"""
    expected = grader_digits_accuracy()
    accuracy, run = digits_run(student, "student", "auto")
    sizes = "-".join(map(str, DIGITS["sizes"]))
    expect(accuracy >= expected - ACCURACY_MARGIN,
           f"a {sizes} MLP built from your Linear, ReLU, CrossEntropyLoss and Sequential, trained by your "
           f"train_epoch (lr={DIGITS['lr']}, batches of {DIGITS['batch_size']}, the grader's starting weights): "
           f"{digits_summary(accuracy, run)}; expected at least {expected - ACCURACY_MARGIN:.1%} "
           f"(the grader's own modules reach {expected:.1%} from the same start)")
    return f"{digits_summary(accuracy, run)} (the grader's own modules: {expected:.1%})"


# -- Q14: data augmentation -------------------------------------------------------------

CIFAR_SEED, PER_BATCH, TEST_IMAGES = 14, 4, 6
MAX_SHIFT = 4
PIXEL_TOLERANCE = 1e-3  # pixels are multiples of 1/255 ~ 0.004


def cifar_items(impl, train_indices, val_indices, draws, seed):
    """make_datasets on a small generated CIFAR-10 folder, then items of both sets drawn `draws` times."""
    folder = impl.runtime("grader.datasets.cifar10")
    root = folder.write_cifar10_folder(None, CIFAR_SEED, PER_BATCH, TEST_IMAGES)
    folder.trust_folder(root)
    impl.runtime("torch").manual_seed(seed)
    sets = impl.modules.make_datasets(root, download=False)
    expect_form(isinstance(sets, (tuple, list)) and len(sets) == 2, "make_datasets(root)",
                "(train_set, val_set)", sets)
    train_set, val_set = sets
    return folder.draw_items(train_set, train_indices, draws), folder.draw_items(val_set, val_indices, 2)


def item_images(images, where, reads):
    """The images of data set items read `reads` = (items, draws) times, each (3, 32, 32); a wrong
    shape is reported for one item, as the student's code made it."""
    array = as_array(images, where)
    item = array.shape[len(reads):]
    expect(array.shape[:len(reads)] == tuple(reads) and item == (3, 32, 32),
           f"{where}: expected each item's image a tensor of shape (3, 32, 32), got shape {item} "
           "(use transforms.ToTensor() on the 32x32 RGB images)")
    return array


def as_chw(image):
    """uint8 (32, 32, 3) -> float (3, 32, 32) in [0, 1], what ToTensor gives."""
    return image.transpose(2, 0, 1).astype(np.float64) / 255


def channel_affine(got, originals, where):
    """Per-channel (scale, shift) with got = scale * ToTensor(image) + shift: ToTensor, maybe Normalize."""
    got = item_images(got, where, (len(originals),))
    x = np.stack([as_chw(o) for o in originals])
    scales, shifts = [], []
    for c in range(3):
        a, b = np.polyfit(x[:, c].ravel(), got[:, c].ravel(), 1)
        expect(a > 0 and np.abs(a * x[:, c] + b - got[:, c]).max() <= PIXEL_TOLERANCE * a,
               f"{where}: channel {c} is not the image's pixels (ToTensor, then at most a Normalize); "
               "the validation set must not be augmented")
        scales.append(a)
        shifts.append(b)
    return np.array(scales).reshape(3, 1, 1), np.array(shifts).reshape(3, 1, 1)


def crop_offset(image, original, fills):
    """(dy, dx, flipped) such that `image` is a 32x32 window at offset (dy, dx) of the original
    padded by MAX_SHIFT pixels of a fill value, or None."""
    base = as_chw(original)
    for fill in fills:
        padded = np.pad(base, ((0, 0), (MAX_SHIFT, MAX_SHIFT), (MAX_SHIFT, MAX_SHIFT)), constant_values=0)
        mask = np.pad(np.zeros_like(base), ((0, 0), (MAX_SHIFT, MAX_SHIFT), (MAX_SHIFT, MAX_SHIFT)),
                      constant_values=1)
        padded = padded + mask * fill
        for flipped in (False, True):
            source = padded[:, :, ::-1] if flipped else padded
            for dy in range(-MAX_SHIFT, MAX_SHIFT + 1):
                for dx in range(-MAX_SHIFT, MAX_SHIFT + 1):
                    window = source[:, MAX_SHIFT + dy:MAX_SHIFT + dy + 32, MAX_SHIFT + dx:MAX_SHIFT + dx + 32]
                    if np.abs(window - image).max() <= PIXEL_TOLERANCE:
                        return dy, dx, flipped
    return None


def augmentation_report(student, train_indices, draws, seed):
    """Check both sets on the generated folder; the crop offsets seen in the training set."""
    from grader.datasets import cifar10
    contents = cifar10.folder_contents(CIFAR_SEED, PER_BATCH, TEST_IMAGES)
    val_indices = list(range(TEST_IMAGES))
    train, val = cifar_items(student, train_indices, val_indices, draws, seed)
    sizes = (5 * PER_BATCH, TEST_IMAGES)
    expect((train["length"], val["length"]) == sizes,
           f"make_datasets on a CIFAR-10 folder with {sizes[0]} training and {sizes[1]} test images: "
           f"expected sets of {sizes[0]} and {sizes[1]} items (train=True, then train=False), "
           f"got {train['length']} and {val['length']}")
    val_images = as_array(val["images"], "val_set items")
    expect(np.abs(val_images[:, 0] - val_images[:, 1]).max() <= 1e-9,
           "val_set[i] changed between two reads: the validation set must have no random transform")
    scale, shift = channel_affine(val_images[:, 0], contents["test"][0], "val_set[i]")
    train_images = item_images(train["images"], "train_set items", (len(train_indices), draws))
    offsets = []
    for index, reads in zip(train_indices, train_images):
        for read in reads:
            found = crop_offset((read - shift) / scale, contents["train"][0][index], (0.0, -shift / scale))
            expect(found is not None,
                   f"train_set[{index}] is not a 32x32 crop of the image padded by at most {MAX_SHIFT} "
                   "pixels of zeros (transforms.RandomCrop(32, padding=4), then ToTensor)")
            offsets.append(found)
    expect(len({o[:2] for o in offsets}) > 1,
           f"train_set items read {len(offsets)} times all came at the same crop position {offsets[0][:2]}: "
           "the training set needs a random crop")
    return train, offsets


@check(points=0.5, part=AUGMENTATION)
def random_crop_only_in_training(student):
    """make_datasets: random 32x32 crops of zero-padded images in training, plain images in validation"""
    augmentation_report(student, [0, 9, 17], draws=6, seed=0)
