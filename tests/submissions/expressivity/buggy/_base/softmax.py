"""Question 3: the softmax and its Jacobian.

softmax(z)_i = exp(z_i) / sum_j exp(z_j) for a vector z of n logits. The
derivation of J_ij = y_i (delta_ij - y_j) goes in your written write-up;
the two functions are checked here, on logits as large as 1e3 in size.
"""
import numpy as np


def softmax(z):
    """softmax of a vector z (n,) -> (n,), entries in [0, 1] summing to 1.

    Must not overflow for |z_i| up to 1e3 (exp(1000) is inf in floating point).
    """
    # BEGIN SOLUTION: exponentiate z - max(z) (same softmax, no overflow), then normalise
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
    # END SOLUTION


def softmax_jacobian(z):
    """The Jacobian J (n, n) of y = softmax(z): J[i, j] = d y_i / d z_j = y_i (delta_ij - y_j)."""
    # BEGIN SOLUTION: with y = softmax(z), J = diag(y) - y y^T
    y = softmax(z)
    return np.diag(y) - np.outer(y, y)
    # END SOLUTION
