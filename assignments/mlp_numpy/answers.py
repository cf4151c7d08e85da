"""Homework 1: an MLP framework in numpy -- answers.py

Fill in every function and method below that raises NotImplementedError.
Do not change the names and signatures of the classes, functions and methods
given here, and do not rename this file: the autograder imports answers.py
and calls them by name. You may add helpers of your own.
Check your work with `grader check mlp_numpy .` (see README.md).

The answers to Problems 1, 2 and 4 that have a checkable value. The proofs,
derivations and explanations those problems ask for go in your written
write-up: they are not auto-graded.

Return numpy arrays (or nested lists of numbers) of the shapes stated.
Step activation as Problem 1 defines it: step(z) = 1 if z >= 0 else 0.
A one-hidden-layer step network is f(x) = sum_j a_j step(w_j . x + b_j).
"""
import numpy as np


def xor_step_network():
    """Problem 1.2: four step units that realise the four points exactly.

    f(x) = sum_j a_j step(w_j . x + b_j) must give 1 on (1, 0) and (0, 1),
    and 0 on (1, 1) and (0, 0), with step(0) = 1.

    Returns w (4, 2), b (4,), a (4,): row j of w is w_j.
    """
    raise NotImplementedError("return w (4, 2), b (4,), a (4,) with "
                              "sum_j a_j step(w_j . x + b_j) = y on the four points")


def interpolate(X, y):
    """Problem 1.3: N step units that reproduce any labels on N distinct points.

    X (N, d): N distinct points, one per row; y (N,): real labels.
    Returns w (N, d), b (N,), a (N,) such that
    sum_j a_j step(w_j . X[i] + b_j) = y[i] for every i, exactly (up to
    rounding). Checked on many N and d, including points on an integer grid.
    """
    raise NotImplementedError("return w (N, d), b (N,), a (N,): your construction of Problem 1.3")


def tanh_from_sigmoid(W1, b1, W2, b2):
    """Problem 2.5, in matrix form: a tanh network equal to a sigmoid network.

    The sigmoid network is y = W2 sigmoid(W1 x + b1) + b2, with W1 (M, D),
    b1 (M,), W2 (K, M), b2 (K,); in the homework's notation W1[j, i] = w_ji^(1),
    b1[j] = w_j0^(1), W2[k, j] = w_kj^(2), b2[k] = w_k0^(2).
    Returns U1 (M, D), u1 (M,), U2 (K, M), u2 (K,) such that
    U2 tanh(U1 x + u1) + u2 = y for every x.
    """
    raise NotImplementedError("use tanh(x) = 2 sigmoid(2x) - 1 (Problem 2.4) "
                              "and return U1, u1, U2, u2")


def dropout_risk(X, y, w, p):
    """Problem 4: the expected dropout loss E_R ||y - (R * X) w||^2, in closed form.

    R (N, D) has independent entries R_ij ~ Bernoulli(p), where p is the
    chance to KEEP an input, as in Problem 4 (not the dropout chance of
    mlp.py); * is the element-wise product.
    X (N, D), y (N,), w (D,), 0 <= p <= 1 -> a float: the exact
    expectation, not a sampled estimate.
    """
    raise NotImplementedError("return the closed form of Problem 4 (p is the chance to keep an input)")
