"""Hidden checks of `expressivity`: the fine print of every part, against the reference where it decides.

These never leave the grader. They reuse the probes of tests_public.py on
more inputs: the box near both of its edges and far away for many heights
and widths, approximate on smooth functions the public checks do not show,
softmax and its Jacobian on large logits and other sizes, a short training
run of the student's whole Question 4 on digit images in FashionMNIST's
format (the held-out labels stay here), and back-propagation against torch
autograd and the reference's speed.
"""
import time

import numpy as np

from grader.checks import (as_array, best_time, check, expect, expect_close, expect_equal, expect_fast, named,
                           sibling, worker_module)

public = sibling(__file__, "tests_public")
fashion = worker_module(__file__, "fashion")

# -- Question 1 ----------------------------------------------------------------------------


@check(points=0.5, part="Q1a l1 loss")
def l1_loss_shapes(student):
    """l1_loss is right for one point, one feature, many points, and large values"""
    rng = np.random.default_rng(101)
    for n, d, scale in [(1, 1, 1.0), (1, 4, 1.0), (7, 1, 1.0), (200, 9, 1.0), (30, 3, 1e4)]:
        public.expect_l1_loss(student, scale * rng.standard_normal((n, d)), scale * rng.standard_normal(n),
                              rng.standard_normal(d))


@check(points=1, part="Q1b closed form")
def l1_closed_form_value(student, reference):
    """Q1b: does the l1 loss have a closed-form minimiser, as least squares does?"""
    expect_equal(student.answers.L1_HAS_CLOSED_FORM, reference.answers.L1_HAS_CLOSED_FORM, "L1_HAS_CLOSED_FORM")


# -- Question 2a: the box near its edges and far away --------------------------------------

BOXES = [(1.0, 1.0), (-2.5, 0.5), (1e-3, 3.0), (1e3, 1e-3), (3.7, 40.0), (-0.2, 2.25)]  # (h, delta)
EDGE_OFFSETS = np.array([1e-9, 1e-6, 1e-3, 0.1])  # relative to delta


def fine_points(delta):
    """Both sides of x = 0 and x = delta from 1e-9 delta on, 1e-12 from 0, inside, and far away."""
    near_zero = delta * np.concatenate([EDGE_OFFSETS, -EDGE_OFFSETS])
    near_delta = delta * (1 + np.concatenate([EDGE_OFFSETS, -EDGE_OFFSETS]))
    tiny = [1e-12, -1e-12] if 1e-12 <= 1e-9 * delta else []
    inside = delta * np.linspace(0.05, 0.95, 19)
    far = np.array([1e3, 1e6]) * max(delta, 1.0)
    return np.concatenate([near_zero, near_delta, tiny, inside, far, -far])


@check(points=0.5, part="Q2a box")
def box_near_edges(student):
    """box_network is right from 1e-9 delta to 1e6 away from its edges, for heights of both signs and many widths"""
    for h, delta in BOXES:
        layers, where = public.box(student, h, delta)
        public.expect_box(layers, h, delta, fine_points(delta), where)


# -- Question 2b: smooth functions the public checks do not show ------------------------------

HIDDEN_FUNCTIONS = [
    ([["gauss", 2.0, 0.3, 0.5]], 1.5),                           # a bump
    ([["const", -1.0], ["tanh", 3.0, 4.0, -0.2]], 1.0),          # a steep, negative step
    ([["sin", -2.0, 0.5, 1.0], ["gauss", 1.0, -4.0, 2.0]], 10.0),  # a wide interval
    ([["sin", 1.0, 20.0, 0.3]], 0.25),                           # a narrow one, a fast wave
    ([["poly", 0.2, -1.0, 0.0, 0.3]], 3.0),                       # a cubic, far from 0 at the ends
]


@check(points=0.5, part="Q2b approximation")
def approximate_hidden_functions(student):
    """approximate(f, B, n) meets 4 B max|f'| / n for several smooth functions, intervals and odd n"""
    for description, B in HIDDEN_FUNCTIONS:
        public.expect_approximation(student, description, B, ns=(4, 5, 16, 63, 250))


# -- Question 3: large logits, other sizes ---------------------------------------------------


@check(points=0.25, part="Q3 softmax")
def softmax_stable_everywhere(student):
    """softmax is right for one logit, mixed logits of +-1e3, equal large logits and 50 logits in [-1e3, 1e3]"""
    rng = np.random.default_rng(103)
    for z in [[1000.0], [1000.0, -1000.0, 999.2, 0.0], [1e3] * 5, rng.uniform(-1e3, 1e3, 50),
              700.0 + rng.standard_normal(6)]:
        public.expect_softmax(student, z)


@check(points=1, part="Q3 Jacobian")
def jacobian_sizes_and_large_logits(student):
    """softmax_jacobian is right for 1, 2 and 10 logits, and for logits near 1e3"""
    rng = np.random.default_rng(104)
    for z in [[0.7], [2.0, -1.0], rng.standard_normal(10), [1000.0, 999.0, 998.0, -1000.0]]:
        got, where = public.jacobian_of(student, z)
        y = public.softmax64(np.asarray(z, dtype=np.float64))
        expect(np.isfinite(got).all(), f"{where}: expected finite entries, got {public.show(got)}")
        expect_close(got, np.diag(y) - np.outer(y, y), f"{where} (J[i, j] = y_i (delta_ij - y_j))",
                     public.SOFTMAX_RTOL, public.SOFTMAX_ATOL)


# -- Question 4: the short training run --------------------------------------------------------

DIGITS = dict(seed=0, epochs=20, lr=0.1, batch_size=16)
ACCURACY_MARGIN = 0.05
TRAINING_BUDGET_S = 60  # the reference needs about 3 s on one CPU core


def digits_run(impl):
    """(held-out accuracy, history, seconds, device) of impl's build_mlp + train on the 28x28 digits.

    The worker gets the training images and labels and the held-out images; the
    held-out labels stay here. The grader times the train call itself.
    """
    # By name, not through fashion_mnist.digits_28x28: the autograder's build installs scikit-learn
    # where the checks import grader.datasets.embedded.
    from grader.datasets.embedded import load_digits_split
    from grader.datasets.fashion_mnist import upscale_digits

    (train_rows, train_y), (test_rows, test_y) = load_digits_split(seed=DIGITS["seed"])
    train_x, test_x = upscale_digits(train_rows), upscale_digits(test_rows)
    probe = impl.worker("fashion")
    root = probe.image_folder(train_x, train_y, test_x)
    loader = probe.folder_loader(root, True, DIGITS["batch_size"], DIGITS["seed"])
    with named("build_mlp()"):
        model = probe.seeded_model(impl.fashion_mlp, DIGITS["seed"])
    device = probe.device()
    started = time.perf_counter()
    history = impl.fashion_mlp.train(model, loader, DIGITS["epochs"], DIGITS["lr"], device)
    seconds = time.perf_counter() - started
    with named("the trained model on the held-out images"):
        logits = probe.held_out_logits(model, root)
    logits = as_array(logits, "the trained model's logits for the held-out images", (len(test_y), 10))
    return float(np.mean(logits.argmax(axis=1) == test_y)), history, seconds, device


_reference_accuracy = {}


def reference_accuracy(reference):
    """The reference's run on the same data and seed, once per grading process (it is deterministic).

    With one torch thread, as in the student's worker: the same arithmetic as a student's run of
    the same code, so the margin is left for code that differs, not for the threads.
    """
    import torch

    key = str(reference.directory)
    if key not in _reference_accuracy:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            _reference_accuracy[key] = digits_run(reference)[0]
        finally:
            torch.set_num_threads(threads)
    return _reference_accuracy[key]


@check(points=0.5, part="Q4 training run")
def digits_training_run(student, reference):
    """Your build_mlp and train learn 28x28 digit images as well as the reference, within the time budget"""
    accuracy, _, seconds, device = digits_run(student)  # the history is train_history's to judge
    what = (f"build_mlp() trained by train(model, loader, epochs={DIGITS['epochs']}, lr={DIGITS['lr']}, "
            f"device={device!r}) on 1437 digit images (28x28, FashionMNIST's format) in batches of "
            f"{DIGITS['batch_size']}")
    expect(seconds <= TRAINING_BUDGET_S, f"{what}: took {seconds:.1f} s, over the budget of "
           f"{TRAINING_BUDGET_S} s (the reference needs a few seconds)")
    expected = reference_accuracy(reference)
    floor = expected - ACCURACY_MARGIN
    summary = f"held-out accuracy {accuracy:.1%} in {seconds:.1f} s"
    expect(accuracy >= floor, f"{what}: {summary}; expected at least {floor:.1%} (the reference reaches "
           f"{expected:.1%} from the same seed)")
    return f"{summary} on {device} (the reference: {expected:.1%})"


# -- Question 5: more shapes, autograd, speed ----------------------------------------------------

SCRATCH_SHAPES = [(1, 1, 1, 2), (10, 4, 8, 3), (64, 20, 32, 10), (3, 784, 16, 10)]  # (n, d, h, c)


@check(points=0.5, part="Q5 forward")
def forward_shapes(student):
    """forward is right for one sample, one feature, one hidden unit and wide inputs"""
    rng = np.random.default_rng(105)
    for n, d, h, c in SCRATCH_SHAPES:
        params, X, _ = public.scratch_problem(rng, n, d, h, c, margin=1e-3)
        public.expect_scratch_forward(student, params, X)


def autograd_gradients(params, X, y):
    """The gradients of the mean cross-entropy by torch autograd, float64."""
    import torch

    tensors = {name: torch.tensor(value, requires_grad=True) for name, value in params.items()}
    hidden = torch.relu(torch.tensor(X) @ tensors["W1"].T + tensors["b1"])
    logits = hidden @ tensors["W2"].T + tensors["b2"]
    torch.nn.functional.cross_entropy(logits, torch.tensor(y)).backward()
    return {name: tensor.grad.numpy() for name, tensor in tensors.items()}


@check(points=1, part="Q5 gradients")
def gradients_autograd(student):
    """gradients match torch autograd for one sample, one hidden unit, two classes and wide inputs"""
    rng = np.random.default_rng(106)
    for n, d, h, c in SCRATCH_SHAPES:
        params, X, y = public.scratch_problem(rng, n, d, h, c, margin=1e-3)
        got, where = public.gradients_of(student, params, X, y)
        expected = autograd_gradients(params, X, y)
        for name in params:
            expect_close(got[name], expected[name], f'{where}["{name}"] (vs torch autograd of the mean '
                         "cross-entropy)", public.SCRATCH_RTOL, public.SCRATCH_ATOL)


SPEED = dict(n=4000, d=20, h=16, c=4, times=20)


def timed_gradients(impl, params, X, y, give_up_after=np.inf):
    params, X, y = impl.keep(params), impl.keep(X), impl.keep(y)
    gradients = impl.backprop_scratch.gradients
    return best_time(lambda: impl.seconds(gradients, params, X, y, times=SPEED["times"]),
                     give_up_after=give_up_after)


@check(points=0.5, part="Q5 speed")
def gradients_speed(student, reference_process):
    """gradients is vectorised: within 10x of the reference's time on a batch of 4000"""
    # Narrow layers and a wide batch: a loop over samples costs 100x and more, never borderline.
    params, X, y = public.scratch_problem(np.random.default_rng(107), SPEED["n"], SPEED["d"], SPEED["h"],
                                          SPEED["c"], margin=0.0)
    reference_seconds = timed_gradients(reference_process, params, X, y)
    seconds = timed_gradients(student, params, X, y, give_up_after=30 * reference_seconds)
    expect_fast(seconds, reference_seconds, f"gradients(params, X, y) for X of shape ({SPEED['n']}, "
                f"{SPEED['d']}), {SPEED['times']} calls", "use matrix products over the whole batch, not "
                "Python loops over samples")
