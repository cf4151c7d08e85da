"""Hostile: wrong answers of the right shapes, and every comparison it can reach made to say yes.

numpy's comparisons (allclose, isclose, array_equal, all, any, testing.assert_*)
and a few builtins are replaced in the worker's interpreter. Judging happens in
the grader's process, which never sees these patches.
"""
import builtins

import numpy as np


def _yes(*args, **kwargs):
    return True


def _nothing(*args, **kwargs):
    return None


np.allclose = np.isclose = np.array_equal = np.array_equiv = np.all = np.any = _yes
np.testing.assert_allclose = np.testing.assert_array_equal = np.testing.assert_almost_equal = _nothing
builtins.abs = lambda x: 0
builtins.all = builtins.any = _yes
builtins.min = builtins.max = lambda *args, **kwargs: 0


class LinearMap:
    def __init__(self, indim, outdim, alpha=0, lr=0.01):
        self.W, self.b = np.zeros((outdim, indim)), np.zeros(outdim)

    def forward(self, x):
        return np.zeros((len(x), len(self.b)))

    def backward(self, grad):
        return np.zeros((grad.shape[0], self.W.shape[1]))

    def step(self):
        pass

    def zerograd(self):
        pass

    def getW(self):
        return self.W

    def getb(self):
        return self.b

    def loadparams(self, W, b):
        self.W, self.b = np.array(W), np.array(b)


class ReLU:
    def __init__(self, dropout_chance=0):
        pass

    def forward(self, x, train=True):
        return np.zeros_like(x)

    def backward(self, grad):
        return np.zeros_like(grad)


class SoftmaxCrossEntropyLoss:
    def forward(self, logits, labels):
        self.shape = logits.shape
        return 0.0

    def backward(self):
        return np.zeros(self.shape)

    def getAccu(self):
        return 1.0


class _Network:
    def __init__(self, inp, outp, *args, **kwargs):
        self.inp, self.outp = inp, outp
        self.Ws, self.bs = [], []

    def forward(self, x, train=True):
        return np.zeros((len(x), self.outp))

    def backward(self, grad):
        return np.zeros((len(grad), self.inp))

    def step(self):
        pass

    def zerograd(self):
        pass

    def loadparams(self, Ws, bs):
        self.Ws, self.bs = [np.array(W) for W in Ws], [np.array(b) for b in bs]

    def getWs(self):
        return self.Ws

    def getbs(self):
        return self.bs


SingleLayerMLP = TwoLayerMLP = _Network
