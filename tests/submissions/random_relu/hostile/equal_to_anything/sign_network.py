"""Hostile: an object equal to anything, NaN and inf weights, and a list nested 10^5 deep.

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


def sign_network():
    nan, inf = float("nan"), float("inf")
    deep = [0.0]
    for _ in range(100_000):
        deep = [deep]
    return [(np.array([[nan, inf], [-inf, nan]]), AlwaysEqual()), (deep, equal_array((1,)))]


ONE_UNIT_POSSIBLE = AlwaysEqual()
