"""Question 8: the loss and its gradient with respect to W, in numpy.

    y = W x,  u = relu(y),  v = u + W u,  L = ||v||^2 / 2

W is a numpy array of shape (d, d) and x one of shape (d,); return numpy
arrays (not torch tensors). The step function is the homework's Heaviside:
step(y) = 1 if y >= 0 else 0, so step(0) = 1 (a check uses a y with an
entry exactly 0).

Vectorise: no Python loops over d or over the entries of W, and no
d x d x d matrix products (multiplying by diag(s) is an element-wise product
with s). A grad_W more than 10x slower than the reference for d = 400 loses
the speed check.
"""
import numpy as np


def loss(W, x):
    """L = ||v||^2 / 2, a float."""
    # BEGIN SOLUTION: compute y, u, v and return ||v||^2 / 2
    u = np.maximum(W @ x, 0.0)
    v = u + W @ u
    return float(v @ v / 2)
    # END SOLUTION


def grad_W(W, x):
    """dL/dW = v (x) u + diag(step(y)) (I + W^T) v (x) x, shape (d, d); (x) is the outer product."""
    # BEGIN SOLUTION: return v (x) u + diag(step(y)) (I + W^T) v (x) x, with step(0) = 1
    # Written as the formula reads, in O(d^2): diag(step(y)) times a vector is an
    # element-wise product. The speed check times submissions against this.
    y = W @ x
    u = np.maximum(y, 0.0)
    v = u + W @ u
    return np.outer(v, u) + np.outer((y >= 0) * (v + W.T @ v), x)
    # END SOLUTION
