"""Reference answers of `mlp_numpy` Problems 1, 2 and 4 that have a checkable value.

Step activation as Problem 1 defines it: step(z) = 1 if z >= 0 else 0.
A one-hidden-layer step network is f(x) = sum_j a_j step(w_j . x + b_j).
"""
import numpy as np


def xor_step_network():
    """Four step units realising XOR on (1,0), (0,1) -> 1 and (1,1), (0,0) -> 0.

    Returns w (4, 2), b (4,), a (4,). Units 1 and 2 fire on exactly one of the
    two XOR-true corners; units 3 and 4 are unused.
    """
    w = np.array([[1.0, -1.0], [-1.0, 1.0], [0.0, 0.0], [0.0, 0.0]])
    b = np.array([-0.5, -0.5, -1.0, -1.0])
    a = np.array([1.0, 1.0, 0.0, 0.0])
    return w, b, a


def interpolate(X, y):
    """N step units that reproduce labels y (N,) exactly on N distinct points X (N, d).

    Project the points on a direction that separates them, sort the projections
    t_(1) < ... < t_(N), and let unit j switch on between t_(j-1) and t_(j): the
    network's value at the k-th point is then a_1 + ... + a_k = y_(k).
    """
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


def tanh_from_sigmoid(W1, b1, W2, b2):
    """Weights of a tanh network equal to y = W2 sigmoid(W1 x + b1) + b2.

    W1 (M, D), b1 (M,), W2 (K, M), b2 (K,). Since sigmoid(z) = (tanh(z/2) + 1)/2:
    U1 = W1/2, u1 = b1/2, U2 = W2/2, u2 = b2 + W2 1 / 2.
    """
    W1, b1, W2, b2 = (np.asarray(v, dtype=float) for v in (W1, b1, W2, b2))
    return W1 / 2, b1 / 2, W2 / 2, b2 + W2.sum(axis=1) / 2


def dropout_risk(X, y, w, p):
    """E_R ||y - (R * X) w||^2 for R_ij ~ Bernoulli(p), p the chance to KEEP an input.

    X (N, D), y (N,), w (D,). Equals ||y - p X w||^2 + p (1 - p) ||Gamma w||^2
    with Gamma = diag(X^T X)^(1/2).
    """
    X, y, w = (np.asarray(v, dtype=float) for v in (X, y, w))
    residual = y - p * X @ w
    gamma_w_sq = (X ** 2).sum(axis=0) @ (w ** 2)
    return float(residual @ residual + p * (1 - p) * gamma_w_sq)
