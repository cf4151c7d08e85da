"""Hidden checks of `mlp_numpy`: the fine print, reference comparisons, speed, wider inputs.

These never leave the grader. Reference values come from the reference solution
run in the grader's own process, on the same inputs and the same random seeds.
"""
import contextlib

import numpy as np

from grader.checks import (as_array, best_time, check, expect, expect_close, expect_fast,
                           expect_near_estimate, counted_elsewhere, show, sibling)
from grader.checks.rules import expect_numpy_only

public = sibling(__file__, "tests_public")


# -- LinearMap ------------------------------------------------------------------------


@check(points=1, part="LinearMap")
def gradients_accumulate(student):
    """LinearMap gradients accumulate over backward calls until zerograd()"""
    rng = np.random.default_rng(101)
    W, b, x = rng.standard_normal((3, 4)), rng.standard_normal(3), rng.standard_normal((5, 4))
    g1, g2 = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    layer = public.linear_map(student, W, b)
    layer.zerograd()
    layer.forward(x)
    layer.backward(g1)
    layer.backward(g2)
    layer.step()
    expect_close(layer.getW(), W - (g1 + g2).T @ x, "W after two backward calls and one step "
                 "(lr=1, alpha=0): the two gradients must add up until zerograd()")
    layer.loadparams(W, b)
    layer.zerograd()
    layer.forward(x)
    layer.backward(g1)
    layer.step()
    expect_close(layer.getW(), W - g1.T @ x, "W after zerograd(), one backward and one step: "
                 "zerograd() must clear the gradients")


@check(points=1, part="Momentum")
def momentum_matches_reference(student, reference):
    """LinearMap momentum over 6 steps with changing inputs matches the reference"""
    def probe(impl):
        rng = np.random.default_rng(102)
        W, b = rng.standard_normal((4, 6)), rng.standard_normal(4)
        layer = public.linear_map(impl, W, b, alpha=0.9, lr=0.05)
        history = []
        for _ in range(6):
            layer.zerograd()
            layer.forward(rng.standard_normal((8, 6)))
            layer.backward(rng.standard_normal((8, 4)))
            layer.step()
            history += [layer.getW(), layer.getb()]
        return history
    got, expected = probe(student), probe(reference)
    for step_number, (g, e) in enumerate(zip(got, expected)):
        name = "W" if step_number % 2 == 0 else "b"
        expect_close(g, e, f"{name} after step {step_number // 2 + 1} (alpha=0.9, lr=0.05)")


@check(points=1, part="LinearMap")
def parameter_shapes(student):
    """getW, getb and loadparams use W (outdim, indim) and b (outdim,), also for batch 1 and width 1"""
    rng = np.random.default_rng(103)
    layer = student.mlp.LinearMap(7, 1)
    as_array(layer.getW(), "LinearMap(7, 1).getW() right after construction", (1, 7))
    as_array(layer.getb(), "LinearMap(7, 1).getb() right after construction", (1,))
    W, b, x = rng.standard_normal((1, 7)), rng.standard_normal(1), rng.standard_normal((1, 7))
    layer.loadparams(W, b)
    expect_close(layer.getW(), W, "getW() after loadparams(W, b)")
    expect_close(layer.forward(x), x @ W.T + b, "LinearMap(7, 1).forward(x) for a batch of 1")


# -- Dropout --------------------------------------------------------------------------


@check(points=1, part="Dropout")
def dropout_draws_once(student, reference):
    """Dropout draws exactly one np.random.uniform of the input's shape in training, none in inference"""
    x = public.away_from_kinks((5, 4), np.random.default_rng(104))
    for train, draws in ((True, "one np.random.uniform(0, 1, x.shape)"), (False, "no random numbers")):
        after = []
        for impl in (student, reference):
            impl.seed(7)
            impl.mlp.ReLU(dropout_chance=0.3).forward(x, train)
            after.append(impl.draw(3))
        expect_close(after[0], after[1], f"the next random numbers after ReLU(0.3).forward(x, "
                     f"train={train}) for x of shape (5, 4): it must use {draws}", rtol=0, atol=0)


@check(points=1, part="Dropout")
def dropout_matches_reference(student, reference):
    """Dropout masks, outputs and gradients match the reference under the same seed"""
    def probe(impl):
        rng = np.random.default_rng(105)
        x, upstream = public.away_from_kinks((6, 9), rng), rng.standard_normal((6, 9))
        layer = impl.mlp.ReLU(dropout_chance=0.4)
        impl.seed(2024)
        return [layer.forward(x, True), layer.backward(upstream), layer.forward(x, True)]
    names = ["first forward", "backward", "second forward"]
    for name, g, e in zip(names, probe(student), probe(reference)):
        expect_close(g, e, f"ReLU(0.4) {name} after np.random.seed(2024) (a unit is kept where "
                     "the uniform draw >= p)")


@check(points=1, part="Dropout")
def dropout_rate(student):
    """Dropout zeroes a fraction p of the units, not 1 - p"""
    x = np.ones((200, 250))  # small enough to travel fast; the tolerance is 7 standard deviations
    student.seed(0)
    out = as_array(student.mlp.ReLU(dropout_chance=0.3).forward(x, True), "ReLU(0.3).forward(ones, train=True)")
    dropped = float(np.mean(out == 0))
    expect(abs(dropped - 0.3) < 0.015, f"ReLU(0.3).forward(ones (200, 250), train=True): expected about "
           f"30% of the units dropped, got {dropped:.1%}")


# -- Loss -----------------------------------------------------------------------------


@check(points=1, part="Loss")
def softmax_is_stable(student):
    """SoftmaxCrossEntropyLoss is finite and right for logits near +-1e3 (no overflow in exp)"""
    rng = np.random.default_rng(106)
    # Large logits whose softmax is well-conditioned (no probability near 0): exp overflows
    # without the shift, while a shifted softmax with log(p + eps) is as right as any.
    logits = np.array([1e3, -1e3, 1e3, -1e3, 7e2])[:, None] + rng.standard_normal((5, 4))
    labels = public.one_hot(4, 5, rng)
    loss = student.mlp.SoftmaxCrossEntropyLoss()
    where = "SoftmaxCrossEntropyLoss on logits near +-1e3"
    for name, got, expected in (("forward", lambda: loss.forward(logits, labels),
                                 public.mean_cross_entropy(logits, labels)),
                                ("backward", loss.backward, (public.softmax(logits) - labels) / 5)):
        value = as_array(got(), f"{where}: {name}")
        expect(np.isfinite(value).all(), f"{where}: {name}: expected finite numbers, got {show(value)}: "
               "exp overflows there; subtract each row's maximum before exp")
        expect_close(value, expected, f"{where}: {name}")


@check(points=1, part="Loss")
def accuracy_fraction(student):
    """getAccu returns the fraction of the last batch predicted right"""
    logits = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [1.0, 0.0, 5.0], [4.0, 0.0, 1.0]])
    labels = np.eye(3)[[0, 1, 0, 2]]
    loss = student.mlp.SoftmaxCrossEntropyLoss()
    loss.forward(logits, labels)
    expect_close(loss.getAccu(), 0.5, "getAccu() after a batch of 4 with 2 right (a fraction in [0, 1])")


# -- The networks ---------------------------------------------------------------------


def network_outputs(impl, kind, sizes, train):
    """Logits of a seeded network with dropout 0.2, in training or inference."""
    rng = np.random.default_rng(107)
    Ws, bs = public.random_layers(sizes, rng)
    x = rng.standard_normal((10, sizes[0]))
    if kind == "SingleLayerMLP":
        model = impl.mlp.SingleLayerMLP(sizes[0], sizes[-1], hiddenlayer=sizes[1], dropout_chance=0.2)
    else:
        model = impl.mlp.TwoLayerMLP(sizes[0], sizes[-1], hiddenlayers=sizes[1:3], dropout_chance=0.2)
    model.loadparams(Ws, bs)
    impl.seed(3)
    return model.forward(x, train)


@check(points=1, part="SingleLayerMLP")
def single_layer_forward(student, reference):
    """SingleLayerMLP forward with dropout matches the reference, in training and inference"""
    for train in (True, False):
        expect_close(network_outputs(student, "SingleLayerMLP", [6, 8, 3], train),
                     network_outputs(reference, "SingleLayerMLP", [6, 8, 3], train),
                     f"SingleLayerMLP(6, 3, hiddenlayer=8, dropout_chance=0.2).forward(x, train={train}) "
                     "after np.random.seed(3)")


@check(points=1, part="TwoLayerMLP")
def two_layer_forward(student, reference):
    """TwoLayerMLP forward with dropout matches the reference, in training and inference"""
    for train in (True, False):
        expect_close(network_outputs(student, "TwoLayerMLP", [6, 8, 5, 3], train),
                     network_outputs(reference, "TwoLayerMLP", [6, 8, 5, 3], train),
                     f"TwoLayerMLP(6, 3, hiddenlayers=[8, 5], dropout_chance=0.2).forward(x, train={train}) "
                     "after np.random.seed(3)")


def ten_steps(impl):
    """Parameters of a TwoLayerMLP after 10 seeded minibatch steps with momentum and dropout."""
    rng = np.random.default_rng(108)
    Ws, bs = public.random_layers([12, 10, 8, 4], rng)
    model = impl.mlp.TwoLayerMLP(12, 4, hiddenlayers=[10, 8], alpha=0.4, dropout_chance=0.2, lr=0.05)
    loss = impl.mlp.SoftmaxCrossEntropyLoss()
    model.loadparams(Ws, bs)
    impl.seed(10417)
    for _ in range(10):
        x, labels = rng.standard_normal((16, 12)), public.one_hot(4, 16, rng)
        model.zerograd()
        loss.forward(model.forward(x, True), labels)
        model.backward(loss.backward())
        model.step()
    return model.getWs() + model.getbs()


@check(points=0, part="Training")
def ten_training_steps(student, reference):
    """TwoLayerMLP after 10 seeded SGD steps with momentum and dropout matches the reference"""
    names = ["W1", "W2", "W3", "b1", "b2", "b3"]
    for name, g, e in zip(names, ten_steps(student), ten_steps(reference)):
        expect_close(g, e, f"{name} after 10 steps (alpha=0.4, dropout 0.2, lr=0.05, np.random.seed(10417))",
                     rtol=1e-6, atol=1e-9)


# -- Rules ----------------------------------------------------------------------------


@check(points=1, part="Rules")
def numpy_only(student, sources):
    """mlp.py uses numpy and nothing else: in its imports, and in what its code loads and runs"""
    expect_numpy_only(student, sources, "mlp.py", mlp_at_work)


def mlp_at_work(mlp):
    """[(what, function, args)]: a TwoLayerMLP's forward, backward and step, and the loss, for the rules."""
    rng = np.random.default_rng(110)
    sizes = [5, 4, 4, 3]
    model = mlp.TwoLayerMLP(sizes[0], sizes[-1], hiddenlayers=sizes[1:3], alpha=0.1, lr=0.01)
    loss = mlp.SoftmaxCrossEntropyLoss()
    x, logits, labels = rng.standard_normal((6, 5)), rng.standard_normal((6, 3)), public.one_hot(3, 6, rng)
    return [("TwoLayerMLP.forward(x)", model.forward, [x]),
            ("TwoLayerMLP.backward(grad)", model.backward, [rng.standard_normal((6, 3))]),
            ("TwoLayerMLP.step()", model.step, []),
            ("SoftmaxCrossEntropyLoss.forward(logits, labels)", loss.forward, [logits, labels]),
            ("SoftmaxCrossEntropyLoss.backward()", loss.backward, [])]


@check(points=1, part="Speed")
def vectorised_speed(student, reference_process):
    """TwoLayerMLP forward and backward run within 10x of the reference's time"""
    # Narrow layers and a wide batch: a loop over samples costs 20x and more, never borderline.
    batch, sizes, times = 1000, [20, 16, 16, 4], 20
    (seconds, moved), (reference_seconds, _) = (
        timed_training(impl, batch, sizes, times) for impl in (student, reference_process))
    expect(moved, "the weights did not change after the timed forward/backward calls and one "
           "step(): the timed calls must do the real work")
    expect_fast(seconds, reference_seconds, f"TwoLayerMLP forward+backward on a batch of {batch}, {times} times",
                "use matrix products over the whole batch, not Python loops")


def timed_training(impl, batch, sizes, times):
    """Best time of 3 rounds of `times` forward and backward calls, and whether they did anything.

    The backward calls accumulate their gradients, so one step() afterwards must
    move the weights: a worker that skips the timed calls is caught here (their
    values are judged by the other checks).
    """
    rng = np.random.default_rng(109)
    Ws, bs = public.random_layers(sizes, rng)
    model = impl.mlp.TwoLayerMLP(sizes[0], sizes[-1], hiddenlayers=sizes[1:3], alpha=0,
                                 dropout_chance=0.1, lr=1e-4)
    model.loadparams(Ws, bs)
    x, upstream = impl.keep(rng.standard_normal((batch, sizes[0]))), impl.keep(rng.standard_normal((batch, sizes[-1])))
    # the timed code must compute something: logits of the right shape (their values are judged elsewhere)
    as_array(model.forward(x, False), f"TwoLayerMLP.forward on a batch of {batch}", (batch, sizes[-1]))
    impl.seed(109)
    model.zerograd()
    seconds = best_time(lambda: impl.seconds(model.forward, x, True, times=times)
                        + impl.seconds(model.backward, upstream, times=times))
    moved = True  # a getWs or step that fails loses its own checks: a speed check judges speed
    with counted_elsewhere(), contextlib.suppress(TypeError, ValueError):
        before = [np.asarray(W, dtype=float) for W in model.getWs()]
        model.step()
        after = [np.asarray(W, dtype=float) for W in model.getWs()]
        moved = all(a.shape == b.shape and np.abs(a - b).max() > 0 for a, b in zip(after, before))
    return seconds, moved


# -- answers.py -----------------------------------------------------------------------


@check(points=4, part="P1.3 interpolation")
def interpolation_general(student):
    """interpolate(X, y) is exact on N distinct points in d dimensions, for many N and d"""
    rng = np.random.default_rng(110)
    cases = [(1, 1), (2, 1), (7, 1), (25, 2), (60, 5), (200, 20)]
    for n, d in cases:
        X, y = rng.standard_normal((n, d)), rng.standard_normal(n) * 3
        public.expect_interpolates(student, X, y, f"interpolate(X ({n}, {d}), y)")
    grid = np.array([[i, j] for i in range(5) for j in range(5)], dtype=float)
    public.expect_interpolates(student, grid, rng.standard_normal(25), "interpolate on a 5x5 integer grid")


@check(points=2, part="P2.5 tanh")
def tanh_equivalence_general(student):
    """tanh_from_sigmoid is equivalent on random networks of several sizes"""
    rng = np.random.default_rng(111)
    for M, D, K in [(1, 1, 1), (5, 3, 4), (20, 10, 3)]:
        public.expect_tanh_equivalent(student, M, D, K, rng)


@check(points=7, part="P4.2 dropout")
def dropout_risk_general(student):
    """dropout_risk agrees with a Monte Carlo estimate of E ||y - (R * X) w||^2"""
    rng = np.random.default_rng(112)
    for n, d, p in [(1, 4, 0.5), (6, 3, 0.8), (10, 5, 0.3)]:
        X, y, w = rng.standard_normal((n, d)), rng.standard_normal(n), rng.standard_normal(d)
        samples = monte_carlo_losses(X, y, w, p, rng)
        where = f"dropout_risk(X ({n}, {d}), y, w, p={p})"
        got = as_array(student.answers.dropout_risk(X, y, w, p), where)
        expect(got.shape == (), f"{where}: expected one number, got shape {got.shape}")
        expect_near_estimate(float(got), samples, where, "E ||y - (R * X) w||^2 over keep-masks R; "
                             "p is the chance to keep")


def monte_carlo_losses(X, y, w, p, rng, count=200_000, chunk=20_000):
    """||y - (R * X) w||^2 for `count` random keep-masks R ~ Bernoulli(p), drawn `chunk` at a time
    (the same draws as all at once, in a tenth of the memory)."""
    losses = []
    for start in range(0, count, chunk):
        masks = rng.random((min(chunk, count - start),) + X.shape) < p
        losses.append(((y - (masks * X) @ w) ** 2).sum(axis=1))
    return np.concatenate(losses)
