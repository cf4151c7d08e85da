"""Hostile: every answer is an object that claims to equal anything (see sign_network.py)."""
from sign_network import AlwaysEqual, EqualFloat, equal_array


def expected_active(m):
    return EqualFloat(0.0)


def preactivation_moments(sigma):
    return AlwaysEqual(), EqualFloat(0.0)


def expected_relu_output(sigma):
    return AlwaysEqual()


def graph_forward_backward(W, x):
    return {"L": EqualFloat(0.0), "dW": equal_array((2, 2)), "dx": AlwaysEqual()}


def softmax_ce_grad(z1, z2, y):
    return EqualFloat(0.0), AlwaysEqual()
