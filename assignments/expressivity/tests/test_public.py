# Expressivity of neural networks, softmax gradients, a FashionMNIST MLP and back-propagation from scratch -- the public checks.
# Copied verbatim into the handout so that you see exactly what is checked;
# `grader check expressivity .` runs these checks on your files. Editing this copy
# changes nothing in how your submission is graded.

"""Public checks of `expressivity`: handed out, and run by `grader check expressivity`.

Every expected value here is computed in the check itself (the l1 loss, a
softmax in float64, central differences, step networks the grader evaluates,
PyTorch's own layers and SGD), so these checks need no reference solution.
The yes/no answer of Question 1b is judged by a hidden check; here only its
form is.

- Step networks (box.py) are weight lists [(W1 (k, 1), b1 (k,)), (W2 (1, k),
  b2 (1,))] that the grader evaluates itself with step(z) = 1 if z > 0 else 0.
- approximate(f, B, n) gets a real Python function f, made in your worker by
  worker/functions.py from the terms of a smooth function the grader picks.
- fashion_mlp.py runs in your worker with the helpers of worker/fashion.py:
  the grader sets and reads the weights of your Linear layers (found by their
  shapes), and checks train and predict_proba on a model of its own.
"""
import numpy as np

from grader.checks import (CheckFailed, as_array, check, expect, expect_close, expect_form, expect_gradient,
                           expect_kind, named, one_number, show, worker_module)
from grader.checks.rules import expect_numpy_only
from grader.checks.truth_table import as_weight_list, evaluate, expect_architecture

functions = worker_module(__file__, "functions")  # runs in your worker too: f from its description
fashion = worker_module(__file__, "fashion")      # runs in your worker too: models, data, the grader's SGD

# -- Question 1: the l1 loss --------------------------------------------------------------


def expect_l1_loss(impl, X, y, w):
    where = f"l1_loss(X, y, w) for X of shape {X.shape}"
    got = one_number(impl.answers.l1_loss(X, y, w), where)
    expect_close(got, np.abs(X @ w - y).sum(), f"{where} (the sum of |X w - y| over the points, not "
                 "the mean or the squares)", rtol=1e-9, atol=1e-12)


@check(points=0.5, part="Q1a l1 loss")
def l1_loss_random(student):
    """l1_loss(X, y, w) is the sum of |X w - y| on random data"""
    rng = np.random.default_rng(1)
    expect_l1_loss(student, rng.standard_normal((20, 3)), rng.standard_normal(20), rng.standard_normal(3))


@check(points=0, part="Q1b closed form")
def l1_closed_form_form(student):
    """L1_HAS_CLOSED_FORM is True or False"""
    expect_kind(student.answers.L1_HAS_CLOSED_FORM, bool, "L1_HAS_CLOSED_FORM")


# -- Question 2a: the box -------------------------------------------------------------------


def box(impl, h, delta):
    """box_network(h, delta) as a checked weight list, and the call's name for messages."""
    where = f"box_network(h={h:g}, delta={delta:g})"
    return as_weight_list(impl.box.box_network(h, delta), where, max_parameters=1000), where


def expect_box(layers, h, delta, xs, where):
    """The network is h on (0, delta) and 0 outside [0, delta] at every x of xs (the grader's step)."""
    xs = np.asarray(xs, dtype=np.float64)
    expect_architecture(layers, where, input_size=1, output_size=1)
    values = evaluate(layers, xs[:, None], "step")[:, 0]
    inside = (xs > 0) & (xs < delta)
    expected = np.where(inside, h, 0.0)
    wrong = ~(np.abs(values - expected) <= 1e-9 * abs(h))
    if wrong.any():
        i = int(np.argmax(wrong))
        rule = "h on 0 < x < delta" if inside[i] else "0 for x < 0 and x > delta"
        raise CheckFailed(f"{where} at x = {xs[i]:.17g}: expected f(x) = {expected[i]:g} ({rule}), got "
                          f"{values[i]:.10g} (evaluated with step(z) = 1 if z > 0 else 0)")


@check(points=0.25, part="Q2a box")
def box_architecture(student):
    """box_network has one input, 2 hidden step units and one output"""
    layers, where = box(student, 1.0, 1.0)
    expect_architecture(layers, where, exact_layers=2, exact_width=2, input_size=1, output_size=1)


@check(points=0.25, part="Q2a box")
def box_values(student):
    """box_network(h, delta) is h inside (0, delta) and 0 outside, at simple points"""
    for h, delta in [(1.0, 1.0), (2.5, 0.5)]:
        layers, where = box(student, h, delta)
        xs = delta * np.array([-2.0, -1.0, -0.01, 0.01, 0.3, 0.5, 0.7, 0.99, 1.01, 2.0, 10.0])
        expect_box(layers, h, delta, xs, where)


# -- Question 2b: approximating a smooth function --------------------------------------------

GRID = 20001          # points of [-B, B] where the error is measured
BREAK_MARGIN = 1e-9   # relative: points this close to a breakpoint are left out
PUBLIC_F = ([["const", 0.5], ["sin", 1.0, 2.0, 0.0]], 2.0)  # f(x) = 0.5 + sin(2x) on [-2, 2]


def off_breakpoints(layers, x, B):
    """The points of x farther than BREAK_MARGIN (B + |t|) from every breakpoint t = -b/w of the hidden
    units: at a breakpoint which side the step takes is a matter of rounding (step(0) = 0, but your
    edge computed twice may differ in its last bit), and the homework leaves f's value there open."""
    W1, b1 = layers[0]
    w, b = W1[:, 0], b1
    with np.errstate(all="ignore"):
        breaks = -b[w != 0] / w[w != 0]
    breaks = breaks[np.isfinite(breaks)]
    margin = BREAK_MARGIN * (B + np.abs(breaks))
    starts, ends = np.searchsorted(x, breaks - margin, "left"), np.searchsorted(x, breaks + margin, "right")
    covered = np.zeros(len(x) + 1)
    np.add.at(covered, starts, 1)
    np.add.at(covered, ends, -1)
    return x[np.cumsum(covered)[:-1] == 0]


def sup_error(layers, f, B):
    """max |network(x) - f(x)| over the grid of [-B, B], away from the network's breakpoints."""
    x = off_breakpoints(layers, np.linspace(-B, B, GRID), B)
    return float(np.max(np.abs(evaluate(layers, x[:, None], "step")[:, 0] - f(x))))


def max_slope(description, B):
    return float(np.abs(functions.slope(description, np.linspace(-B, B, 200001))).max())


def approximation_errors(impl, description, B, ns):
    """[(n, sup error, limit 4 B max|f'| / n)] of impl's approximate(f, B, n), f made in impl's worker."""
    probe, f, slope = impl.worker("functions"), functions.make_function(description), max_slope(description, B)
    rows = []
    for n in ns:
        where = f"approximate(f, B={B:g}, n={n}) for {functions.text(description)}"
        most = 6 * n + 1  # a hidden layer of 2n units: W1 (2n, 1), b1, W2 (1, 2n), b2
        with named(where):
            network = probe.approximate_with(impl.box, description, B, n, most)
        layers = as_weight_list(network, where, max_parameters=most)
        expect_architecture(layers, where, exact_layers=2, max_width=2 * n, input_size=1, output_size=1)
        rows.append((n, sup_error(layers, f, B), 4 * B * slope / n))
    return rows


def expect_approximation(impl, description, B, ns):
    rows = approximation_errors(impl, description, B, ns)
    if any(error > limit for _, error, limit in rows):
        table = "; ".join(f"n={n}: {error:.3g} (limit {limit:.3g}){'' if error <= limit else ' TOO LARGE'}"
                          for n, error, limit in rows)
        raise CheckFailed(f"approximate(f, B={B:g}, n) for {functions.text(description)}: expected a sup "
                          f"error on [-B, B] of at most 4 B max|f'| / n, got {table} (measured on {GRID} "
                          f"points of [-B, B] away from your breakpoints, step(z) = 1 if z > 0 else 0)")


@check(points=0.5, part="Q2b approximation")
def approximate_sine(student):
    """approximate(f, B, n): at most 2n hidden units, sup error at most 4 B max|f'| / n, for one smooth f"""
    expect_approximation(student, *PUBLIC_F, ns=(4, 8, 32, 128))


# -- Question 3: softmax and its Jacobian -----------------------------------------------------

SOFTMAX_RTOL, SOFTMAX_ATOL = 1e-4, 1e-7  # float32 arithmetic is enough (z ~ 1e3 has 5e-5 rounding in float32)


def softmax64(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def expect_softmax(impl, z):
    z = np.asarray(z, dtype=np.float64)
    where = f"softmax(z) for z = {show(z)}"
    got = as_array(impl.softmax.softmax(z), where, z.shape)
    expect(np.isfinite(got).all(), f"{where}: expected finite probabilities, got {show(got)} (exp overflows "
           "past 709: compute it on z - max(z), which has the same softmax)")
    expect_close(got, softmax64(z), where, SOFTMAX_RTOL, SOFTMAX_ATOL)


@check(points=0.5, part="Q3 softmax")
def softmax_values(student):
    """softmax(z) is exp(z) / sum(exp(z)) for small logits"""
    rng = np.random.default_rng(3)
    for z in [np.array([1.0, 2.0, 3.0]), rng.standard_normal(10), np.array([0.5, 0.5, -1.0, 2.0])]:
        expect_softmax(student, z)


@check(points=0.25, part="Q3 softmax")
def softmax_large_logits(student):
    """softmax(z) stays finite and right for logits near 1e3 and -1e3"""
    for z in [[1000.0, 999.0, 998.5], [-1000.0, -999.0, -1000.5]]:
        expect_softmax(student, z)


def central_jacobian(z, epsilon=1e-6):
    """d softmax(z)_i / d z_j by float64 central differences, column j from z +- epsilon e_j."""
    z = np.asarray(z, dtype=np.float64)
    columns = []
    for j in range(len(z)):
        step = np.zeros_like(z)
        step[j] = epsilon
        columns.append((softmax64(z + step) - softmax64(z - step)) / (2 * epsilon))
    return np.stack(columns, axis=1)


def jacobian_of(impl, z):
    z = np.asarray(z, dtype=np.float64)
    where = f"softmax_jacobian(z) for z = {show(z)}"
    return as_array(impl.softmax.softmax_jacobian(z), where, (len(z), len(z))), where


@check(points=1, part="Q3 Jacobian")
def jacobian_closed_form(student):
    """softmax_jacobian(z) is y_i (delta_ij - y_j), and matches central differences"""
    z = np.array([0.3, -1.2, 2.0, 0.7])
    got, where = jacobian_of(student, z)
    y = softmax64(z)
    expect_close(got, np.diag(y) - np.outer(y, y), f"{where} (J[i, j] = y_i (delta_ij - y_j))",
                 SOFTMAX_RTOL, SOFTMAX_ATOL)
    expect_close(got, central_jacobian(z), f"{where} (vs float64 central differences of softmax, J[i, j] = "
                 "d y_i / d z_j)", SOFTMAX_RTOL, 1e-6)


# -- Question 4: the FashionMNIST MLP -----------------------------------------------------------

CHAIN_TEXT = ", ".join(f"nn.Linear({a}, {b})" for a, b in fashion.CHAIN)
PARAMETERS = sum(a * b + b for a, b in fashion.CHAIN)
MODEL_RTOL, MODEL_ATOL = 1e-4, 1e-5  # float32 models


def initial_weights(rng, scale=1.0):
    """[(W (out, in), b (out,))] of the 784-256-128-64-10 chain, drawn like nn.Linear's default."""
    weights = []
    for n_in, n_out in fashion.CHAIN:
        bound = scale / np.sqrt(n_in)
        weights.append((rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32),
                        rng.uniform(-bound, bound, n_out).astype(np.float32)))
    return weights


def mlp_logits(weights, x):
    """The ReLU MLP of these weights on images x (n, 1, 28, 28) or rows (n, 784), float64."""
    h = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    for number, (W, b) in enumerate(weights):
        h = h @ np.asarray(W, np.float64).T + b
        if number < len(weights) - 1:
            h = np.maximum(h, 0.0)
    return h


def images(rng, count):
    """Random images (count, 1, 28, 28) float32 in [0, 1], as ToTensor() gives them."""
    return rng.uniform(0, 1, (count, 1, 28, 28)).astype(np.float32)


@check(points=0.5, part="Q4 build_mlp")
def mlp_architecture(student):
    """build_mlp() is an nn.Module whose Linear layers are 784-256-128-64-10"""
    with named("build_mlp()"):
        info = student.worker("fashion").describe(student.fashion_mlp.build_mlp())
    expect(info["module"], f"build_mlp(): expected a torch.nn.Module, got a {info['type']}")
    got = [tuple(shape) for shape in info["linears"]]
    expect(got == list(fashion.CHAIN), f"build_mlp(): expected the Linear layers {CHAIN_TEXT}, got "
           f"{', '.join(f'nn.Linear({a}, {b})' for a, b in got) or 'none'}")
    expect(info["parameters"] == PARAMETERS, f"build_mlp(): expected {PARAMETERS} parameters (the four "
           f"Linear layers' weights and biases), got {info['parameters']}")


@check(points=0.5, part="Q4 build_mlp")
def mlp_forward(student):
    """build_mlp()'s model is the ReLU MLP of its weights, on images (b, 1, 28, 28) and rows (b, 784)"""
    rng = np.random.default_rng(4)
    weights, x = initial_weights(rng, scale=3.0), images(rng, 5)
    probe = student.worker("fashion")
    with named("build_mlp() with the grader's weights in its Linear layers"):
        model = student.fashion_mlp.build_mlp()
        probe.set_weights(model, weights)
    expected = mlp_logits(weights, x)
    for shape in [(5, 1, 28, 28), (5, 784)]:
        where = f"build_mlp() with the grader's weights, logits for inputs of shape {shape}"
        with named(where):
            got = probe.logits(model, x.reshape(shape))
        expect_close(got, expected, f"{where} (a ReLU after each hidden layer, none after the last)",
                     MODEL_RTOL, MODEL_ATOL)


TINY = dict(count=12, batch_size=4, epochs=2, lr=0.1, seed=41)
SGD_HINT = ("plain SGD: torch.optim.SGD(model.parameters(), lr=lr), no momentum, one step per batch on the "
            "batch's mean cross-entropy, zero_grad before each backward")


def tiny_text(lr):
    return (f"train(model, loader, epochs={TINY['epochs']}, lr={lr:g}, device='cpu') on the grader's "
            f"784-256-128-64-10 model, {TINY['count']} images in batches of {TINY['batch_size']}")


WRONG_LABELS = [1, 2, 3, 7]  # batches of 4 right 1, 3 and 4 times: 8 of 12, but 4 of 4 in the last batch


def tiny_run(train, probe, lr, scale):
    """(starting weights, history, weights after) of `train` on the grader's model and a tiny loader.

    The labels are the model's own first predictions but at WRONG_LABELS, so the accuracy of
    the first epoch is about 8/12, far from 0 and 1, and from that of any one batch.
    """
    rng = np.random.default_rng(TINY["seed"])
    weights, x = initial_weights(rng, scale), images(rng, TINY["count"])
    y = mlp_logits(weights, x).argmax(axis=1)
    y[WRONG_LABELS] = (y[WRONG_LABELS] + rng.integers(1, 10, len(WRONG_LABELS))) % 10
    model, loader = probe.grader_model(weights), probe.tensor_loader(x, y, TINY["batch_size"])
    history = train(model, loader, TINY["epochs"], lr, "cpu")
    return weights, history, probe.get_weights(model)


def epoch_numbers(history, epochs, where):
    """[(loss, accuracy)] from a history: one dict per epoch with "loss" and "accuracy" numbers."""
    expect_form(isinstance(history, list) and len(history) == epochs, where,
                f"a list of {epochs} dicts, one per epoch", history)
    rows = []
    for epoch, entry in enumerate(history, start=1):
        expect_form(isinstance(entry, dict) and {"loss", "accuracy"} <= set(entry), f"{where}, epoch {epoch}",
                    'a dict with "loss" and "accuracy"', entry)
        loss = one_number(entry["loss"], f'{where}, epoch {epoch}: "loss"')
        accuracy = one_number(entry["accuracy"], f'{where}, epoch {epoch}: "accuracy"')
        expect(0 <= accuracy <= 1 + 1e-6, f'{where}, epoch {epoch}: expected "accuracy" as a fraction in '
               f"[0, 1], got {accuracy:g}")
        rows.append((loss, accuracy))
    return rows


@check(points=0.5, part="Q4 train")
def train_sgd_steps(student):
    """train takes plain SGD steps at lr on each batch's mean cross-entropy"""
    start, _, got = tiny_run(student.fashion_mlp.train, student.worker("fashion"), TINY["lr"], 1.0)
    _, _, expected = tiny_run(fashion.grader_train, fashion, TINY["lr"], 1.0)
    steps = TINY["epochs"] * TINY["count"] // TINY["batch_size"]
    for number, ((W0, b0), (W, b), (We, be)) in enumerate(zip(start, got, expected), start=1):
        for name, first, after, wanted in ((f"W{number}", W0, W, We), (f"b{number}", b0, b, be)):
            change = wanted - first
            expect_close(after - first, change, f"{tiny_text(TINY['lr'])}: the change of {name} over the {steps} "
                         f"steps ({SGD_HINT})", 1e-3, 1e-3 * np.abs(change).max())


# Default-sized weights and a tiny lr: the model hardly moves (a step of momentum or of a hard-coded
# lr changes the loss by 0.1% at most), so the history is judged whatever the steps are.
HISTORY_LR = 1e-4


@check(points=0.5, part="Q4 train")
def train_history(student):
    """train returns one dict per epoch with the mean training loss and the accuracy as a fraction"""
    where = tiny_text(HISTORY_LR)
    _, history, _ = tiny_run(student.fashion_mlp.train, student.worker("fashion"), HISTORY_LR, 1.0)
    got = epoch_numbers(history, TINY["epochs"], where)
    _, expected, _ = tiny_run(fashion.grader_train, fashion, HISTORY_LR, 1.0)
    for epoch, ((loss, accuracy), wanted) in enumerate(zip(got, expected), start=1):
        expect_close(loss, wanted["loss"], f'{where}, epoch {epoch}: "loss", the mean cross-entropy of the '
                     "epoch's batches", 1e-2, 1e-6)
        # one image of slack: the accuracy may be counted before each step or after the epoch
        expect_close(accuracy, wanted["accuracy"], f'{where}, epoch {epoch}: "accuracy", the fraction of the '
                     "images whose largest logit is at the label", 0, 1 / TINY["count"] + 1e-6)


@check(points=0.5, part="Q4 predict_proba")
def predict_proba_softmax(student):
    """predict_proba(model, x) is the softmax of the model's logits, rows summing to 1"""
    rng = np.random.default_rng(5)
    weights, x = initial_weights(rng, scale=3.0), images(rng, 6)
    where = "predict_proba(model, x) for the grader's model and images x of shape (6, 1, 28, 28)"
    with named(where):
        got = student.fashion_mlp.predict_proba(student.worker("fashion").grader_model(weights), student.tensor(x))
    got = as_array(got, where, (6, 10))
    expect_close(got.sum(axis=1), np.ones(6), f"{where}: the sums of the rows (softmax over the 10 classes, "
                 "dim=1)", 0, 1e-5)
    logits = mlp_logits(weights, x)
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expect_close(got, expected / expected.sum(axis=1, keepdims=True), f"{where} (the softmax of the logits)",
                 MODEL_RTOL, 1e-6)


# -- Question 5: back-propagation by hand -----------------------------------------------------------

SCRATCH_RTOL, SCRATCH_ATOL = 1e-4, 1e-6  # float32 arithmetic is enough


def scratch_problem(rng, n, d, h, c, margin=0.05):
    """(params, X, y) with every pre-activation of the hidden layer at least `margin` away from ReLU's kink."""
    while True:
        params = {"W1": rng.standard_normal((h, d)) / np.sqrt(d), "b1": 0.1 * rng.standard_normal(h),
                  "W2": rng.standard_normal((c, h)) / np.sqrt(h), "b2": 0.1 * rng.standard_normal(c)}
        X, y = rng.standard_normal((n, d)), rng.integers(0, c, n)
        if np.abs(X @ params["W1"].T + params["b1"]).min() >= margin:
            return params, X, y


def scratch_forward(params, X):
    return np.maximum(X @ params["W1"].T + params["b1"], 0.0) @ params["W2"].T + params["b2"]


def scratch_loss(params, X, y):
    """The mean softmax cross-entropy over the batch, float64."""
    logits = scratch_forward(params, X)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_probs[np.arange(len(y)), y].mean())


def shapes_text(params, X):
    return f"X {X.shape}, W1 {params['W1'].shape}, W2 {params['W2'].shape}"


def expect_scratch_forward(impl, params, X):
    where = f"forward(params, X) for {shapes_text(params, X)}"
    got = as_array(impl.backprop_scratch.forward(params, X), where, (len(X), len(params["b2"])))
    expect_close(got, scratch_forward(params, X), f"{where} (relu(X W1^T + b1) W2^T + b2)",
                 SCRATCH_RTOL, SCRATCH_ATOL)


def gradients_of(impl, params, X, y):
    """{name: array of the parameter's shape} from gradients(params, X, y)."""
    where = f"gradients(params, X, y) for {shapes_text(params, X)}"
    got = impl.backprop_scratch.gradients(params, X, y)
    expect_form(isinstance(got, dict) and set(got) >= set(params), where,
                'a dict with keys "W1", "b1", "W2", "b2"', got)
    return {name: as_array(got[name], f'{where}["{name}"]', params[name].shape) for name in params}, where


@check(points=0.5, part="Q5 forward")
def forward_values(student):
    """forward(params, X) is relu(X W1^T + b1) W2^T + b2"""
    params, X, _ = scratch_problem(np.random.default_rng(6), 6, 5, 7, 3)
    expect_scratch_forward(student, params, X)


@check(points=1, part="Q5 gradients")
def gradients_central_differences(student):
    """gradients(params, X, y) match float64 central differences of the mean cross-entropy"""
    params, X, y = scratch_problem(np.random.default_rng(7), 6, 5, 7, 3)
    got, where = gradients_of(student, params, X, y)
    for name in params:
        def loss_in(value, name=name):
            return scratch_loss({**params, name: value}, X, y)
        expect_gradient(got[name], loss_in, params[name], f'{where}["{name}"] (the loss is the mean over the '
                        "batch; no hidden pre-activation within 0.05 of 0)", SCRATCH_RTOL, SCRATCH_ATOL)


@check(points=0.5, part="Q5 gradients")
def numpy_only(student, sources):
    """backprop_scratch.py uses numpy only: no autograd library, in its imports or at run time"""
    params, X, y = scratch_problem(np.random.default_rng(8), 4, 3, 5, 3)
    expect_numpy_only(student, sources, "backprop_scratch.py", lambda scratch: [
        ("gradients(params, X, y)", scratch.gradients, [params, X, y]),
        ("forward(params, X)", scratch.forward, [params, X])])
