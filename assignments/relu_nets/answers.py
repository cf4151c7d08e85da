"""ReLU networks: approximation, logic gates, backpropagation and CIFAR-10 modules -- answers.py

Fill in every function and method below that raises NotImplementedError.
Do not change the names and signatures of the classes, functions and methods
given here, and do not rename this file: the autograder imports answers.py
and calls them by name. You may add helpers of your own.
Check your work with `grader check relu_nets .` (see README.md).

The answers to Questions 1 to 6 that have a checkable value. The
explanations, plots and derivations the questions ask for go in your written
write-up: they are not auto-graded.

Set every constant that is None to your answer, with the type its comment
states: True or False for yes/no (not "yes"), an int for a count, a capital
letter for a multiple choice.

The homework's networks have a scalar input and a scalar output unless a
question says otherwise; l counts the weight matrices. In code a scalar input
is an array of shape (1,). A network given by its weights is a list of
(W, b) pairs, first layer first, W of shape (outputs, inputs) and b of shape
(outputs,): h_i = relu(W_i h_(i-1) + b_i), with no ReLU after the last layer.
"""
import numpy as np


# -- Questions 1 and 2 ----------------------------------------------------------------


def q1_shapes(k):
    """Question 1: the shapes in a two-layer network of width k whose W1 has shape (k, 1).

    Returns {"W2": shape, "b1": shape, "b2": shape}, each shape a tuple of ints
    such as (k, 1). A vector may be written (n,) or (n, 1).
    """
    raise NotImplementedError("return {'W2': (..), 'b1': (..), 'b2': (..)} for width k")


def q2_forward(x, W1, b1, W2, b2, W3, b3):
    """Question 2: the output of the l = 3 ReLU network at one input x.

    x (n,), W1 (k1, n), b1 (k1,), W2 (k2, k1), b2 (k2,), W3 (m, k2), b3 (m,);
    returns the output, shape (m,). The homework's network has n = m = 1, but
    the check also uses vector inputs and outputs.
    """
    raise NotImplementedError("return the l = 3 network's output at x, shape (m,)")


# -- Questions 3 and 4: True or False, an int, or a letter ----------------------------

Q3_CONVEX = None   # bool: is the output of a ReLU network with l >= 2 convex in x, in general?
Q3_CONCAVE = None  # bool: is it concave, in general?

Q4A_MAX_DISCONTINUITIES = None  # int: how many discontinuities the output can have
Q4B_FORM = None                 # "A", "B" or "C": the output is always (A) linear, (B) piecewise-linear, (C) polynomial

Q4C_ALWAYS_DIFFERENTIABLE = None  # bool: is the output differentiable at every input, in general?
Q4C_MIN_NONDIFF_POINTS = None     # int: Q4c.i, the smallest number of non-differentiable points


def q4c_max_nondiff_points_two_layer(k):
    """Question 4c.ii: the largest number of non-differentiable points of a two-layer network of width k (an int)."""
    raise NotImplementedError("return an int: the most non-differentiable points for width k")


Q4C_GROWTH_IN_DEPTH = None        # "A", "B", "C" or "D": Q4c.iii, (A) constant, (B) linear, (C) polynomial, (D) exponential in l
Q4C_DEEPER_MORE_EFFICIENT = None  # bool: Q4c.iv, can deeper networks be more efficient approximators?

Q4D_TANH_ALWAYS_DIFFERENTIABLE = None  # bool: Q4d, with tanh instead of ReLU, is the output differentiable everywhere?


# -- Question 5: width 2, no biases, f(x) = W2 relu(W1 x) ------------------------------


def q5_linear():
    """Question 5a: weights that make f linear on [-5, 5].

    Returns (W1, W2) with W1 of shape (2, 1) and W2 of shape (1, 2). The
    grader evaluates f(x) = W2 relu(W1 x) at 1001 points of [-5, 5].
    """
    raise NotImplementedError("return (W1 (2, 1), W2 (1, 2)) making W2 relu(W1 x) linear")


Q5B_TWO_KINKS_POSSIBLE = None  # bool: Q5b, can f have exactly 2 non-differentiable points?


def q5_convex():
    """Question 5c (bonus): weights that make f convex and not linear on [-5, 5].

    Returns (W1 (2, 1), W2 (1, 2)), judged as in q5_linear.
    """
    raise NotImplementedError("bonus: return (W1 (2, 1), W2 (1, 2)) making f convex, not linear")


Q5D_NEITHER_POSSIBLE = None  # bool: Q5d (bonus), can f be neither convex nor concave?


# -- Question 6 (bonus): non-convexity in the parameters -----------------------------


def q6_nonconvex_path():
    """Question 6 (bonus): a fixed input and a line in parameter space along which the
    output of a two-layer ReLU network is neither convex nor concave.

    Returns (x, theta0, theta1): x of shape (n,), and two weight lists
    [(W1, b1), (W2, b2)] of the same shapes (any width, one output). The
    grader evaluates the network with parameters theta0 + t (theta1 - theta0)
    at x for 1001 values of t in [0, 1].
    """
    raise NotImplementedError("bonus: return (x, theta0, theta1)")
