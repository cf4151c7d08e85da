"""Hidden checks of `relu_nets`: the answers' values, the gates' fine print, backprop's fine print,
and modules.py on wider shapes, against the reference and on real data.

These never leave the grader. Exact answers are compared with the reference's
constants; gates are judged by the grader on points near and on the decision
boundaries, from 1e-9 to 1e6 away, and far from the origin. The modules.py
checks reuse the public probes of tests_public.py and compare training runs
with the reference solution run in the grader's own process on the same data
and seeds.
"""
import numpy as np

from grader.checks import (as_array, best_time, check, expect, expect_close, expect_equal, expect_fast,
                           expect_form, sibling, worker_module)
from grader.checks.rules import expect_no_python_loops
from grader.checks.truth_table import expect_decision, far_away, near_axes

training = worker_module(__file__, "training")
public = sibling(__file__, "tests_public")


# -- Questions 1 to 5: the values -----------------------------------------------------


@check(points=1, part="Q1")
def q1_values(student):
    """q1_shapes(k): W2 is (1, k), b1 is (k,) or (k, 1), b2 is (1,) or (1, 1)"""
    for k in (1, 3, 10):
        got = student.answers.q1_shapes(k)
        expect_form(isinstance(got, dict), f"q1_shapes({k})", "a dict", got)
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


@check(points=0.5, part="Q8 backprop")
def grad_w_step_at_zero(student):
    """grad_W uses the homework's step(0) = 1 where (W x)_k is exactly 0"""
    W = np.array([[2.0, -1.0, 0.0], [1.0, 1.0, 1.0], [0.5, -1.0, 2.0]])
    x = np.array([1.0, 2.0, 1.5])  # (W x)[0] = 0 exactly; the other entries are 4.5 and 1.5
    expect_close(student.backprop.grad_W(W, x), public.closed_form(W, x),
                 "grad_W(W, x) with (W x)[0] = 0 exactly (row 0 of the gradient needs step(0) = 1)")


@check(points=0.5, part="Q8 backprop")
def grad_w_speed(student, reference_process, sources):
    """grad_W is vectorised: no Python loops, and within 10x of the reference's time for d = 400"""
    # a row loop over d can still run within 10x of the reference (one numpy call per row), so
    # the source is read for loops and grad_W's Python calls are counted at two sizes as well
    expect_no_python_loops(student, sources, "backprop.py", "grad_W", loop_probe)
    rng = np.random.default_rng(103)
    W, x = rng.standard_normal((400, 400)) / 20, rng.standard_normal(400)
    reference_seconds = grad_w_time(reference_process, W, x)
    seconds = grad_w_time(student, W, x, give_up_after=30 * reference_seconds)
    expect_fast(seconds, reference_seconds, "grad_W(W, x) for d = 400, 20 calls",
                "use outer products and matrix-vector products, not Python loops over entries or "
                "d x d x d matrix products")


def loop_probe(d):
    """(W, x) of size d for counting grad_W's Python calls."""
    rng = np.random.default_rng(d)
    return rng.standard_normal((d, d)) / np.sqrt(d), rng.standard_normal(d)


def grad_w_time(impl, W, x, times=20, give_up_after=np.inf):
    """The best of 3 timings of `times` calls, or the first one if it is over give_up_after seconds."""
    W, x = impl.keep(W), impl.keep(x)
    grad_w = impl.backprop.grad_W
    as_array(grad_w(W, x), "grad_W(W, x) for d = 400", (400, 400))
    return best_time(lambda: impl.seconds(grad_w, W, x, times=times), give_up_after=give_up_after)


# == modules.py (Questions 10, 11 and 14) =============================================

SHAPES = [(1, 1, 1), (1, 7, 3), (16, 10, 1), (33, 20, 12)]  # (batch, in_features, out_features)


# -- Q10: modules on more shapes -------------------------------------------------------


@check(points=0.5, part=public.LINEAR_FORWARD)
def linear_forward_shapes(student):
    """Linear holds weight (out, in) and bias (out,), and forward is right for batch 1 and width 1"""
    layer = student.modules.Linear(7, 3)
    as_array(layer.weight, "Linear(7, 3).weight right after construction", (3, 7))
    as_array(layer.bias, "Linear(7, 3).bias right after construction", (3,))
    rng = np.random.default_rng(121)
    for batch, n_in, n_out in SHAPES:
        W, b, x = rng.standard_normal((n_out, n_in)), rng.standard_normal(n_out), rng.standard_normal((batch, n_in))
        public.expect_linear_forward(student, W, b, x, f"Linear({n_in}, {n_out}).forward(x) for x of shape "
                                     f"({batch}, {n_in})")


@check(points=0.5, part=public.LINEAR_BACKWARD)
def linear_backward_shapes(student, sources):
    """Linear.backward is right for batch 1, width 1 and wide layers, and sets fresh gradients each call"""
    public.expect_no_autograd(sources, "Linear")
    rng = np.random.default_rng(122)
    for batch, n_in, n_out in SHAPES:
        W, b, x = rng.standard_normal((n_out, n_in)), rng.standard_normal(n_out), rng.standard_normal((batch, n_in))
        public.expect_linear_backward(student, W, b, x, rng.standard_normal((batch, n_out)),
                                      f"Linear({n_in}, {n_out}) on x of shape ({batch}, {n_in})")
    W, b, x = rng.standard_normal((3, 4)), rng.standard_normal(3), rng.standard_normal((5, 4))
    g1, g2 = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    with public.autograd_off(student):
        layer = public.linear_with(student, W, b)
        layer.forward(student.tensor(x))
        public.backward_of(student, "Linear(4, 3).backward(g1)", layer.backward, student.tensor(g1))
        public.backward_of(student, "Linear(4, 3).backward(g2)", layer.backward, student.tensor(g2))
        got_W, got_b = layer.grad_weight, layer.grad_bias
    where = "Linear(4, 3): grad_weight and grad_bias after forward(x) and two backward calls"
    public.expect_close(got_W, g2.T @ x, f"{where} (backward sets the gradients of its last call)",
                        public.RTOL, public.ATOL)
    public.expect_close(got_b, g2.sum(axis=0), f"{where} (backward sets the gradients of its last call)",
                        public.RTOL, public.ATOL)


@check(points=0.5, part=public.RELU_BACKWARD)
def relu_backward_shapes(student, sources):
    """ReLU.backward is right on many shapes, a 3-d batch among them, with a fresh mask each forward"""
    public.expect_no_autograd(sources, "ReLU")
    rng = np.random.default_rng(123)
    for shape in [(1, 1), (5, 17), (64, 3), (2, 3, 4)]:
        x = public.off_kink_normal(shape, rng)
        public.expect_relu_backward(student, x, rng.standard_normal(shape), f"ReLU on x of shape {shape}")
    x1, x2 = public.off_kink_normal((4, 6), rng), public.off_kink_normal((4, 6), rng)
    upstream = rng.standard_normal((4, 6))
    with public.autograd_off(student):
        layer = student.modules.ReLU()
        layer.forward(student.tensor(x1))
        layer.forward(student.tensor(x2))
        got = public.backward_of(student, "ReLU.backward after two forward calls", layer.backward,
                                 student.tensor(upstream))
    public.expect_close(got, upstream * (x2 > 0), "ReLU.backward after two forward calls: the mask of the "
                        "last input", public.RTOL, public.ATOL)


@check(points=0.5, part=public.LOSS_BACKWARD)
def cross_entropy_backward_batches(student, sources):
    """CrossEntropyLoss averages over batches of 1 to 64 and 2 to 10 classes, also for large logits"""
    public.expect_no_autograd(sources, "CrossEntropyLoss")
    rng = np.random.default_rng(124)
    for batch, classes, scale in [(1, 2, 1.0), (64, 10, 1.0), (5, 3, 30.0)]:
        logits, targets = rng.standard_normal((batch, classes)) * scale, rng.integers(0, classes, batch)
        public.expect_cross_entropy(student, logits, targets,
                                    f"CrossEntropyLoss on logits ({batch}, {classes}) of size ~{scale:g}")


# -- Q11: the training loop against the reference --------------------------------------


@check(points=0.5, part=public.TRAINING_LOOP)
def train_epoch_shuffled_epochs(student, reference):
    """Three epochs of train_epoch on a reshuffled loader match the reference step for step"""
    x, y = public.small_problem(131, count=40, features=5, classes=3)
    settings = dict(weights=training.initial_weights((5, 7, 6, 3), 131), train_x=x, train_y=y, lr=0.3,
                    batch_size=10, epochs=3, shuffle_seed=7, layers="grader", device="cpu", dtype="float64")
    got = public.training_run(student, "train_epoch(model, loss_fn, loader, lr)", **settings)
    expected = public.training_run(reference, "the reference", **settings)
    public.expect_same_run(got, expected, "3 epochs of train_epoch(model, loss_fn, loader, lr=0.3) on 40 "
                           "samples in reshuffled batches of 10, a 5-7-6-3 MLP of the grader's layers")


@check(points=0.5, part=public.TRAINING_LOOP)
def training_loop_learns_digits(student, reference):
    """train_epoch trains the grader's layers on the 8x8 digits as well as the reference's loop does"""
    accuracy, run = public.digits_run(student, "grader", "auto")
    expected = reference_digits_accuracy(reference)
    floor = expected - public.ACCURACY_MARGIN
    expect(accuracy >= floor, f"your train_epoch on the grader's layers: {public.digits_summary(accuracy, run)}; "
           f"expected at least {floor:.1%} (the reference reaches {expected:.1%} from the same start)")
    return f"{public.digits_summary(accuracy, run)} (the reference: {expected:.1%})"


_reference_accuracy = {}


def reference_digits_accuracy(reference):
    """The reference's loop on the grader's layers, same data and start (deterministic: once per reference)."""
    key = str(reference.directory)
    if key not in _reference_accuracy:
        _reference_accuracy[key] = public.digits_run(reference, "grader", "cpu")[0]
    return _reference_accuracy[key]


# -- Q14: data augmentation in detail -----------------------------------------------------


@check(points=0.5, part=public.AUGMENTATION)
def random_crop_padding_and_labels(student):
    """make_datasets keeps the labels, pads by exactly 4 pixels, and crops anew on every read"""
    from grader.datasets import cifar10
    indices = [1, 4, 6, 11, 19]
    train, offsets = public.augmentation_report(student, indices, draws=10, seed=1)
    labels = cifar10.folder_contents(public.CIFAR_SEED, public.PER_BATCH, public.TEST_IMAGES)["train"][1]
    expect(train["labels"] == [int(labels[i]) for i in indices],
           f"train_set labels at {indices}: expected {[int(labels[i]) for i in indices]}, got {train['labels']}")
    largest = max(max(abs(dy), abs(dx)) for dy, dx, _ in offsets)
    expect(largest == public.MAX_SHIFT, f"over {len(offsets)} reads of training images the crop moved at most "
           f"{largest} pixels: RandomCrop(32, padding=4) moves it up to 4")
    for index in indices:
        seen = {o[:2] for o in offsets[indices.index(index) * 10:(indices.index(index) + 1) * 10]}
        expect(len(seen) > 1, f"train_set[{index}] came at the same crop position in 10 reads: "
               "crop anew on every read (a transform, not a crop made once)")
