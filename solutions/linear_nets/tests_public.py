"""Public checks of `linear_nets`: handed out, and run by `grader check linear_nets`.

Every expected value is computed here, in the grader, in float64: products and
risks written out, central differences of the risk, the network f evaluated
from the parameters your code set, the hinge loss and its gradient in closed
form, PCA and CCA by the grader's own SVDs, least squares by numpy, the
images your transform made matched against the images the grader made.

Your code runs in a sandbox; numpy arrays reach it as numpy arrays, tensors as
torch tensors (float32 unless a check says otherwise), and what it returns
comes back as numbers. PyTorch objects (your ParityNet, your transform) stay
in the sandbox: worker/probes.py reads them there (parameters, gradients,
transformed images) and hands back plain data only.
"""
import itertools

import numpy as np

from grader.checks import CheckFailed, as_array, check, expect, expect_close, expect_gradient
from grader.sandbox.runner import StudentError

CAPACITY = "2(a) Capacity: realize"
PRODUCT_RISK = "2(b) Product and risk"
GRAD_WBAR = "2(c) Gradient wrt Wbar"
GRAD_LAYER = "2(e) Gradient wrt W_i"
PARITY_NET = "3(a) Parity network"
HINGE_TRAINING = "3(b) Hinge loss and training"
EMBEDDINGS = "4(a) PCA and CCA"
LINEAR_BASELINE = "4(b) Linear baseline"
AUGMENTATION = "4(d) Data augmentation"
LEARNING_RATES = "4(e) Learning rates"
GIVEN_CODE = "Given code"


def probe(impl, what, name, *args, **kwargs):
    """worker/probes.py's `name` on impl's side; a student error in it is named after `what`."""
    try:
        return getattr(impl.worker("probes"), name)(*args, **kwargs)
    except StudentError as problem:
        raise StudentError(what, problem.error) from None


# == Problem 2: linear networks ==========================================================

REALIZE_RTOL = 1e-8   # the contract's relative error of W_L ... W_1 against W0
GRADIENT_RTOL, GRADIENT_ATOL = 1e-5, 1e-7  # float64 central differences, step 1e-6


def random_weights(rng, dims):
    """[W_1, ..., W_L], W_i (dims[i], dims[i-1]) with entries of variance 1 / dims[i-1]."""
    return [rng.standard_normal((rows, columns)) / np.sqrt(columns) for columns, rows in zip(dims, dims[1:])]


def regression_data(rng, n, dims):
    """X (n, d_0), Y (n, d_L)."""
    return rng.standard_normal((n, dims[0])), rng.standard_normal((n, dims[-1]))


def product(Ws):
    Wbar = Ws[0]
    for W in Ws[1:]:
        Wbar = W @ Wbar
    return Wbar


def q(Wbar, X, Y):
    """Q(Wbar) = 1/2 ||Wbar X^T - Y^T||_F^2."""
    E = Wbar @ X.T - Y.T
    return 0.5 * float(np.sum(E * E))


def risk(Ws, X, Y):
    return q(product(Ws), X, Y)


def one_number(got, where):
    array = as_array(got, where)
    expect(array.size == 1, f"{where}: expected one number, got shape {array.shape}")
    return array.reshape(())


@check(points=0.25, part=PRODUCT_RISK)
def product_of_layers(student):
    """product(Ws) is W_L ... W_1 for a depth-3 network of unequal widths"""
    dims = [3, 5, 4, 2]
    Ws = random_weights(np.random.default_rng(201), dims)
    expect_close(student.linear_networks.product(Ws), product(Ws),
                 f"product(Ws) for widths d_0..d_3 = {dims} (shape (d_3, d_0), the first layer rightmost)")


@check(points=0.25, part=PRODUCT_RISK)
def risk_value(student):
    """risk(Ws, X, Y) is 1/2 ||Wbar X^T - Y^T||_F^2"""
    rng = np.random.default_rng(202)
    dims = [3, 4, 2]
    Ws, (X, Y) = random_weights(rng, dims), regression_data(rng, 7, dims)
    where = f"risk(Ws, X (7, 3), Y (7, 2)) for widths {dims}"
    expect_close(one_number(student.linear_networks.risk(Ws, X, Y), where), risk(Ws, X, Y), where)


def expect_grad_wbar(student, rng, n, d, p):
    Wbar, X, Y = rng.standard_normal((p, d)), rng.standard_normal((n, d)), rng.standard_normal((n, p))
    got = student.linear_networks.grad_wbar(Wbar, X, Y)
    expect_gradient(got, lambda W: q(W, X, Y), Wbar, f"grad_wbar(Wbar ({p}, {d}), X ({n}, {d}), Y ({n}, {p}))",
                    GRADIENT_RTOL, GRADIENT_ATOL)


@check(points=0.5, part=GRAD_WBAR)
def grad_wbar_central_differences(student):
    """grad_wbar(Wbar, X, Y) matches central differences of Q"""
    expect_grad_wbar(student, np.random.default_rng(203), n=6, d=4, p=3)


def layer_risk(Ws, X, Y, i):
    """The risk as a function of W_i alone (i 1-based)."""
    return lambda Wi: risk(Ws[:i - 1] + [Wi] + Ws[i:], X, Y)


def expect_grad_layer(student, rng, dims, layers, n=6):
    Ws, (X, Y) = random_weights(rng, dims), regression_data(rng, n, dims)
    for i in layers:
        got = student.linear_networks.grad_layer(Ws, X, Y, i)
        where = f"grad_layer(Ws, X, Y, i={i}) for widths d_0..d_{len(dims) - 1} = {dims} (i is 1-based: " \
                f"W_{i} has shape ({dims[i]}, {dims[i - 1]}))"
        expect_gradient(got, layer_risk(Ws, X, Y, i), Ws[i - 1], where, GRADIENT_RTOL, GRADIENT_ATOL)


@check(points=1, part=GRAD_LAYER)
def grad_layer_middle(student):
    """grad_layer(Ws, X, Y, i) matches central differences for a middle layer"""
    expect_grad_layer(student, np.random.default_rng(204), [3, 4, 5, 2], [2])


# -- realize: Problem 2(a) ------------------------------------------------------------------


def low_rank(rng, p, d, r):
    """A (p, d) matrix of rank r with singular values in [1, 3]: its numerical rank is unambiguous."""
    A = np.linalg.qr(rng.standard_normal((p, p)))[0][:, :r]
    B = np.linalg.qr(rng.standard_normal((d, d)))[0][:, :r].T
    return (A * rng.uniform(1, 3, r)) @ B


def realized(student, W0, dims, where):
    """realize(W0, dims) as arrays of the right shapes, or a failure saying what came back."""
    try:
        got = student.linear_networks.realize(W0, dims)
    except StudentError as problem:
        if problem.error["type"] != "ValueError":
            raise
        raise CheckFailed(f"{where}: expected weights (rank(W0) <= min(dims), so they exist), got {problem}") from None
    expect(isinstance(got, (list, tuple)) and len(got) == len(dims) - 1,
           f"{where}: expected a list of {len(dims) - 1} matrices, got {got!r}"[:240])
    return [as_array(W, f"{where}: W_{i}", (dims[i], dims[i - 1])) for i, W in enumerate(got, start=1)]


def expect_realized(student, W0, dims, r, where):
    where = f"{where}: realize(W0 ({W0.shape[0]}, {W0.shape[1]}) of rank {r}, dims={dims})"
    Wbar = product(realized(student, W0, dims, where))
    scale = np.linalg.norm(W0)
    if scale == 0:
        expect(np.abs(Wbar).max() <= 1e-12, f"{where}: expected W_L ... W_1 = W0 = 0, got entries up to "
               f"{np.abs(Wbar).max():.3g}")
        return
    error = np.linalg.norm(Wbar - W0) / scale
    expect(error <= REALIZE_RTOL, f"{where}: expected W_L ... W_1 = W0 within relative error "
           f"{REALIZE_RTOL:g} (Frobenius), got relative error {error:.3g}")


def expect_refused(student, W0, dims, r, where):
    where = f"{where}: realize(W0 ({W0.shape[0]}, {W0.shape[1]}) of rank {r}, dims={dims})"
    try:
        student.linear_networks.realize(W0, dims)
    except StudentError as problem:
        if problem.error["type"] == "ValueError":
            return
        raise CheckFailed(f"{where}: expected ValueError (rank {r} > min(dims) = {min(dims)}), got {problem}") from None
    raise CheckFailed(f"{where}: expected ValueError, since rank(W0) = {r} > min(dims) = {min(dims)} "
                      "and no such weights exist; got weights back")


@check(points=1, part=CAPACITY)
def realize_reproduces_w0(student):
    """realize(W0, dims) gives weights of the shapes dims asks for whose product is W0"""
    rng = np.random.default_rng(205)
    for dims, r in [([4, 3, 5, 3], 2), ([5, 4, 2], 2), ([3, 6, 6, 4], 3)]:
        expect_realized(student, low_rank(rng, dims[-1], dims[0], r), dims, r, "a feasible case")


@check(points=0.5, part=CAPACITY)
def realize_refuses_a_narrow_network(student):
    """realize raises ValueError when rank(W0) exceeds the smallest width"""
    rng = np.random.default_rng(206)
    expect_refused(student, low_rank(rng, 4, 5, 3), [5, 2, 4], 3, "a bottleneck of width 2")


# == Problem 3: parity =====================================================================

PARITY_TOL = 1e-6  # |f(x) - (-1)^(v*.x)| allowed: rounding only, the construction is exact


def parameter_list(impl, net, d, k, where):
    """(w, b, alpha, beta) read from net.parameters() after checking their shapes."""
    expected = [(k, d), (k,), (1, k), (1,)]
    shapes = [tuple(s) for s in probe(impl, f"{where}: reading net.parameters()", "parameter_shapes", net)]
    expect(shapes == expected, f"{where}: expected parameters() of shapes {expected} (w, b, alpha, beta, "
           f"in this order), got {shapes}"[:300])
    values = probe(impl, f"{where}: reading net.parameters()", "parameter_values", net)
    expect(isinstance(values, list) and len(values) == 4, f"{where}: expected 4 parameters, got {len(values)}")
    return [as_array(v, f"{where}: parameter {i}", shape) for i, (v, shape) in enumerate(zip(values, expected))]


def network_output(params, X):
    """f(x) = alpha relu(w x + b) + beta for the rows of X, in float64."""
    w, b, alpha, beta = params
    return np.maximum(X @ w.T + b, 0.0) @ alpha[0] + beta[0]


def all_inputs(d):
    return np.array(list(itertools.product((0.0, 1.0), repeat=d)))


def bits(x):
    return "".join(str(int(v)) for v in x)


def expect_parity(student, v_star, inputs, where):
    """set_parity_weights on a fresh ParityNet(d, 10 d); f from its parameters on `inputs`."""
    d = len(v_star)
    where = f"{where}, d = {d}, v* = {bits(v_star)}"
    net = student.pitfalls.ParityNet(d, 10 * d)
    student.pitfalls.set_parity_weights(net, student.tensor(np.asarray(v_star, dtype=np.float32)))
    f = network_output(parameter_list(student, net, d, 10 * d, f"set_parity_weights(net, v*) {where}"), inputs)
    target = (-1.0) ** (inputs @ v_star)
    bad = ~(np.abs(f - target) <= PARITY_TOL)
    if bad.any():
        i = int(np.argmax(bad))
        raise CheckFailed(f"set_parity_weights {where}: expected f(x) = (-1)^(v*.x) = {target[i]:+g} at "
                          f"x = {bits(inputs[i])} (v*.x = {int(inputs[i] @ v_star)}), got {f[i]:.6g}; "
                          f"{int(bad.sum())} of {len(inputs)} inputs off by more than {PARITY_TOL:g}")


@check(points=0.5, part=PARITY_NET)
def parity_net_parameters(student):
    """ParityNet(d, k).parameters() are w (k, d), b (k,), alpha (1, k), beta (1,), in this order"""
    parameter_list(student, student.pitfalls.ParityNet(3, 7), 3, 7, "ParityNet(3, 7)")


@check(points=0.5, part=PARITY_NET)
def parity_net_forward(student):
    """ParityNet's forward(x) is alpha relu(w x + b) + beta, of shape (N, 1)"""
    net = student.pitfalls.ParityNet(3, 7)
    params = parameter_list(student, net, 3, 7, "ParityNet(3, 7)")
    dtype = probe(student, "ParityNet(3, 7): reading net.parameters()", "parameter_dtypes", net)[0]
    dtype = dtype if dtype == "float64" else "float32"  # inputs of the network's own float type
    x = np.random.default_rng(301).integers(0, 2, (6, 3)).astype(dtype)
    expect_close(net(student.tensor(x)), network_output(params, x.astype(np.float64))[:, None],
                 f"ParityNet(3, 7)(x) for x (6, 3) of {dtype} 0/1, vs f computed from its parameters() "
                 "(shape (N, 1))", 1e-5, 1e-6)


@check(points=1, part=PARITY_NET)
def parity_weights_exact(student):
    """set_parity_weights makes f(x) = (-1)^(v*.x) on every x in {0, 1}^d, for d = 4"""
    expect_parity(student, np.array([1.0, 0.0, 1.0, 1.0]), all_inputs(4), "on all 16 inputs")


# -- the hinge loss and training: Problem 3(b) ---------------------------------------------

HINGE_RTOL, HINGE_ATOL = 1e-5, 1e-6  # the outputs are float32
LEARN_ITERATIONS, LEARN_WINDOW, LEARN_MARGIN = 2500, 100, 0.05


def hinge_case(rng, n):
    """Outputs f (n,) and labels y (n,) of +1/-1 with every |1 - f y| >= 0.05 (away from the kink)."""
    while True:
        f = rng.uniform(-2.5, 2.5, n).astype(np.float32).astype(np.float64)
        y = rng.choice([-1.0, 1.0], n)
        if np.abs(1 - f * y).min() >= 0.05 and (1 - f * y > 0).any():
            return f, y


def hinge_found(impl, f, y, column, label_dtype, where):
    found = probe(impl, where, "hinge_gradient", impl.pitfalls.my_loss, f, y, column, label_dtype)
    expect(found["type"] == "Tensor", f"{where}: expected a torch tensor, got a {found['type']}: use torch "
           "operations only (no .item(), no numpy), so that autograd can differentiate the loss")
    expect(found["loss"] is not None, f"{where}: expected one number (the mean over the batch), got a tensor "
           f"of shape {found['shape']}")
    return found


def expect_hinge_value(impl, f, y, column, label_dtype, where):
    found = hinge_found(impl, f, y, column, label_dtype, where)
    expected = np.maximum(0, 1 - f * y).mean()
    broadcast = np.maximum(0, 1 - f[:, None] * y[None, :]).mean()
    hint = ""
    if column and abs(found["loss"] - broadcast) <= 1e-5 * (1 + abs(broadcast)):
        hint = " (an (N, 1) output times (N,) labels broadcasts to (N, N): flatten the output first)"
    expect(abs(found["loss"] - expected) <= HINGE_ATOL + HINGE_RTOL * abs(expected),
           f"{where}: expected the mean hinge loss {expected:.7g}, got {found['loss']:.7g}{hint}")
    return found


def expect_hinge_gradient(impl, f, y, column, label_dtype, where):
    found = expect_hinge_value(impl, f, y, column, label_dtype, where)
    expect(found["grad"] is not None, f"{where}: expected a gradient in output.grad after loss.backward(), got "
           "None: compute the loss with torch operations (no .item(), .numpy() or numpy functions)")
    expected = -(y / len(y)) * (1 - f * y > 0)
    expect_close(found["grad"], expected, f"{where}: output.grad after backward(), vs -y_i / N where "
                 "1 - f_i y_i > 0 and 0 elsewhere", HINGE_RTOL, 1e-7)


@check(points=0.5, part=HINGE_TRAINING)
def hinge_loss_value(student):
    """my_loss(output, y) is the mean hinge loss for outputs of shape (N, 1)"""
    f, y = hinge_case(np.random.default_rng(311), 8)
    expect_hinge_value(student, f, y, True, "float32", "my_loss(output (8, 1), y (8,) float32)")


@check(points=0.5, part=HINGE_TRAINING)
def hinge_loss_gradient(student):
    """my_loss lets autograd compute d loss / d output"""
    f, y = hinge_case(np.random.default_rng(312), 6)
    expect_hinge_gradient(student, f, y, True, "float32", "my_loss(output (6, 1), y (6,) float32)")


def losses_of(student, d, iterations, seed):
    where = f"train_parity(d={d}, iterations={iterations}, seed={seed})"
    got = student.pitfalls.train_parity(d, iterations, seed)
    expect(isinstance(got, (list, tuple)) and len(got) == iterations,
           f"{where}: expected a list of {iterations} losses, got {got!r}"[:240])
    kinds = {type(v).__name__ for v in got if type(v) is not float}
    expect(not kinds, f"{where}: expected Python floats (loss.item()), got {', '.join(sorted(kinds))} items "
           "(tensors come back as arrays; keeping them also keeps their graphs in memory)")
    values = np.array(got)
    expect(np.isfinite(values).all() and (values >= 0).all(),
           f"{where}: expected hinge losses (finite, >= 0), got values from {values.min():.4g} to {values.max():.4g}")
    return values, where


@check(points=0.5, part=HINGE_TRAINING)
def train_parity_reproducible(student):
    """train_parity returns one float per iteration, the same list for the same seed"""
    first, where = losses_of(student, 5, 30, 3)
    second, _ = losses_of(student, 5, 30, 3)
    differ = np.flatnonzero(first != second)
    if differ.size:
        i = differ[0]
        raise CheckFailed(f"{where} called twice: expected the same losses, got {first[i]:.7g} and {second[i]:.7g} "
                          f"at iteration {i}: draw v*, the data and the initial weights from the seed")


@check(points=0.5, part=HINGE_TRAINING)
def train_parity_learns_d5(student):
    """A run of 2500 iterations at d = 5 lowers the hinge loss"""
    losses, where = losses_of(student, 5, LEARN_ITERATIONS, 0)
    first, last = losses[:LEARN_WINDOW].mean(), losses[-LEARN_WINDOW:].mean()
    expect(last <= first - LEARN_MARGIN, f"{where}: expected the mean loss of the last {LEARN_WINDOW} iterations "
           f"at least {LEARN_MARGIN} below that of the first {LEARN_WINDOW} ({first:.4f}), got {last:.4f} "
           "(SGD, lr 0.001, momentum 0.9, batches of 100; the reference falls by 0.1 or more)")


# == Problem 4: CIFAR-10 ==================================================================

CORRELATION_FLOOR = 0.999  # |corr| of a CCA variate with the grader's; wrong columns are near 0
PCA_TOL = 1e-4  # relative to the largest score: float32 and randomised SVDs pass, wrong directions are off by O(1)


def pca_case(rng, n, D, spread):
    """Rows with principal variances spread**2 (distinct), rotated and shifted away from 0."""
    Z = rng.standard_normal((n, len(spread))) * spread
    R = np.linalg.qr(rng.standard_normal((D, D)))[0][:, :len(spread)]
    return Z @ R.T + rng.normal(3.0, 1.0, D)


def grader_pca(X, k):
    """Scores on the top-k eigenvectors of the covariance (the grader's own, by eigh)."""
    Xc = X - X.mean(axis=0)
    values, vectors = np.linalg.eigh(Xc.T @ Xc)
    return Xc @ vectors[:, ::-1][:, :k]


def expect_pca(student, X, k, where):
    where = f"pca_embed(X ({X.shape[0]}, {X.shape[1]}), k={k}){where}"
    got = as_array(student.cifar_linear.pca_embed(X, k), where, (len(X), k))
    expected = grader_pca(X, k)
    signs = np.where(np.sum(got * expected, axis=0) < 0, -1.0, 1.0)
    scale = np.abs(expected).max()
    expect_close(got * signs, expected, f"{where}: the centred rows' scores on the top {k} principal directions, "
                 "largest variance first (signs free)", PCA_TOL, PCA_TOL * scale)


@check(points=0.5, part=EMBEDDINGS)
def pca_scores(student):
    """pca_embed gives the scores on the top 2 principal directions (up to sign)"""
    X = pca_case(np.random.default_rng(401), 60, 5, np.array([3.0, 2.0, 1.3, 0.6, 0.3]))
    expect_pca(student, X, 2, "")


def cca_case(rng, n, D, c, strengths):
    """Rows whose class means differ along directions of decreasing strength: distinct canonical correlations."""
    y = rng.permutation(np.arange(n) % c)
    means = rng.standard_normal((c, D)) * strengths
    X = means[y] + 0.8 * rng.standard_normal((n, D)) @ rng.standard_normal((D, D)) / np.sqrt(D) + 2.0
    return X, y


def basis(A):
    U, S, _ = np.linalg.svd(A, full_matrices=False)
    return U[:, :int(np.sum(S > S[0] * 1e-10))]


def grader_cca(X, Y, k):
    """(canonical variates (n, k), canonical correlations): SVD of Qx^T Qy for orthonormal bases of
    the centred X and Y (centred one-hot Y has rank c - 1)."""
    Qx, Qy = basis(X - X.mean(axis=0)), basis(Y - Y.mean(axis=0))
    U, S, _ = np.linalg.svd(Qx.T @ Qy)
    return Qx @ U[:, :k], S


def column_correlations(A, B):
    """|corr(A[:, j], B[:, j])| for each j; 0 for a constant column."""
    A, B = A - A.mean(axis=0), B - B.mean(axis=0)
    norms = np.linalg.norm(A, axis=0) * np.linalg.norm(B, axis=0)
    return np.abs(np.sum(A * B, axis=0)) / np.where(norms > 0, norms, np.inf)


def expect_cca(student, X, y, k, where, one_hot=None):
    c = int(y.max()) + 1
    Y = np.eye(c)[y] if one_hot is None else one_hot
    where = f"cca_embed(X ({X.shape[0]}, {X.shape[1]}), Y ({len(y)}, {c}) one-hot, k={k}){where}"
    got = as_array(student.cifar_linear.cca_embed(X, Y, k), where, (len(X), k))
    expected, correlations = grader_cca(X, Y, k)
    found = column_correlations(got, expected)
    for j in range(k):
        expect(found[j] >= CORRELATION_FLOOR,
               f"{where}: column {j} should be the canonical variate of canonical correlation "
               f"{correlations[j]:.3f} (strongest first; sign, scale and offset free), got |correlation| "
               f"{found[j]:.4f} with it (at least {CORRELATION_FLOOR} expected)")


@check(points=0.5, part=EMBEDDINGS)
def cca_variates(student):
    """cca_embed gives the first 2 canonical variates against the one-hot labels (up to sign and scale)"""
    X, y = cca_case(np.random.default_rng(402), 300, 6, 4, np.array([1.5, 1.0, 0.6, 0.3, 0.2, 0.1]))
    expect_cca(student, X, y, 2, "")


def classification_case(rng, n_train, n_val, D, priors):
    """Overlapping classes with unequal priors; training rows centred, so the intercept carries the priors."""
    c = len(priors)
    means = rng.standard_normal((c, D)) * 0.7
    y_train, y_val = (rng.choice(c, n, p=priors) for n in (n_train, n_val))
    X_train = means[y_train] + rng.standard_normal((n_train, D))
    X_val = means[y_val] + rng.standard_normal((n_val, D))
    shift = X_train.mean(axis=0)
    return X_train - shift, y_train, X_val - shift, y_val


def grader_accuracies(Xtr, ytr, Xva, yva):
    c = int(max(ytr.max(), yva.max())) + 1
    ones = lambda X: np.hstack([X, np.ones((len(X), 1))])
    W = np.linalg.lstsq(ones(Xtr), np.eye(c)[ytr], rcond=None)[0]
    return [np.mean(np.argmax(ones(X) @ W, axis=1) == y) for X, y in ((Xtr, ytr), (Xva, yva))]


def expect_accuracies(student, case, where):
    Xtr, ytr, Xva, yva = case
    where = f"linear_classifier_accuracy(Xtr ({len(ytr)}, {Xtr.shape[1]}), ytr, Xva ({len(yva)}, " \
            f"{Xva.shape[1]}), yva){where}"
    got = student.cifar_linear.linear_classifier_accuracy(Xtr, ytr, Xva, yva)
    expect(isinstance(got, (tuple, list)) and len(got) == 2, f"{where}: expected (train_acc, val_acc), "
           f"got {got!r}"[:240])
    for name, value, expected, n in zip(("train", "validation"), got, grader_accuracies(*case), (len(ytr), len(yva))):
        # one prediction either way: a float32 solve may flip a near-tie
        expect_close(one_number(value, f"{where}: the {name} accuracy"), expected,
                     f"{where}: the {name} accuracy (a fraction; least squares with an intercept on one-hot "
                     "targets, argmax)", 0, 1.5 / n)


@check(points=0.5, part=LINEAR_BASELINE)
def linear_baseline_accuracy(student):
    """linear_classifier_accuracy: least squares with an intercept on one-hot targets, argmax"""
    case = classification_case(np.random.default_rng(403), 300, 200, 8, [0.45, 0.25, 0.15, 0.1, 0.05])
    expect_accuracies(student, case, "")


# -- train_transform: Problem 4(d) --------------------------------------------------------

MEAN = np.array([0.4914, 0.4822, 0.4465]).reshape(3, 1, 1)
STD = np.array([0.2470, 0.2435, 0.2616]).reshape(3, 1, 1)
PAD = 4
MATCH_TOL = 1e-4  # normalised units; a pixel step is 1 / 255 / STD, about 0.015


def noise_images(seed, count):
    """uint8 (count, 32, 32, 3) in 1..255: no pixel is 0, so zero padding is told from the image."""
    return np.random.default_rng(seed).integers(1, 256, (count, 32, 32, 3)).astype(np.uint8)


def windows(chw, fill=0.0):
    """Every 32x32 window of `chw` (3, 32, 32) padded by PAD with `fill`, as is and flipped left-right:
    (stack (162, 3, 32, 32), [(dy, dx, flipped)])."""
    padded = np.pad(chw, ((0, 0), (PAD, PAD), (PAD, PAD)), constant_values=fill)
    stack, labels = [], []
    for flipped in (False, True):
        source = padded[:, :, ::-1] if flipped else padded
        for dy in range(-PAD, PAD + 1):
            for dx in range(-PAD, PAD + 1):
                stack.append(source[:, PAD + dy:PAD + dy + 32, PAD + dx:PAD + dx + 32])
                labels.append((dy, dx, flipped))
    return np.stack(stack), labels


def closest(out, stack):
    """(index, max |out - stack[index]|) of the window nearest to `out`."""
    errors = np.abs(stack.reshape(len(stack), -1) - out.reshape(-1)).max(axis=1)
    return int(np.argmin(errors)), float(errors.min())


class Candidates:
    """Every window `windows` gives of one image, raw and normalised: what a draw may be."""

    def __init__(self, image):
        self.pixels = image.transpose(2, 0, 1).astype(np.float64) / 255
        self.stack, self.labels = windows(self.pixels)
        self.normalised = (self.stack - MEAN) / STD


def read_draw(out, candidates, where):
    """(dy, dx, flipped) of one output of train_transform, or a failure that says what it did instead."""
    index, error = closest(out, candidates.normalised)
    if error <= MATCH_TOL:
        return candidates.labels[index]
    if closest(out, candidates.stack)[1] <= MATCH_TOL:
        raise CheckFailed(f"{where}: expected a normalised tensor, got the pixels in [0, 1]: end with "
                          "transforms.Normalize(MEAN, STD) after ToTensor()")
    if closest(out, windows((candidates.pixels - MEAN) / STD)[0])[1] <= MATCH_TOL:
        raise CheckFailed(f"{where}: expected zero (black) padding before Normalize, got padding that is 0 "
                          "after it: normalise last, after RandomCrop, RandomHorizontalFlip and ToTensor")
    raise CheckFailed(f"{where}: {affine_diagnosis(out, candidates.stack)}")


def affine_diagnosis(out, stack):
    """What a mismatching output is: normalised with other statistics, or not a shifted copy at all."""
    flat_out = out.reshape(3, -1) - out.reshape(3, -1).mean(axis=1, keepdims=True)
    flat = stack.reshape(len(stack), 3, -1)
    flat = flat - flat.mean(axis=2, keepdims=True)
    norms = np.linalg.norm(flat, axis=2) * np.linalg.norm(flat_out, axis=1)
    correlation = np.sum(flat * flat_out, axis=2) / np.where(norms > 0, norms, np.inf)
    best = int(np.argmax(correlation.min(axis=1)))
    if correlation[best].min() >= 0.9999:
        fits = [np.polyfit(stack[best, c].ravel(), out[c].ravel(), 1) for c in range(3)]
        mean = ", ".join(f"{-b / a:.4f}" for a, b in fits)
        std = ", ".join(f"{1 / a:.4f}" for a, b in fits)
        return (f"expected Normalize(mean=(0.4914, 0.4822, 0.4465), std=(0.2470, 0.2435, 0.2616)) (the homework "
                f"script's), got the image normalised with mean ({mean}) and std ({std})")
    return ("expected the image shifted by at most 4 pixels with zero padding (RandomCrop(32, padding=4)), maybe "
            "flipped left-right, then ToTensor and Normalize; got something else (another padding mode or crop "
            "size, a vertical flip, a colour change, a rotation?)")


def transform_draws(impl, images, draws, seed, where):
    """The outputs (len(images), draws, 3, 32, 32) of impl's train_transform() on PIL images."""
    transform = impl.cifar_linear.train_transform()
    found = probe(impl, f"{where}: train_transform()(image)", "transform_draws", transform, images, draws, seed)
    expect(found["outputs"] is not None, f"{where}: expected torch tensors of shape (3, 32, 32), got "
           f"{' and '.join(found['types'])} of shape {' and '.join(map(str, found['shapes']))}"[:300])
    return found["outputs"]


def draw_positions(impl, images, draws, seed, where):
    """[(dy, dx, flipped)] of every draw, each checked to be a normalised shifted copy."""
    outputs = transform_draws(impl, images, draws, seed, where)
    positions = []
    for number, (image, reads) in enumerate(zip(images, outputs)):
        candidates = Candidates(image)
        positions += [read_draw(out, candidates, f"{where}: train_transform()(image {number}), draw {draw}")
                      for draw, out in enumerate(reads)]
    return positions


@check(points=1, part=AUGMENTATION)
def transform_crops_and_normalises(student):
    """train_transform: tensors (3, 32, 32), random shifts within 4 zero-padded pixels, flips, Normalize"""
    where = "3 random 32x32 RGB images, 8 draws each, torch.manual_seed(0)"
    positions = draw_positions(student, noise_images(441, 3), 8, 0, where)
    expect(len({p[:2] for p in positions}) > 1, f"{where}: expected random crop positions, got "
           f"the image at offset {positions[0][:2]} every time: add transforms.RandomCrop(32, padding=4)")


# -- learning rates: Problem 4(e) -------------------------------------------------------------


@check(points=0.5, part=LEARNING_RATES)
def constant_rate(student):
    """constant_lr(epoch, lr0) is lr0 at every epoch"""
    for epoch, lr0 in [(0, 0.1), (1, 0.1), (4, 0.05), (9, 0.003)]:
        where = f"constant_lr(epoch={epoch}, lr0={lr0})"
        expect_close(one_number(student.cifar_linear.constant_lr(epoch, lr0), where), lr0, where, 1e-12, 0)


@check(points=0.5, part=LEARNING_RATES)
def annealed_rate(student):
    """annealed_lr(prev_lr, decay) is prev_lr * decay, and repeated it decays geometrically"""
    for prev, decay in [(0.1, 0.9), (0.05, 0.995), (1.0, 0.5)]:
        where = f"annealed_lr(prev_lr={prev}, decay={decay})"
        expect_close(one_number(student.cifar_linear.annealed_lr(prev, decay), where), prev * decay, where, 1e-12, 0)
    lr = 0.1
    for _ in range(5):
        lr = float(one_number(student.cifar_linear.annealed_lr(lr, 0.9), "annealed_lr(lr, 0.9)"))
    expect_close(lr, 0.1 * 0.9 ** 5, "annealed_lr applied 5 times from 0.1 with decay 0.9", 1e-12, 0)


# -- the given code, as the homework provides it ----------------------------------------------


def special_rate(epoch, batch_index, N, epochs):
    """The homework's one-cycle schedule, written out from its definition."""
    t, E, hp_max, hp_final, extra = epoch + batch_index / N, epochs + 3, 0.1, 0.005, 5
    if t < E / 2:
        return 2 * hp_max * t / E
    if t < E:
        return hp_final + 2 * (hp_max - hp_final) * (E - t) / E
    if t < E + extra:
        return hp_final * (extra - (t - E)) / extra
    return hp_final / 10


# (epoch, batch_index, N, epochs): the start, both ramps, the breakpoints E / 2, E and E + extra, and after
SPECIAL_POINTS = [(0, 0, 8, 1), (0, 4, 8, 1), (1, 0, 8, 1), (2, 0, 8, 1), (3, 4, 8, 1), (4, 0, 8, 1),
                  (6, 4, 8, 1), (8, 7, 8, 1), (9, 0, 8, 1), (12, 3, 8, 1), (2, 4, 8, 2), (5, 0, 8, 2), (10, 0, 8, 2)]


@check(points=0, part=GIVEN_CODE)
def special_schedule_breakpoints(student):
    """The given special_lr is the homework's one-cycle schedule, at its breakpoints too"""
    for epoch, batch_index, N, epochs in SPECIAL_POINTS:
        where = f"special_lr(lr, epoch={epoch}, batch_index={batch_index}, N={N}, epochs={epochs}) (given code)"
        got = one_number(student.cifar_linear.special_lr(0.0, epoch, batch_index, N, epochs=epochs), where)
        expect_close(got, special_rate(epoch, batch_index, N, epochs), where, 1e-12, 1e-15)


@check(points=0, part=GIVEN_CODE)
def resnet18_shapes(student):
    """The given ResNet18 maps (N, 3, 32, 32) images to (N, 10) logits with the homework's 5,205,962 parameters"""
    summary = probe(student, "ResNet18() (given code)", "module_summary", student.cifar_linear.ResNet18())
    expect(tuple(summary["output_shape"]) == (2, 10), f"ResNet18()(images (2, 3, 32, 32)) (given code): expected "
           f"logits of shape (2, 10), got {tuple(summary['output_shape'])}")
    expect(summary["parameters"] == 5205962, f"ResNet18() (given code): expected 5205962 parameters (widths 64, "
           f"128, 256, 256, 512 pooled features), got {summary['parameters']}")
