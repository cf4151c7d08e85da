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

    Written as the formula reads, in O(d^2): diag(step(y)) times a vector is an
    element-wise product. The speed check times submissions against this.
    """
    y = W @ x
    u = np.maximum(y, 0.0)
    v = u + W @ u
    return np.outer(v, u) + np.outer((y >= 0) * (v + W.T @ v), x)
