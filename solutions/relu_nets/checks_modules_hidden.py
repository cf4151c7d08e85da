"""Hidden checks of `relu_nets` modules.py (questions 10, 11 and 14): wider shapes, the reference, real data.

These never leave the grader. They reuse the public probes (checks_modules.py,
or tests_public.py once the two are merged) and compare training runs with the
reference solution run in the grader's own process on the same data and seeds.
"""
from pathlib import Path

import numpy as np

from grader.checks import as_array, check, expect, sibling

# The public checks of modules.py: their own file, or merged into tests_public.py.
public = sibling(__file__, "checks_modules" if Path(__file__).with_name("checks_modules.py").exists()
                 else "tests_public")

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
        public.backward_of(layer.backward, student.tensor(g1))
        public.backward_of(layer.backward, student.tensor(g2))
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
        got = public.backward_of(layer.backward, student.tensor(upstream))
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
    from grader import training
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
