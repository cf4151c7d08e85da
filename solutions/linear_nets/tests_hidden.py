"""Hidden checks of `linear_nets`: the fine print of the public parts, on more inputs.

They never leave the grader. The probes and expected values are the public
checks' (sibling module `tests_public`), on more shapes, depths, ranks, label
dtypes, vectors v* and draws of the transform.
"""
import numpy as np

from grader.checks import check, expect, expect_close, expect_gradient, sibling

public = sibling(__file__, "tests_public")


# == Problem 2 ==============================================================================


@check(points=0.5, part=public.PRODUCT_RISK)
def product_and_risk_corners(student):
    """product and risk for one layer, width-1 layers, a single sample and a scalar output"""
    rng = np.random.default_rng(501)
    for dims, n in [([4, 3], 5), ([3, 1, 4, 1, 2], 6), ([2, 5, 1], 1), ([1, 1], 3)]:
        Ws, (X, Y) = public.random_weights(rng, dims), public.regression_data(rng, n, dims)
        where = f"for widths d_0..d_{len(dims) - 1} = {dims} and n = {n}"
        expect_close(student.linear_networks.product(Ws), public.product(Ws), f"product(Ws) {where}")
        got = public.one_number(student.linear_networks.risk(Ws, X, Y), f"risk(Ws, X, Y) {where}")
        expect_close(got, public.risk(Ws, X, Y), f"risk(Ws, X, Y) {where}")


@check(points=0.5, part=public.GRAD_WBAR)
def grad_wbar_shapes_and_minimiser(student):
    """grad_wbar for one sample, one output and one input, and 0 at the least-squares solution"""
    rng = np.random.default_rng(502)
    for n, d, p in [(1, 3, 2), (5, 4, 1), (6, 1, 3), (9, 5, 5)]:
        public.expect_grad_wbar(student, rng, n, d, p)
    X, Y = rng.standard_normal((20, 4)), rng.standard_normal((20, 3))
    W_star = np.linalg.solve(X.T @ X, X.T @ Y).T  # Wbar X^T X = Y^T X: the minimiser of Q (Problem 2(d))
    expect_close(student.linear_networks.grad_wbar(W_star, X, Y), np.zeros((3, 4)),
                 "grad_wbar(W*, X (20, 4), Y (20, 3)) at the least-squares solution W* = Y^T X (X^T X)^-1, "
                 "where W* X^T X - Y^T X = 0", 0, 1e-9)


@check(points=1, part=public.GRAD_LAYER)
def grad_layer_first_and_last(student):
    """grad_layer for i = 1 and i = L, where one of the partial products is an identity"""
    public.expect_grad_layer(student, np.random.default_rng(503), [3, 4, 5, 2], [1, 3])
    public.expect_grad_layer(student, np.random.default_rng(504), [2, 6, 3], [1, 2])


@check(points=1, part=public.GRAD_LAYER)
def grad_layer_any_depth(student):
    """grad_layer for every layer of networks of depth 1 to 5, width-1 layers among them"""
    rng = np.random.default_rng(505)
    for dims in ([3, 2], [4, 4, 4], [2, 1, 3, 1, 2, 3], [5, 3, 4, 2, 6]):
        public.expect_grad_layer(student, rng, dims, range(1, len(dims)), n=5)


@check(points=1, part=public.CAPACITY)
def realize_random_shapes(student):
    """realize for random depths 1 to 5, widths 1 to 7 and every feasible rank"""
    rng = np.random.default_rng(506)
    for case in range(30):
        dims = [int(v) for v in rng.integers(1, 8, int(rng.integers(2, 7)))]
        r = int(rng.integers(0, min(dims) + 1))
        W0 = public.low_rank(rng, dims[-1], dims[0], r)
        public.expect_realized(student, W0, dims, r, f"random case {case}")


@check(points=0.5, part=public.CAPACITY)
def realize_at_the_boundary(student):
    """realize succeeds at rank(W0) = min(dims), fails one above it, and never fails for one layer"""
    rng = np.random.default_rng(507)
    for dims in ([5, 2, 4], [6, 5, 3, 3, 6], [4, 1, 4]):
        m = min(dims)
        public.expect_realized(student, public.low_rank(rng, dims[-1], dims[0], m), dims, m, "rank = min(dims)")
        public.expect_refused(student, public.low_rank(rng, dims[-1], dims[0], m + 1), dims, m + 1,
                              "rank = min(dims) + 1")
    for dims, r in [([3, 5], 3), ([6, 2], 2), ([4, 4], 4), ([3, 3, 7], 3), ([2, 6, 6, 5], 2), ([4, 3], 0)]:
        where = "the smallest width is d_0 or d_L" if len(dims) > 2 else "one layer"
        public.expect_realized(student, public.low_rank(rng, dims[-1], dims[0], r), dims, r, where)


# == Problem 3 ==============================================================================


def corner_vectors(d):
    """v* all zeros, all ones, a single 1 first, a single 1 last."""
    return [np.zeros(d), np.ones(d), np.eye(d)[0], np.eye(d)[-1]]


@check(points=0.5, part=public.PARITY_NET)
def parity_weights_corners(student):
    """set_parity_weights is exact for v* all zeros, all ones, a single first or last 1, d = 1 to 10"""
    for d in (1, 2, 3, 5, 6, 7, 8, 10):
        inputs = public.all_inputs(d)
        for v_star in corner_vectors(d):
            public.expect_parity(student, v_star, inputs, f"on all {len(inputs)} inputs")


def sampled_inputs(v_star, rng, count):
    """Random inputs, and for every s = 0 .. |v*| inputs with v*.x = s (the rest of x random too)."""
    d, on = len(v_star), np.flatnonzero(v_star)
    rows = [rng.integers(0, 2, (count, d)).astype(float), np.zeros((1, d)), np.ones((1, d)), v_star[None, :]]
    for s in range(len(on) + 1):
        x = rng.integers(0, 2, (4, d)).astype(float)
        x[:, on] = 0
        for row in x:
            row[rng.choice(on, s, replace=False)] = 1
        rows.append(x)
    return np.vstack(rows)


@check(points=0.5, part=public.PARITY_NET)
def parity_weights_d30(student):
    """set_parity_weights is exact for d = 30 on a sample of inputs that reaches every value of v*.x"""
    rng = np.random.default_rng(508)
    for v_star in (rng.integers(0, 2, 30).astype(float), np.ones(30), rng.integers(0, 2, 11).astype(float)):
        public.expect_parity(student, v_star, sampled_inputs(v_star, rng, 3000), "on a sample of inputs")


@check(points=0.5, part=public.HINGE_TRAINING)
def hinge_loss_shapes_and_dtypes(student):
    """my_loss and its gradient for outputs (N,) and (N, 1), labels int64, int32 and float64, and N = 1"""
    rng = np.random.default_rng(509)
    for n, column, dtype in [(7, False, "int64"), (5, True, "int32"), (9, False, "float64"), (1, True, "int64"),
                             (6, True, "float64")]:
        f, y = public.hinge_case(rng, n)
        shape = f"({n}, 1)" if column else f"({n},)"
        public.expect_hinge_gradient(student, f, y, column, dtype, f"my_loss(output {shape}, y ({n},) {dtype})")


@check(points=0.5, part=public.HINGE_TRAINING)
def train_parity_depends_on_seed(student):
    """train_parity draws v*, the data and the weights from its seed: other seeds, other losses"""
    runs = [public.losses_of(student, 5, 20, seed)[0] for seed in (0, 1)]
    expect(not np.array_equal(*runs), "train_parity(d=5, iterations=20, seed=0) and seed=1: expected different "
           "losses (the seed fixes v*, the data and the initial weights), got the same list: seed with `seed`, "
           "not a fixed number")
    one, where = public.losses_of(student, 3, 1, 7)
    expect(len(one) == 1, f"{where}: expected one loss, got {len(one)}")


# == Problem 4 ==============================================================================


@check(points=0.5, part=public.EMBEDDINGS)
def pca_more_shapes(student):
    """pca_embed for k = 1 and 3, and for fewer rows than columns"""
    rng = np.random.default_rng(510)
    X = public.pca_case(rng, 80, 6, np.array([4.0, 2.5, 1.5, 0.8, 0.4, 0.2]))
    for k in (1, 3):
        public.expect_pca(student, X, k, "")
    wide = public.pca_case(rng, 12, 25, np.array([5.0, 3.0, 2.0, 1.2, 0.7, 0.4, 0.2]))
    public.expect_pca(student, wide, 3, " (fewer rows than columns)")


@check(points=0.5, part=public.EMBEDDINGS)
def cca_more_shapes(student):
    """cca_embed for k = c - 1 and for six classes"""
    rng = np.random.default_rng(511)
    X, y = public.cca_case(rng, 400, 5, 4, np.array([1.5, 0.9, 0.5, 0.2, 0.1]))
    public.expect_cca(student, X, y, 3, "")
    X, y = public.cca_case(rng, 500, 9, 6, np.array([1.6, 1.2, 0.9, 0.6, 0.4, 0.2, 0.1, 0.1, 0.1]))
    public.expect_cca(student, X, y, 2, " (six classes)")


@check(points=0.5, part=public.LINEAR_BASELINE)
def linear_baseline_more_cases(student):
    """linear_classifier_accuracy with strongly unequal classes and with three classes"""
    rng = np.random.default_rng(512)
    public.expect_accuracies(student, public.classification_case(rng, 400, 300, 6, [0.6, 0.2, 0.1, 0.06, 0.04]),
                             " (unequal classes)")
    public.expect_accuracies(student, public.classification_case(rng, 150, 90, 12, [0.5, 0.3, 0.2]),
                             " (three classes)")


FLIP_DRAWS = 200


def many_draws(student):
    where = f"1 random 32x32 RGB image, {FLIP_DRAWS} draws, torch.manual_seed(1)"
    return public.draw_positions(student, public.noise_images(542, 1), FLIP_DRAWS, 1, where), where


@check(points=0.5, part=public.AUGMENTATION)
def transform_flips_half_the_time(student):
    """train_transform flips images left-right about half of the time"""
    positions, where = many_draws(student)
    flipped = np.mean([p[2] for p in positions])
    expect(0.35 <= flipped <= 0.65, f"{where}: expected about half of the images flipped left-right "
           f"(RandomHorizontalFlip(), p = 0.5), got {flipped:.0%} flipped")


@check(points=0.5, part=public.AUGMENTATION)
def transform_shifts_up_to_four(student):
    """train_transform shifts images by every offset from -4 to 4 pixels, both ways"""
    positions, where = many_draws(student)
    for axis, name in ((0, "vertical"), (1, "horizontal")):
        seen = sorted({p[axis] for p in positions})
        expect(seen == list(range(-4, 5)), f"{where}: expected {name} shifts of every size from -4 to 4 pixels "
               f"(RandomCrop(32, padding=4)), got {seen}")
