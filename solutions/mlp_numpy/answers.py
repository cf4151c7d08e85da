"""The answers to Problems 1, 2 and 4 that have a checkable value. The proofs,
derivations and explanations those problems ask for go in your written
write-up: they are not auto-graded.

Return numpy arrays (or nested lists of numbers) of the shapes stated.
Step activation as Problem 1 defines it: step(z) = 1 if z >= 0 else 0.
A one-hidden-layer step network is f(x) = sum_j a_j step(w_j . x + b_j).
"""
import numpy as np


def xor_step_network():
    """Problem 1.2: four step units that realise the four points exactly.

    f(x) = sum_j a_j step(w_j . x + b_j) must give 1 on (1, 0) and (0, 1),
    and 0 on (1, 1) and (0, 0), with step(0) = 1.

    Returns w (4, 2), b (4,), a (4,): row j of w is w_j.
    """
    # BEGIN SOLUTION: return w (4, 2), b (4,), a (4,) with
    #   sum_j a_j step(w_j . x + b_j) = y on the four points
    # Units 1 and 2 fire on exactly one of the two XOR-true corners; units 3
    # and 4 are unused.
    w = np.array([[1.0, -1.0], [-1.0, 1.0], [0.0, 0.0], [0.0, 0.0]])
    b = np.array([-0.5, -0.5, -1.0, -1.0])
    a = np.array([1.0, 1.0, 0.0, 0.0])
    return w, b, a
    # END SOLUTION


def interpolate(X, y):
    """Problem 1.3: N step units that reproduce any labels on N distinct points.

    X (N, d): N distinct points, one per row; y (N,): real labels.
    Returns w (N, d), b (N,), a (N,) such that
    sum_j a_j step(w_j . X[i] + b_j) = y[i] for every i, exactly (up to
    rounding). Checked on many N and d, including points on an integer grid.
    """
    # BEGIN SOLUTION: return w (N, d), b (N,), a (N,): your construction of Problem 1.3
    # Project the points on a direction that separates them, sort the
    # projections t_(1) < ... < t_(N), and let unit j switch on between
    # t_(j-1) and t_(j): the network's value at the k-th point is then
    # a_1 + ... + a_k = y_(k).
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = X.shape
    direction = _separating_direction(X)
    t = X @ direction
    order = np.argsort(t)
    t_sorted, y_sorted = t[order], y[order]
    thresholds = np.empty(n)
    thresholds[0] = t_sorted[0] - 1.0
    thresholds[1:] = (t_sorted[:-1] + t_sorted[1:]) / 2
    w = np.tile(direction, (n, 1))
    b = -thresholds
    a = np.diff(y_sorted, prepend=0.0)
    return w, b, a
    # END SOLUTION


# BEGIN SOLUTION
def _separating_direction(X, tries=20):
    """A unit direction along which the points' projections are well apart."""
    rng = np.random.default_rng(0)
    best, best_gap = None, -1.0
    for _ in range(tries):
        v = rng.standard_normal(X.shape[1])
        v /= np.linalg.norm(v)
        t = np.sort(X @ v)
        gap = np.min(np.diff(t)) if len(t) > 1 else 1.0
        if gap > best_gap:
            best, best_gap = v, gap
    return best
# END SOLUTION


def tanh_from_sigmoid(W1, b1, W2, b2):
    """Problem 2.5, in matrix form: a tanh network equal to a sigmoid network.

    The sigmoid network is y = W2 sigmoid(W1 x + b1) + b2, with W1 (M, D),
    b1 (M,), W2 (K, M), b2 (K,); in the homework's notation W1[j, i] = w_ji^(1),
    b1[j] = w_j0^(1), W2[k, j] = w_kj^(2), b2[k] = w_k0^(2).
    Returns U1 (M, D), u1 (M,), U2 (K, M), u2 (K,) such that
    U2 tanh(U1 x + u1) + u2 = y for every x.
    """
    # BEGIN SOLUTION: use tanh(x) = 2 sigmoid(2x) - 1 (Problem 2.4)
    #   and return U1, u1, U2, u2
    # Since sigmoid(z) = (tanh(z/2) + 1)/2:
    # U1 = W1/2, u1 = b1/2, U2 = W2/2, u2 = b2 + W2 1 / 2.
    W1, b1, W2, b2 = (np.asarray(v, dtype=float) for v in (W1, b1, W2, b2))
    return W1 / 2, b1 / 2, W2 / 2, b2 + W2.sum(axis=1) / 2
    # END SOLUTION


def dropout_risk(X, y, w, p):
    """Problem 4: the expected dropout loss E_R ||y - (R * X) w||^2, in closed form.

    R (N, D) has independent entries R_ij ~ Bernoulli(p), where p is the
    chance to KEEP an input, as in Problem 4 (not the dropout chance of
    mlp.py); * is the element-wise product.
    X (N, D), y (N,), w (D,), 0 <= p <= 1 -> a float: the exact
    expectation, not a sampled estimate.
    """
    # BEGIN SOLUTION: return the closed form of Problem 4 (p is the chance to keep an input)
    # It equals ||y - p X w||^2 + p (1 - p) ||Gamma w||^2 with
    # Gamma = diag(X^T X)^(1/2).
    X, y, w = (np.asarray(v, dtype=float) for v in (X, y, w))
    residual = y - p * X @ w
    gamma_w_sq = (X ** 2).sum(axis=0) @ (w ** 2)
    return float(residual @ residual + p * (1 - p) * gamma_w_sq)
    # END SOLUTION
