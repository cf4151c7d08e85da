"""Reference of `relu_nets` Question 8: y = W x, u = relu(y), v = u + W u, L = ||v||^2 / 2.

numpy arrays in and out: W (d, d), x (d,). The step function is the
homework's Heaviside, step(y) = 1 if y >= 0 else 0.
"""
import numpy as np


def loss(W, x):
    """L = ||v||^2 / 2 as a float."""
    u = np.maximum(W @ x, 0.0)
    v = u + W @ u
    return float(v @ v / 2)


def grad_W(W, x):
    """dL/dW = v (x) u + diag(step(y)) (I + W^T) v (x) x, shape (d, d).

    Row by row: each row is a numpy expression, so it runs about as fast as the
    reference (one Python iteration per row), but it is a loop over d.
    """
    y = W @ x
    u = np.maximum(y, 0.0)
    v = u + W @ u
    g = (y >= 0) * (v + W.T @ v)
    grad = np.empty((len(x), len(x)))
    for i in range(len(x)):  # dL/dW_i. = v_i u + g_i x
        grad[i] = v[i] * u + g[i] * x
    return grad
