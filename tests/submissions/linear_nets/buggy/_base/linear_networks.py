"""Linear neural networks (Problem 2), in numpy.

A depth-L linear network is its list of weight matrices Ws = [W_1, ..., W_L],
first layer first, without biases: W_i has shape (d_i, d_(i-1)), so that
f(x) = W_L ... W_1 x maps R^(d_0) to R^(d_L). The data matrices have one
sample per row: X has shape (n, d) and Y shape (n, p), with d = d_0 and
p = d_L. Take and return numpy arrays (float64).

- product(Ws): Wbar = W_L ... W_1, shape (p, d).
- risk(Ws, X, Y): R = 1/2 ||Wbar X^T - Y^T||_F^2, a float.
- grad_wbar(Wbar, X, Y): dQ/dWbar of Q(Wbar) = 1/2 ||Wbar X^T - Y^T||_F^2, shape (p, d).
- grad_layer(Ws, X, Y, i): dR/dW_i, shape (d_i, d_(i-1)); i is 1-based, as in
  the homework (i = 1 is the first layer, i = L the last).
- realize(W0, dims): weights Ws with W_i of shape (dims[i], dims[i-1]) whose
  product is W0 (relative error at most 1e-8), for dims = [d_0, ..., d_L]
  with d_0 = d and d_L = p; raise ValueError exactly when
  rank(W0) > min(dims) (Problem 2(a): then no such weights exist).

The gradients are checked against float64 central differences of the risk;
realize is checked for random ranks, depths and widths, at the boundary
rank(W0) = min(dims) too.
"""
import numpy as np


def product(Ws):
    """Wbar = W_L ... W_1 for Ws = [W_1, ..., W_L]: shape (d_L, d_0)."""
    Wbar = Ws[0]
    for W in Ws[1:]:
        Wbar = W @ Wbar
    return Wbar


def risk(Ws, X, Y):
    """R = 1/2 ||Wbar X^T - Y^T||_F^2 for X (n, d), Y (n, p): a float."""
    E = product(Ws) @ X.T - Y.T
    return 0.5 * float(np.sum(E * E))


def grad_wbar(Wbar, X, Y):
    """dQ/dWbar for Q(Wbar) = 1/2 ||Wbar X^T - Y^T||_F^2: shape (p, d), like Wbar."""
    # With F = A B and message Z at F, A gets Z B^T: here Z = E and B = X^T.
    return (Wbar @ X.T - Y.T) @ X


def grad_layer(Ws, X, Y, i):
    """dR/dW_i for the 1-based layer index i: shape (d_i, d_(i-1)), like Ws[i - 1]."""
    # Wbar = Wbar_(L:i+1) P with P = W_i Wbar_(i-1:1): P gets A^T Z, W_i gets that
    # times Wbar_(i-1:1)^T. The empty products are identities of the matching size.
    G = grad_wbar(product(Ws), X, Y)
    below = product(Ws[:i - 1]) if i > 1 else np.eye(Ws[0].shape[1])
    above = product(Ws[i:]) if i < len(Ws) else np.eye(Ws[-1].shape[0])
    return above.T @ G @ below.T


def realize(W0, dims):
    """[W_1, ..., W_L] with W_i of shape (dims[i], dims[i-1]) and W_L ... W_1 = W0.

    W0 has shape (dims[-1], dims[0]). Raises ValueError when rank(W0) > min(dims).
    """
    # W0 = U_r S_r V_r^T. The first layer maps x to the r coordinates S_r V_r^T x,
    # the middle layers pass those r coordinates on (an identity block padded with
    # zeros), the last layer maps them back with U_r.
    W0 = np.asarray(W0, dtype=np.float64)
    if W0.shape != (dims[-1], dims[0]):
        raise ValueError(f"W0 has shape {W0.shape}, dims asks for ({dims[-1]}, {dims[0]})")
    U, S, Vt = np.linalg.svd(W0, full_matrices=False)
    r = np.linalg.matrix_rank(W0)
    if r > min(dims):
        raise ValueError(f"rank(W0) = {r} > min(dims) = {min(dims)}: no network of these widths has this product")
    if len(dims) == 2:
        return [W0.copy()]
    first = np.zeros((dims[1], dims[0]))
    first[:r] = S[:r, None] * Vt[:r]
    middle = [np.eye(rows, columns) for rows, columns in zip(dims[2:-1], dims[1:-2])]
    last = np.zeros((dims[-1], dims[-2]))
    last[:, :r] = U[:, :r]
    return [first, *middle, last]
