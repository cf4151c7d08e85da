"""Question 1: linear regression with the l1 loss.

X is the (n, d) matrix of the n training points stacked as rows, y the (n,)
vector of their labels and w the (d,) weights of the linear model x -> w . x.
The sizes of 1a and the reasons of 1b go in your written write-up; the loss
and the yes/no answer of 1b are checked here.

Set the constant that is None to True or False (not "yes").
"""
import numpy as np


def l1_loss(X, y, w):
    """Question 1a: the training error ||X w - y||_1 = sum_i |x_i . w - y_i|, as a float.

    X (n, d), y (n,), w (d,).
    """
    # BEGIN SOLUTION: return the sum over the n points of |x_i . w - y_i|, a float
    return float(np.abs(np.asarray(X) @ np.asarray(w) - np.asarray(y)).sum())
    # END SOLUTION


# BEGIN SOLUTION
# |r| has no derivative at 0 and its (sub)gradient sign(X w - y) is not linear in w: setting it
# to 0 gives no linear system to solve. The minimiser solves a linear program instead.
L1_HAS_CLOSED_FORM = False  # bool: 1b: can the optimal w be written in closed form, as for least squares?
# END SOLUTION
