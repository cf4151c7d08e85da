"""Random ReLU layers, computational graphs and sign networks -- sign_network.py

Fill in every function and method below that raises NotImplementedError.
Do not change the names and signatures of the classes, functions and methods
given here, and do not rename this file: the autograder imports sign_network.py
and calls them by name. You may add helpers of your own.
Check your work with `grader check random_relu .` (see README.md).

Problem 4: a network of sign units with no error on the four points.

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
    raise NotImplementedError("return [(W1 (2, 2), b1 (2,)), (W2 (1, 2), b2 (1,))]")


ONE_UNIT_POSSIBLE = None  # bool: Problem 4.2, can ONE such unit classify the four points?
