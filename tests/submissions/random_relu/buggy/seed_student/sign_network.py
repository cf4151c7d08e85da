"""Reference of `random_relu` Problem 4: a sign network with no error on the four points.

Crosses (-2, 0), (2, 0) are labelled +1; circles (0, 2), (0, -2) are labelled -1.
Units are sign(w1 x1 + w2 x2 + w3): the homework's w3 (the weight of the
appended 1) is the bias b. The last layer's output f(x) is read through its
sign: the label is sign(f(x)).
"""
import numpy as np


def sign_network():
    """The seed student's network: h1 = sign(x1 - 1), h2 = sign(-x1 - 1), f = h1 + h2 + 1."""
    W1, b1 = np.array([[1.0, 0.0], [-1.0, 0.0]]), np.array([-1.0, -1.0])
    W2, b2 = np.array([[1.0, 1.0]]), np.array([1.0])
    return [(W1, b1), (W2, b2)]


# The crosses sit between the circles on a line through both: no half-plane holds
# the crosses alone (it would hold their midpoint (0, 0), also the circles' midpoint).
ONE_UNIT_POSSIBLE = False
