"""Random ReLU layers, computational graphs and sign networks -- answers.py

Fill in every function and method below that raises NotImplementedError.
Do not change the names and signatures of the classes, functions and methods
given here, and do not rename this file: the autograder imports answers.py
and calls them by name. You may add helpers of your own.
Check your work with `grader check random_relu .` (see README.md).

The answers to Problems 1 to 3 that have a checkable value. The proofs and
the drawing of the computational graph go in your written write-up: they are
not auto-graded.

Problem 1: y = max(0, W x), component-wise, with W of shape (m, d) whose
entries are independent N(0, 1), and a fixed x whose entries are all
non-zero, with ||x||_2^2 = sigma^2.
"""
import numpy as np


def expected_active(m):
    """Problem 1.1: the expected number of non-zero entries of y, a number."""
    raise NotImplementedError("return the expected number of non-zero outputs for m units")


def preactivation_moments(sigma):
    """Problem 1.2: (mean, variance) of each entry of W x (before the ReLU), two numbers.

    sigma = ||x||_2 >= 0.
    """
    raise NotImplementedError("return (mean, variance) of (W x)_i")


def expected_relu_output(sigma):
    """Problem 1.3: the mean of each entry of y (after the ReLU), a number."""
    raise NotImplementedError("return E[max(0, (W x)_i)] as a function of sigma")


def graph_forward_backward(W, x):
    """Problem 2: forward and backward through L = max(sigmoid(W_1 x), sigmoid(W_2 x)).

    W (2, 2) with rows W_1, W_2; x (2,); sigmoid(z) = 1 / (1 + e^(-z)).
    Returns {"L": L, "dW": dL/dW of shape (2, 2), "dx": dL/dx of shape (2,)}.
    Checked on the homework's W and x and on others where the two sigmoids
    differ, so the max has one winner.
    """
    raise NotImplementedError("return {'L': L, 'dW': (2, 2) array, 'dx': (2,) array}")


def softmax_ce_grad(z1, z2, y):
    """Problem 3: (dL/dz1, dL/dz2) for the cross-entropy L(y, y_hat), two numbers.

    y_hat = e^z1 / (e^z1 + e^z2) and y in {0, 1}; z1, z2 are floats.
    """
    raise NotImplementedError("return (dL/dz1, dL/dz2)")
