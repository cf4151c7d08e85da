"""Expressivity of neural networks, softmax gradients, a FashionMNIST MLP and back-propagation from scratch -- softmax.py

Fill in every function and method below that raises NotImplementedError.
Do not change the names and signatures of the classes, functions and methods
given here, and do not rename this file: the autograder imports softmax.py
and calls them by name. You may add helpers of your own.
Check your work with `grader check expressivity .` (see README.md).

Question 3: the softmax and its Jacobian.

softmax(z)_i = exp(z_i) / sum_j exp(z_j) for a vector z of n logits. The
derivation of J_ij = y_i (delta_ij - y_j) goes in your written write-up;
the two functions are checked here, on logits as large as 1e3 in size.
"""
import numpy as np


def softmax(z):
    """softmax of a vector z (n,) -> (n,), entries in [0, 1] summing to 1.

    Must not overflow for |z_i| up to 1e3 (exp(1000) is inf in floating point).
    """
    raise NotImplementedError("exponentiate z - max(z) (same softmax, no overflow), then normalise")


def softmax_jacobian(z):
    """The Jacobian J (n, n) of y = softmax(z): J[i, j] = d y_i / d z_j = y_i (delta_ij - y_j)."""
    raise NotImplementedError("with y = softmax(z), J = diag(y) - y y^T")
