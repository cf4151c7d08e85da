"""Hostile: every answer is an object that claims to equal anything."""
from mlp import AlwaysEqual, EqualFloat, equal_array


def xor_step_network():
    return equal_array((4, 2)), equal_array((4,)), AlwaysEqual()


def interpolate(X, y):
    n, d = X.shape
    return equal_array((n, d)), AlwaysEqual(), equal_array((n,))


def tanh_from_sigmoid(W1, b1, W2, b2):
    return AlwaysEqual(), equal_array(b1.shape), equal_array(W2.shape), EqualFloat(0.0)


def dropout_risk(X, y, w, p):
    return EqualFloat(0.0)
