"""Problem 4: a network of sign units with no error on the four points.

Crosses (-2, 0) and (2, 0) are labelled +1; circles (0, 2) and (0, -2) are
labelled -1. A unit computes sign(w1 x1 + w2 x2 + w3): the homework's w3,
the weight of the appended 1, is the bias b here, so the inputs are (x1, x2).

The network is a weight list [(W1, b1), (W2, b2)]: W1 (2, 2) and b1 (2,) for
the two first-layer units, W2 (1, 2) and b2 (1,) for the output unit. The
grader computes h = sign(W1 x + b1), then f = W2 h + b2, and reads the label
as sign(f): f must be > 0 on the crosses and < 0 on the circles. A unit whose
input is exactly 0 (where sign is undefined) counts as an error.
"""
import numpy as np


def sign_network():
    """Problem 4.1: two sign units, then one, making no error on the four points."""
    # BEGIN SOLUTION: return [(W1 (2, 2), b1 (2,)), (W2 (1, 2), b2 (1,))]
    # h1 = sign(x2 - 1) is +1 only on the circle (0, 2), h2 = sign(-x2 - 1) only on
    # (0, -2); f = -h1 - h2 - 1 is 1 on both crosses (h1 = h2 = -1) and -1 on both circles.
    W1, b1 = np.array([[0.0, 1.0], [0.0, -1.0]]), np.array([-1.0, -1.0])
    W2, b2 = np.array([[-1.0, -1.0]]), np.array([-1.0])
    return [(W1, b1), (W2, b2)]
    # END SOLUTION


# BEGIN SOLUTION
# STUB: ONE_UNIT_POSSIBLE = None  # bool: Problem 4.2, can ONE such unit classify the four points?
# The crosses sit between the circles on a line through both: no half-plane holds
# the crosses alone (it would hold their midpoint (0, 0), also the circles' midpoint).
ONE_UNIT_POSSIBLE = False
# END SOLUTION
