"""Hostile gates: an object equal to anything, NaN and inf weights, and a list nested 10^5 deep.

None of them is a weight list of plain numbers: each must fail its checks with a
message, and none may crash the grader (the nesting is deeper than Python's
recursion limit, the NaNs compare unequal to themselves).
"""
import numpy as np


class AlwaysEqual:
    shape = property(lambda self: (2, 2))

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __len__(self):
        return 2

    def __iter__(self):
        return iter([(self, self), (self, self)])

    def __float__(self):
        return 1.0

    def __array__(self, dtype=None, copy=None):
        return np.ones((2, 2))

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


def or_gate():
    return AlwaysEqual()


def xor_gate():
    nan, inf = float("nan"), float("inf")
    return [(np.array([[nan, inf], [-inf, nan], [1.0, nan], [inf, 1.0]]), np.full(4, nan)),
            (np.full((4, 4), inf), np.zeros(4)), (np.array([[nan, 1.0, -inf, 1e308]]), np.array([inf]))]


def nand_gate():
    deep = [0.0]
    for _ in range(100_000):
        deep = [deep]
    return [(deep, deep), (equal_array((1, 1)), equal_array((1,)))]
