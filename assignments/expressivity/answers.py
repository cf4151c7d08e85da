"""Expressivity of neural networks, softmax gradients, a FashionMNIST MLP and back-propagation from scratch -- answers.py

Fill in every function and method below that raises NotImplementedError.
Do not change the names and signatures of the classes, functions and methods
given here, and do not rename this file: the autograder imports answers.py
and calls them by name. You may add helpers of your own.
Check your work with `grader check expressivity .` (see README.md).

Question 1: linear regression with the l1 loss.

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
    raise NotImplementedError("return the sum over the n points of |x_i . w - y_i|, a float")


L1_HAS_CLOSED_FORM = None   # bool: 1b: can the optimal w be written in closed form, as for least squares?
