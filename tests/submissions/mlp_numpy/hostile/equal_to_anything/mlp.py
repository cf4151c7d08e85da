"""Hostile: returns objects that claim to equal whatever they are compared with.

An object whose __eq__ says yes, an ndarray subclass whose comparisons are all
True and which poses as any shape, and a float subclass equal to every number.
None of them is plain data, so none may leave the worker as a number.
"""
import numpy as np


class AlwaysEqual:
    shape = property(lambda self: ())

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __float__(self):
        return 47.0

    def __array__(self, dtype=None, copy=None):
        return np.zeros(())

    __hash__ = object.__hash__


class EqualArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

    def __ne__(self, other):
        return np.zeros(np.shape(other), dtype=bool)

    __hash__ = None


class EqualFloat(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = float.__hash__


def equal_array(shape):
    return np.zeros(shape).view(EqualArray)


class LinearMap:
    def __init__(self, indim, outdim, alpha=0, lr=0.01):
        self.shape = (outdim, indim)

    def forward(self, x):
        return AlwaysEqual()

    def backward(self, grad):
        return equal_array((len(grad), self.shape[1]))

    def step(self):
        pass

    def zerograd(self):
        pass

    def getW(self):
        return equal_array(self.shape)

    def getb(self):
        return EqualFloat(0.0)

    def loadparams(self, W, b):
        pass


class ReLU:
    def __init__(self, dropout_chance=0):
        pass

    def forward(self, x, train=True):
        return equal_array(np.shape(x))

    def backward(self, grad):
        return AlwaysEqual()


class SoftmaxCrossEntropyLoss:
    def forward(self, logits, labels):
        return EqualFloat(0.0)

    def backward(self):
        return AlwaysEqual()

    def getAccu(self):
        return EqualFloat(0.5)


class _Network:
    def __init__(self, *args, **kwargs):
        pass

    def forward(self, x, train=True):
        return AlwaysEqual()

    def backward(self, grad):
        return AlwaysEqual()

    def step(self):
        pass

    def zerograd(self):
        pass

    def loadparams(self, Ws, bs):
        pass

    def getWs(self):
        return [AlwaysEqual(), AlwaysEqual(), AlwaysEqual()]

    def getbs(self):
        return [EqualFloat(0.0)] * 3


SingleLayerMLP = TwoLayerMLP = _Network
