"""Expressivity of neural networks, softmax gradients, a FashionMNIST MLP and back-propagation from scratch -- box.py

Fill in every function and method below that raises NotImplementedError.
Do not change the names and signatures of the classes, functions and methods
given here, and do not rename this file: the autograder imports box.py
and calls them by name. You may add helpers of your own.
Check your work with `grader check expressivity .` (see README.md).

Question 2: step networks, from one box to any smooth function.

A neuron here is y = step(w x + b) with the homework's unit step:
step(z) = 1 if z > 0 else 0 (so step(0) = 0). Inputs and outputs are scalars.
A network is given by its weights, a list of (W, b) pairs, first layer first:

    [(W1 (k, 1), b1 (k,)), (W2 (1, k), b2 (1,))]
    h = step(W1 x + b1)       the k hidden units
    f(x) = W2 h + b2          the output neuron only sums (b2 may be 0)

The grader evaluates your weights itself with this step; it never runs a
forward pass of yours. The drawing of 2a, the argument of 2b and the answer
of 2c go in your written write-up.
"""
import numpy as np


def box_network(h, delta):
    """Question 2a: the box of height h and width delta > 0 with 2 hidden step units.

    f(x) = h for 0 < x < delta and f(x) = 0 for x < 0 and x > delta (the two
    endpoints are not graded). Returns [(W1 (2, 1), b1 (2,)), (W2 (1, 2), b2 (1,))].
    """
    raise NotImplementedError("one unit switches on at x = 0, the other at x = delta; "
                              "weigh them in the output so that only their difference is left")


def approximate(f, B, n):
    """Question 2b: a step network with at most 2n hidden units that approximates f on [-B, B].

    f takes a float and returns a float (smooth and bounded on [-B, B]). Returns
    [(W1 (k, 1), b1 (k,)), (W2 (1, k), b2 (1,))] with k <= 2n. Its largest error
    on [-B, B] must shrink like 1/n: at most 4 B max|f'| / n for every n >= 4
    (n boxes of width 2B/n, each of the height of f in it, do it).
    """
    raise NotImplementedError("n boxes of width 2B/n side by side (part a's, moved), "
                              "each as high as f at its centre; their 2n units form one hidden layer")
