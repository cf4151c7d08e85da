"""Public checks of `relu_nets` modules.py (questions 10, 11 and 14): hand-written PyTorch modules.

Expected values come from PyTorch itself, computed here in the grader in
float64: torch.nn.functional for forward passes, autograd for gradients, and
the grader's own training loop (grader.training) for train_epoch and evaluate.
Your code runs in a sandbox; tensors reach it as float64 torch tensors and
what it returns comes back as numbers. Your backward methods run with autograd
switched off (torch.set_grad_enabled(False)), and modules.py is read for uses of
autograd: gradients must be computed by hand.
"""
import functools
from contextlib import contextmanager

import numpy as np

from grader.checks import CheckFailed, as_array, check, expect, expect_close
from grader.sandbox.runner import SandboxProblem, StudentError

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
                    "compute the gradient by hand, without .backward() or torch.autograd")


# -- Helpers --------------------------------------------------------------------------


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
        try:
            side.set_grad_enabled(True)
        except SandboxProblem:
            pass  # the worker is gone; a fresh one starts with autograd on


def backward_of(call, *args):
    """A backward call's result; an error that autograd being off explains says so."""
    try:
        return call(*args)
    except StudentError as problem:
        if any(sign in problem.error["message"] for sign in AUTOGRAD_ERRORS):
            raise CheckFailed(f"{problem}; {NO_AUTOGRAD_HINT}") from None
        raise


def autograd_findings(sources, classes=()):
    """Uses of autograd in modules.py inside `classes` or outside every class, as one line."""
    from grader.checks.static import autograd_uses, syntax_problem
    source = sources.get("modules.py")
    if source is None or syntax_problem(source, "modules.py"):
        return ""  # the import fails and says why
    found = [(line, what) for line, what, where in autograd_uses(source) if where is None or where in classes]
    return ", ".join(f"line {line}: {what}" for line, what in found[:5])


def expect_no_autograd(sources, name):
    found = autograd_findings(sources, (name,))
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
        grad_in = backward_of(layer.backward, impl.tensor(upstream))
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
        got = backward_of(layer.backward, impl.tensor(upstream))
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
        got = backward_of(loss_fn.backward)
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
    found = autograd_findings(sources, ("Linear", "ReLU", "CrossEntropyLoss", "Sequential"))
    expect(not found, f"modules.py uses autograd: {found}. Every backward must compute its gradient by hand")


# -- Q11: the training loop -------------------------------------------------------------


def training_run(impl, what, **settings):
    """grader.training.run_training on impl's side; its errors are named after `what`."""
    modules = None if impl is None else impl.modules
    if impl is None:
        from grader import training
        return training.run_training(None, **settings)
    try:
        return impl.runtime("grader.training").run_training(modules, **settings)
    except StudentError as problem:
        raise StudentError(what, problem.error) from None


def expect_same_run(got, expected, where, params=True):
    for epoch, (g, e) in enumerate(zip(got["history"], expected["history"]), start=1):
        expect_close(g[0], e[0], f"{where}: the mean loss train_epoch returned for epoch {epoch}", RTOL, ATOL)
        expect_close(g[1], e[1], f"{where}: the accuracy train_epoch returned for epoch {epoch} "
                     "(a fraction in [0, 1], from each batch's logits before its step)", 0, 1e-9)
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
    from grader import training
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
    from grader import training
    x, y = small_problem(32)
    weights = training.initial_weights((6, 8, 4), 32)
    settings = dict(weights=weights, train_x=x[:8], train_y=y[:8], lr=0.5, batch_size=8, epochs=0,
                    eval_x=x, eval_y=y, layers="grader", device="cpu", dtype="float64")
    got = training_run(student, "evaluate(model, loss_fn, loader)", **settings)
    expected = training_run(None, "", **settings)
    where = "evaluate(model, loss_fn, loader) on 24 samples in batches of 8"
    expect_close(got["evaluation"][0], expected["evaluation"][0], f"{where}: the mean loss", RTOL, ATOL)
    expect_close(got["evaluation"][1], expected["evaluation"][1], f"{where}: the accuracy (a fraction in [0, 1])",
                 0, 1e-9)
    for number, (g, e) in enumerate(zip(got["params"], expected["params"])):
        expect_close(g, e, f"{where}: parameter {number + 1} changed; evaluate must not train", 0, 0)


# -- The short training run: all of your code on real data -----------------------------

DIGITS = dict(sizes=(64, 64, 10), lr=0.1, batch_size=32, epochs=10, seed=0)
ACCURACY_MARGIN = 0.05
TRAINING_BUDGET_S = 30  # for the 10 epochs; the reference takes well under a second on a CPU


def digits_run(impl, layers, device):
    """Train on the 8x8 digits; (held-out accuracy computed here, the run's report)."""
    from grader import training
    train_x, train_y, test_x, test_y = training.digits_data(DIGITS["seed"])
    settings = dict(weights=training.initial_weights(DIGITS["sizes"], DIGITS["seed"]), train_x=train_x,
                    train_y=train_y, lr=DIGITS["lr"], batch_size=DIGITS["batch_size"], epochs=DIGITS["epochs"],
                    shuffle_seed=DIGITS["seed"], predict_x=test_x, layers=layers, device=device, dtype="float32")
    what = f"training on the digits ({DIGITS['epochs']} epochs of train_epoch)"
    run = training_run(impl, what, **settings)
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
    expect(isinstance(sets, (tuple, list)) and len(sets) == 2,
           f"make_datasets(root) must return (train_set, val_set), got {sets!r}"[:200])
    train_set, val_set = sets
    return folder.draw_items(train_set, train_indices, draws), folder.draw_items(val_set, val_indices, 2)


def as_chw(image):
    """uint8 (32, 32, 3) -> float (3, 32, 32) in [0, 1], what ToTensor gives."""
    return image.transpose(2, 0, 1).astype(np.float64) / 255


def channel_affine(got, originals, where):
    """Per-channel (scale, shift) with got = scale * ToTensor(image) + shift: ToTensor, maybe Normalize."""
    shape = (len(originals), 3, 32, 32)
    got = as_array(got, f"{where} (each item a tensor of shape (3, 32, 32): use transforms.ToTensor())", shape)
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
    train_images = as_array(train["images"], "train_set items", (len(train_indices), draws, 3, 32, 32))
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
