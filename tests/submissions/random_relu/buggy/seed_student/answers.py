"""Reference answers of `random_relu` Problems 1 to 3 that have a checkable value.

Problem 1: y = max(0, W x) with W (m, d) of independent N(0, 1) entries and a
fixed x whose entries are all non-zero, ||x||_2 = sigma.
"""
import numpy as np


def expected_active(m):
    """E[number of non-zero entries of y] = m / 2: each (W x)_i is symmetric about 0, never 0."""
    return m / 2


def preactivation_moments(sigma):
    """(mean, variance) of each (W x)_i = sum_j W_ij x_j ~ N(0, sum_j x_j^2) = N(0, sigma^2)."""
    return 0.0, float(sigma) ** 2


def expected_relu_output(sigma):
    """E[max(0, q)] for q ~ N(0, sigma^2): the integral of q p(q) over q > 0, sigma / sqrt(2 pi)."""
    return float(sigma) / np.sqrt(2 * np.pi)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def graph_forward_backward(W, x):
    """L = max(sigmoid(W_1 x), sigmoid(W_2 x)) and its gradients, for W (2, 2), x (2,).

    Forward p = W x, q = sigmoid(p), L = max(q). Backward: dL/dq is 1 at the
    larger q and 0 at the other; dL/dp = dL/dq * q (1 - q); dL/dW = dL/dp (x) x,
    dL/dx = W^T dL/dp. Returns {"L": float, "dW": (2, 2), "dx": (2,)}.
    """
    W, x = np.asarray(W, dtype=float), np.asarray(x, dtype=float)
    q = 1.0 / (1.0 + np.exp(W @ x))  # sigmoid(-4) taken as 1 / (1 + e^-4)
    winner = int(np.argmax(q))
    dq = np.zeros(2)
    dq[winner] = 1.0
    dp = dq * q * (1 - q)
    return {"L": float(q[winner]), "dW": np.outer(dp, x), "dx": W.T @ dp}


def softmax_ce_grad(z1, z2, y):
    """(dL/dz1, dL/dz2) = (y_hat - y, y - y_hat) with y_hat = e^z1 / (e^z1 + e^z2) = sigmoid(z1 - z2)."""
    y_hat = sigmoid(float(z1) - float(z2))
    return y_hat - y, y - y_hat
