"""Hostile: forges again on import (mlp.py does the work); answers nothing."""
import mlp  # noqa: F401  (importing it forges)


def xor_step_network():
    raise NotImplementedError


def interpolate(X, y):
    raise NotImplementedError


def tanh_from_sigmoid(W1, b1, W2, b2):
    raise NotImplementedError


def dropout_risk(X, y, w, p):
    raise NotImplementedError
