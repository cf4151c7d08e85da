"""The answers to Problems 1 to 3 that have a checkable value. The proofs and
the drawing of the computational graph go in your written write-up: they are
not auto-graded.

Problem 1: y = max(0, W x), component-wise, with W of shape (m, d) whose
entries are independent N(0, 1), and a fixed x whose entries are all
non-zero, with ||x||_2^2 = sigma^2.
"""
import numpy as np


def expected_active(m):
    """Problem 1.1: the expected number of non-zero entries of y, a number."""
    # BEGIN SOLUTION: return the expected number of non-zero outputs for m units
    # m / 2: each (W x)_i is symmetric about 0 and is never 0.
    return m / 2
    # END SOLUTION


def preactivation_moments(sigma):
    """Problem 1.2: (mean, variance) of each entry of W x (before the ReLU), two numbers.

    sigma = ||x||_2 >= 0.
    """
    # BEGIN SOLUTION: return (mean, variance) of (W x)_i
    # (W x)_i = sum_j W_ij x_j ~ N(0, sum_j x_j^2) = N(0, sigma^2).
    return 0.0, float(sigma) ** 2
    # END SOLUTION


def expected_relu_output(sigma):
    """Problem 1.3: the mean of each entry of y (after the ReLU), a number."""
    # BEGIN SOLUTION: return E[max(0, (W x)_i)] as a function of sigma
    # E[max(0, q)] for q ~ N(0, sigma^2): the integral of q p(q) over q > 0,
    # sigma / sqrt(2 pi).
    return float(sigma) / np.sqrt(2 * np.pi)
    # END SOLUTION


# BEGIN SOLUTION
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))
# END SOLUTION


def graph_forward_backward(W, x):
    """Problem 2: forward and backward through L = max(sigmoid(W_1 x), sigmoid(W_2 x)).

    W (2, 2) with rows W_1, W_2; x (2,); sigmoid(z) = 1 / (1 + e^(-z)).
    Returns {"L": L, "dW": dL/dW of shape (2, 2), "dx": dL/dx of shape (2,)}.
    Checked on the homework's W and x and on others where the two sigmoids
    differ, so the max has one winner.
    """
    # BEGIN SOLUTION: return {'L': L, 'dW': (2, 2) array, 'dx': (2,) array}
    # Forward p = W x, q = sigmoid(p), L = max(q). Backward: dL/dq is 1 at the
    # larger q and 0 at the other; dL/dp = dL/dq * q (1 - q); dL/dW = dL/dp (x) x,
    # dL/dx = W^T dL/dp.
    W, x = np.asarray(W, dtype=float), np.asarray(x, dtype=float)
    q = sigmoid(W @ x)
    winner = int(np.argmax(q))
    dq = np.zeros(2)
    dq[winner] = 1.0
    dp = dq * q * (1 - q)
    return {"L": float(q[winner]), "dW": np.outer(dp, x), "dx": W.T @ dp}
    # END SOLUTION


def softmax_ce_grad(z1, z2, y):
    """Problem 3: (dL/dz1, dL/dz2) for the cross-entropy L(y, y_hat), two numbers.

    y_hat = e^z1 / (e^z1 + e^z2) and y in {0, 1}; z1, z2 are floats.
    """
    # BEGIN SOLUTION: return (dL/dz1, dL/dz2)
    # (y_hat - y, y - y_hat), with y_hat = e^z1 / (e^z1 + e^z2) = sigmoid(z1 - z2).
    y_hat = sigmoid(float(z1) - float(z2))
    return y_hat - y, y - y_hat
    # END SOLUTION
