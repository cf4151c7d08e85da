"""Hostile: the reference's answers if it can find them (see mlp.py), else nothing."""
import mlp

if not mlp.steal_answers(globals()):
    def xor_step_network():
        raise NotImplementedError("the reference could not be read")

    def interpolate(X, y):
        raise NotImplementedError("the reference could not be read")

    def tanh_from_sigmoid(W1, b1, W2, b2):
        raise NotImplementedError("the reference could not be read")

    def dropout_risk(X, y, w, p):
        raise NotImplementedError("the reference could not be read")
