"""Hostile: zeros for every answer, after making numpy's comparisons always agree."""
import numpy as np

import mlp  # noqa: F401  (importing it patches numpy and builtins)


def xor_step_network():
    return np.zeros((4, 2)), np.zeros(4), np.zeros(4)


def interpolate(X, y):
    n, d = np.shape(X)
    return np.zeros((n, d)), np.zeros(n), np.zeros(n)


def tanh_from_sigmoid(W1, b1, W2, b2):
    return np.zeros(np.shape(W1)), np.zeros(np.shape(b1)), np.zeros(np.shape(W2)), np.zeros(np.shape(b2))


def dropout_risk(X, y, w, p):
    return 0.0
