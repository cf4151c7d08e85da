"""The answers to Questions 1 to 6 that have a checkable value. The
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


# BEGIN SOLUTION
def relu(z):
    return np.maximum(z, 0.0)
# END SOLUTION


# -- Questions 1 and 2 ----------------------------------------------------------------


def q1_shapes(k):
    """Question 1: the shapes in a two-layer network of width k whose W1 has shape (k, 1).

    Returns {"W2": shape, "b1": shape, "b2": shape}, each shape a tuple of ints
    such as (k, 1). A vector may be written (n,) or (n, 1).
    """
    # BEGIN SOLUTION: return {'W2': (..), 'b1': (..), 'b2': (..)} for width k
    # W2 maps the k hidden units to the one output; b1 has one entry per hidden unit.
    return {"W2": (1, k), "b1": (k,), "b2": (1,)}
    # END SOLUTION


def q2_forward(x, W1, b1, W2, b2, W3, b3):
    """Question 2: the output of the l = 3 ReLU network at one input x.

    x (n,), W1 (k1, n), b1 (k1,), W2 (k2, k1), b2 (k2,), W3 (m, k2), b3 (m,);
    returns the output, shape (m,). The homework's network has n = m = 1, but
    the check also uses vector inputs and outputs.
    """
    # BEGIN SOLUTION: return the l = 3 network's output at x, shape (m,)
    # f(x) = W3 relu(W2 relu(W1 x + b1) + b2) + b3
    x, W1, b1, W2, b2, W3, b3 = (np.asarray(v, dtype=float) for v in (x, W1, b1, W2, b2, W3, b3))
    return W3 @ relu(W2 @ relu(W1 @ x + b1) + b2) + b3
    # END SOLUTION


# -- Questions 3 and 4: True or False, an int, or a letter ----------------------------

# BEGIN SOLUTION
# A ReLU network is piecewise linear; with 2+ layers its pieces can bend either way
# (relu(x) - 2 relu(x - 1) is neither convex nor concave).
Q3_CONVEX = False  # bool: is the output of a ReLU network with l >= 2 convex in x, in general?
Q3_CONCAVE = False # bool: is it concave, in general?
# END SOLUTION

# BEGIN SOLUTION
# Compositions of continuous maps are continuous.
Q4A_MAX_DISCONTINUITIES = 0     # int: how many discontinuities the output can have
# (B) piecewise-linear.
Q4B_FORM = "B"                  # "A", "B" or "C": the output is always (A) linear, (B) piecewise-linear, (C) polynomial
# END SOLUTION

# BEGIN SOLUTION
# Kinks where a unit's pre-activation crosses 0 ...
Q4C_ALWAYS_DIFFERENTIABLE = False # bool: is the output differentiable at every input, in general?
# ... though there may be none at all (all weights 0, or every unit always active).
Q4C_MIN_NONDIFF_POINTS = 0        # int: Q4c.i, the smallest number of non-differentiable points
# END SOLUTION


def q4c_max_nondiff_points_two_layer(k):
    """Question 4c.ii: the largest number of non-differentiable points of a two-layer network of width k (an int)."""
    # BEGIN SOLUTION: return an int: the most non-differentiable points for width k
    # One kink per hidden unit, at x = -b1_j / W1_j: at most k.
    return k
    # END SOLUTION


# BEGIN SOLUTION
# Each layer can fold every linear region of the last one: exponential in l.
Q4C_GROWTH_IN_DEPTH = "D"         # "A", "B", "C" or "D": Q4c.iii, (A) constant, (B) linear, (C) polynomial, (D) exponential in l
# So a deep network reaches with few units what a 2-layer one needs exponentially many for.
Q4C_DEEPER_MORE_EFFICIENT = True  # bool: Q4c.iv, can deeper networks be more efficient approximators?
# END SOLUTION

# BEGIN SOLUTION
# tanh is smooth, and so are compositions of smooth maps.
Q4D_TANH_ALWAYS_DIFFERENTIABLE = True  # bool: Q4d, with tanh instead of ReLU, is the output differentiable everywhere?
# END SOLUTION


# -- Question 5: width 2, no biases, f(x) = W2 relu(W1 x) ------------------------------


def q5_linear():
    """Question 5a: weights that make f linear on [-5, 5].

    Returns (W1, W2) with W1 of shape (2, 1) and W2 of shape (1, 2). The
    grader evaluates f(x) = W2 relu(W1 x) at 1001 points of [-5, 5].
    """
    # BEGIN SOLUTION: return (W1 (2, 1), W2 (1, 2)) making W2 relu(W1 x) linear
    # relu(x) - relu(-x) = x.
    return np.array([[1.0], [-1.0]]), np.array([[1.0, -1.0]])
    # END SOLUTION


# BEGIN SOLUTION
# Without biases every unit's kink is at x = 0: at most one non-differentiable point.
Q5B_TWO_KINKS_POSSIBLE = False # bool: Q5b, can f have exactly 2 non-differentiable points?
# END SOLUTION


def q5_convex():
    """Question 5c (bonus): weights that make f convex and not linear on [-5, 5].

    Returns (W1 (2, 1), W2 (1, 2)), judged as in q5_linear.
    """
    # BEGIN SOLUTION: bonus: return (W1 (2, 1), W2 (1, 2)) making f convex, not linear
    # relu(x) + relu(-x) = |x|, convex and not linear.
    return np.array([[1.0], [-1.0]]), np.array([[1.0, 1.0]])
    # END SOLUTION


# BEGIN SOLUTION
# f is linear on each side of its one kink at 0, so convex or concave.
Q5D_NEITHER_POSSIBLE = False # bool: Q5d (bonus), can f be neither convex nor concave?
# END SOLUTION


# -- Question 6 (bonus): non-convexity in the parameters -----------------------------


def q6_nonconvex_path():
    """Question 6 (bonus): a fixed input and a line in parameter space along which the
    output of a two-layer ReLU network is neither convex nor concave.

    Returns (x, theta0, theta1): x of shape (n,), and two weight lists
    [(W1, b1), (W2, b2)] of the same shapes (any width, one output). The
    grader evaluates the network with parameters theta0 + t (theta1 - theta0)
    at x for 1001 values of t in [0, 1].
    """
    # BEGIN SOLUTION: bonus: return (x, theta0, theta1)
    # Input x = 1 and two width-2 networks; along theta0 + t (theta1 - theta0) the output is
    # relu(t - 1/4) - relu(t - 3/4): it bends up at t = 1/4 and down at t = 3/4.
    x = np.array([1.0])
    b1, W2, b2 = np.array([-0.25, -0.75]), np.array([[1.0, -1.0]]), np.array([0.0])
    theta0 = [(np.zeros((2, 1)), b1), (W2, b2)]
    theta1 = [(np.ones((2, 1)), b1), (W2, b2)]
    return x, theta0, theta1
    # END SOLUTION
