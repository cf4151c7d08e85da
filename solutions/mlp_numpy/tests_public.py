"""Public checks of `mlp_numpy`: handed out, and run by `grader check mlp_numpy`.

Every expected value here is computed from first principles (closed forms and
float64 central differences), so these checks need no reference solution.
Layout: batches are rows; a LinearMap from R^n to R^m has W (m, n) and b (m,).
"""
import numpy as np

from grader.checks import as_array, away_from_kinks, check, expect, expect_close, expect_form, expect_gradient

# -- trusted forward passes, written out for the numeric gradients --------------------


def relu(z):
    return np.maximum(z, 0.0)


def step(z):
    """Problem 1's step: 1 where z >= 0."""
    return (np.asarray(z) >= 0).astype(float)


def mlp_forward(Ws, bs, x):
    """Logits of a ReLU MLP without dropout: x (batch, in) -> (batch, out)."""
    for W, b in zip(Ws[:-1], bs[:-1]):
        x = relu(x @ W.T + b)
    return x @ Ws[-1].T + bs[-1]


def softmax(logits):
    """Row-wise softmax of (batch, classes)."""
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def mean_cross_entropy(logits, labels):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -(labels * log_probs).sum() / len(logits)


def one_hot(classes, count, rng):
    return np.eye(classes)[rng.integers(0, classes, count)]


def random_layers(sizes, rng):
    """Weights (out, in) and biases (out,) for consecutive `sizes`."""
    Ws = [rng.standard_normal((m, n)) / np.sqrt(n) for n, m in zip(sizes[:-1], sizes[1:])]
    bs = [rng.standard_normal(m) * 0.1 for m in sizes[1:]]
    return Ws, bs


def gradients_by_step(model, Ws, bs):
    """After backward, step() with lr=1 and alpha=0 moves each parameter by exactly -its gradient."""
    model.step()
    new_Ws, new_bs = model.getWs(), model.getbs()
    expect(len(new_Ws) == len(Ws) and len(new_bs) == len(bs),
           f"getWs()/getbs(): expected {len(Ws)} weights and biases, got {len(new_Ws)} and {len(new_bs)}")
    grad_Ws = [W - as_array(new, f"getWs()[{i}]", W.shape) for i, (W, new) in enumerate(zip(Ws, new_Ws))]
    grad_bs = [b - as_array(new, f"getbs()[{i}]", b.shape) for i, (b, new) in enumerate(zip(bs, new_bs))]
    return grad_Ws, grad_bs


def expect_mlp_gradients(model, sizes, name, rng):
    """Analytic gradients of sum(R * logits) wrt every parameter vs central differences."""
    Ws, bs = random_layers(sizes, rng)
    x, upstream = rng.standard_normal((6, sizes[0])), rng.standard_normal((6, sizes[-1]))
    model.loadparams(Ws, bs)
    model.zerograd()
    model.forward(x, True)
    model.backward(upstream)
    grad_Ws, grad_bs = gradients_by_step(model, Ws, bs)
    for i in range(len(Ws)):
        def loss_W(W, i=i):
            return np.sum(upstream * mlp_forward(Ws[:i] + [W] + Ws[i + 1:], bs, x))

        def loss_b(b, i=i):
            return np.sum(upstream * mlp_forward(Ws, bs[:i] + [b] + bs[i + 1:], x))
        read = " (read as the change of getWs()/getbs() in step() with lr=1, alpha=0: pass lr and alpha " \
               "on to your LinearMaps)"
        expect_gradient(grad_Ws[i], loss_W, Ws[i], f"{name} gradient of W{i + 1}{read}")
        expect_gradient(grad_bs[i], loss_b, bs[i], f"{name} gradient of b{i + 1}{read}")


def linear_map(impl, W, b, alpha=0.0, lr=1.0):
    layer = impl.mlp.LinearMap(W.shape[1], W.shape[0], alpha=alpha, lr=lr)
    layer.loadparams(W, b)
    return layer


# -- LinearMap ------------------------------------------------------------------------


@check(points=1, part="LinearMap")
def linear_map_forward(student):
    """LinearMap.forward computes x W^T + b"""
    rng = np.random.default_rng(1)
    W, b, x = rng.standard_normal((3, 4)), rng.standard_normal(3), rng.standard_normal((5, 4))
    got = linear_map(student, W, b).forward(x)
    expect_close(got, x @ W.T + b, "LinearMap(4, 3).forward(x) for x of shape (5, 4)")


@check(points=1, part="LinearMap")
def linear_map_input_gradient(student):
    """LinearMap.backward returns the gradient wrt its input"""
    rng = np.random.default_rng(2)
    W, b, x = rng.standard_normal((3, 4)), rng.standard_normal(3), rng.standard_normal((5, 4))
    upstream = rng.standard_normal((5, 3))
    layer = linear_map(student, W, b)
    layer.forward(x)
    got = layer.backward(upstream)
    expect_gradient(got, lambda x_: np.sum(upstream * (x_ @ W.T + b)), x, "LinearMap.backward(grad)")


@check(points=2, part="LinearMap")
def linear_map_parameter_gradients(student):
    """LinearMap's gradients of W and b match central differences"""
    rng = np.random.default_rng(3)
    W, b, x = rng.standard_normal((3, 4)), rng.standard_normal(3), rng.standard_normal((5, 4))
    upstream = rng.standard_normal((5, 3))
    layer = linear_map(student, W, b)
    layer.zerograd()
    layer.forward(x)
    layer.backward(upstream)
    (grad_W,), (grad_b,) = gradients_by_step(_Single(layer), [W], [b])
    expect_gradient(grad_W, lambda W_: np.sum(upstream * (x @ W_.T + b)), W,
                    "gradient of W (read as W minus W after step() with lr=1)")
    expect_gradient(grad_b, lambda b_: np.sum(upstream * (x @ W.T + b_)), b,
                    "gradient of b (read as b minus b after step() with lr=1)")


class _Single:
    """A LinearMap seen through the getWs/getbs face of the MLPs."""

    def __init__(self, layer):
        self.layer = layer

    def step(self):
        self.layer.step()

    def getWs(self):
        return [self.layer.getW()]

    def getbs(self):
        return [self.layer.getb()]


@check(points=1, part="Momentum")
def linear_map_momentum(student):
    """LinearMap.step uses momentum: G_M = alpha G_M + G, then W -= lr G_M"""
    rng = np.random.default_rng(4)
    W, b, x = rng.standard_normal((2, 3)), rng.standard_normal(2), rng.standard_normal((4, 3))
    upstream = rng.standard_normal((4, 2))
    alpha, lr = 0.5, 0.1
    layer = linear_map(student, W, b, alpha=alpha, lr=lr)
    expected_W, momentum = W.copy(), np.zeros_like(W)
    for step_number in range(1, 4):
        layer.zerograd()
        layer.forward(x)
        layer.backward(upstream)
        layer.step()
        momentum = alpha * momentum + upstream.T @ x
        expected_W = expected_W - lr * momentum
        expect_close(layer.getW(), expected_W, f"W after step {step_number} with alpha=0.5, lr=0.1 "
                     "(same input and gradient each step)")


# -- ReLU and dropout -----------------------------------------------------------------


@check(points=1, part="ReLU")
def relu_forward_backward(student):
    """ReLU without dropout: forward is max(x, 0), backward passes the gradient where x > 0"""
    rng = np.random.default_rng(5)
    x, upstream = away_from_kinks((6, 5), rng), rng.standard_normal((6, 5))
    layer = student.mlp.ReLU()
    expect_close(layer.forward(x, True), relu(x), "ReLU().forward(x, train=True)")
    expect_close(layer.backward(upstream), upstream * (x > 0), "ReLU().backward(grad)")
    expect_close(layer.forward(x, False), relu(x), "ReLU().forward(x, train=False)")


@check(points=1, part="Dropout")
def dropout_training_masks(student):
    """Dropout in training: each output is 0 or the input, and backward reuses the same mask"""
    rng = np.random.default_rng(6)
    x, upstream = np.abs(away_from_kinks((40, 50), rng)), rng.standard_normal((40, 50))
    layer = student.mlp.ReLU(dropout_chance=0.5)
    student.seed(0)
    out = as_array(layer.forward(x, True), "ReLU(0.5).forward(x, train=True)", x.shape)
    kept = out != 0
    expect(np.all(out[kept] == x[kept]), "ReLU(0.5).forward(x, train=True): every output must be "
           "0 or exactly its input (dropout does not rescale in training)")
    expect(0 < kept.mean() < 1, f"ReLU(0.5).forward(x, train=True): expected some units kept and "
           f"some dropped, got {kept.mean():.0%} kept")
    grad = layer.backward(upstream)
    expect_close(grad, upstream * kept, "ReLU(0.5).backward(grad) must zero the units the last "
                 "forward dropped")


@check(points=1, part="Dropout")
def dropout_inference_scaling(student):
    """Dropout at inference: no unit is dropped, outputs are multiplied by 1 - p"""
    rng = np.random.default_rng(7)
    x = away_from_kinks((8, 6), rng)
    layer = student.mlp.ReLU(dropout_chance=0.25)
    expect_close(layer.forward(x, False), 0.75 * relu(x), "ReLU(0.25).forward(x, train=False)")


# -- Softmax cross-entropy ------------------------------------------------------------


@check(points=1, part="Loss")
def loss_forward(student):
    """SoftmaxCrossEntropyLoss.forward returns the mean cross-entropy over the batch"""
    rng = np.random.default_rng(8)
    logits, labels = rng.standard_normal((7, 4)), one_hot(4, 7, rng)
    got = student.mlp.SoftmaxCrossEntropyLoss().forward(logits, labels)
    expect_close(got, mean_cross_entropy(logits, labels), "SoftmaxCrossEntropyLoss().forward(logits, labels)")


@check(points=1, part="Loss")
def loss_backward(student):
    """SoftmaxCrossEntropyLoss.backward matches central differences of the mean loss"""
    rng = np.random.default_rng(9)
    logits, labels = rng.standard_normal((7, 4)), one_hot(4, 7, rng)
    loss = student.mlp.SoftmaxCrossEntropyLoss()
    loss.forward(logits, labels)
    expect_gradient(loss.backward(), lambda z: mean_cross_entropy(z, labels), logits,
                    "SoftmaxCrossEntropyLoss.backward()")


# -- The networks ---------------------------------------------------------------------


@check(points=1, part="SingleLayerMLP")
def single_layer_gradients(student):
    """SingleLayerMLP's gradients of every parameter match central differences"""
    model = student.mlp.SingleLayerMLP(5, 3, hiddenlayer=4, alpha=0, dropout_chance=0, lr=1.0)
    expect_mlp_gradients(model, [5, 4, 3], "SingleLayerMLP", np.random.default_rng(10))


@check(points=1, part="TwoLayerMLP")
def two_layer_gradients(student):
    """TwoLayerMLP's gradients of every parameter match central differences"""
    model = student.mlp.TwoLayerMLP(5, 3, hiddenlayers=[4, 6], alpha=0, dropout_chance=0, lr=1.0)
    expect_mlp_gradients(model, [5, 4, 6, 3], "TwoLayerMLP", np.random.default_rng(11))


# -- answers.py -----------------------------------------------------------------------

XOR_POINTS = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
XOR_LABELS = np.array([1.0, 1.0, 0.0, 0.0])


def step_network(w, b, a, X):
    """sum_j a_j step(w_j . x + b_j) for each row x of X."""
    return step(X @ w.T + b) @ a


def network_parts(result, where, units, dims):
    """(w, b, a) from a student's answer, with shapes (units, dims), (units,), (units,)."""
    expect_form(isinstance(result, (tuple, list)) and len(result) == 3, where, "a tuple (w, b, a)", result)
    w, b, a = result
    return (as_array(w, f"{where} w", (units, dims)), as_array(b, f"{where} b", (units,)),
            as_array(a, f"{where} a", (units,)))


@check(points=4, part="P1.2 XOR")
def xor_network(student):
    """xor_step_network realises XOR exactly on the four points"""
    w, b, a = network_parts(student.answers.xor_step_network(), "xor_step_network()", 4, 2)
    expect_close(step_network(w, b, a, XOR_POINTS), XOR_LABELS,
                 "network output on (1,0), (0,1), (1,1), (0,0) with step(0) = 1", rtol=0, atol=1e-9)


def expect_interpolates(student, X, y, where):
    n, d = X.shape
    w, b, a = network_parts(student.answers.interpolate(X, y), where, n, d)
    expect_close(step_network(w, b, a, X), y, f"{where}: network output on the N points",
                 rtol=1e-9, atol=1e-9)


@check(points=2, part="P1.3 interpolation")
def interpolation_small(student):
    """interpolate(X, y) is exact on 10 distinct points in 3 dimensions"""
    rng = np.random.default_rng(12)
    X, y = rng.standard_normal((10, 3)), rng.standard_normal(10)
    expect_interpolates(student, X, y, "interpolate(X (10, 3), y)")


def sigmoid_network(W1, b1, W2, b2, X):
    return (1 / (1 + np.exp(-(X @ W1.T + b1)))) @ W2.T + b2


def tanh_network(U1, u1, U2, u2, X):
    return np.tanh(X @ U1.T + u1) @ U2.T + u2


def expect_tanh_equivalent(student, M, D, K, rng):
    W1, b1 = rng.standard_normal((M, D)), rng.standard_normal(M)
    W2, b2 = rng.standard_normal((K, M)), rng.standard_normal(K)
    where = f"tanh_from_sigmoid for M={M}, D={D}, K={K}"
    result = student.answers.tanh_from_sigmoid(W1, b1, W2, b2)
    expect_form(isinstance(result, (tuple, list)) and len(result) == 4, where, "a tuple (U1, u1, U2, u2)",
                result)
    shapes = [(M, D), (M,), (K, M), (K,)]
    U1, u1, U2, u2 = (as_array(v, f"{where} {n}", s) for v, n, s in zip(result, ["U1", "u1", "U2", "u2"], shapes))
    X = rng.standard_normal((20, D)) * 2
    expect_close(tanh_network(U1, u1, U2, u2, X), sigmoid_network(W1, b1, W2, b2, X),
                 f"{where}: tanh network output vs sigmoid network output on 20 inputs", rtol=1e-9, atol=1e-9)


@check(points=1, part="P2.5 tanh")
def tanh_equivalence_small(student):
    """tanh_from_sigmoid gives a tanh network equal to the sigmoid network"""
    expect_tanh_equivalent(student, 3, 2, 2, np.random.default_rng(13))


@check(points=3, part="P4.1 dropout")
def dropout_risk_scalar(student):
    """dropout_risk for N = D = 1 equals (y - p x w)^2 + p (1 - p) (x w)^2"""
    for x, y, w, p in [(2.0, 1.0, 0.5, 0.8), (-1.5, 0.3, 2.0, 0.5), (0.7, -2.0, -1.0, 0.1)]:
        got = student.answers.dropout_risk(np.array([[x]]), np.array([y]), np.array([w]), p)
        expected = (y - p * x * w) ** 2 + p * (1 - p) * (x * w) ** 2
        expect_close(got, expected, f"dropout_risk(X=[[{x}]], y=[{y}], w=[{w}], p={p}) "
                     "(p is the chance to keep an input)", rtol=1e-9)

