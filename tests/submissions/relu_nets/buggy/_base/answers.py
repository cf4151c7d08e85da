"""Reference answers of `relu_nets` Questions 1 to 6 that have a checkable value.

The homework's networks have a scalar input and a scalar output unless a
question says otherwise; l counts the weight matrices. In code a scalar input
is an array of shape (1,). Weight lists follow the course's convention:
[(W1, b1), (W2, b2), ...] with h_i = relu(W_i h_{i-1} + b_i) and no activation
after the last layer.
"""
import numpy as np


def relu(z):
    return np.maximum(z, 0.0)


# -- Questions 1 and 2 ----------------------------------------------------------------


def q1_shapes(k):
    """Shapes in the width-k two-layer network with W1 of shape (k, 1): W2 (1, k), b1 (k,), b2 (1,)."""
    return {"W2": (1, k), "b1": (k,), "b2": (1,)}


def q2_forward(x, W1, b1, W2, b2, W3, b3):
    """f(x) = W3 relu(W2 relu(W1 x + b1) + b2) + b3 for one input x (n,); returns shape (m,).

    W1 (k1, n), b1 (k1,), W2 (k2, k1), b2 (k2,), W3 (m, k2), b3 (m,); the
    homework's scalar network has n = m = 1.
    """
    x, W1, b1, W2, b2, W3, b3 = (np.asarray(v, dtype=float) for v in (x, W1, b1, W2, b2, W3, b3))
    return W3 @ relu(W2 @ relu(W1 @ x + b1) + b2) + b3


# -- Questions 3 and 4 ----------------------------------------------------------------

# A ReLU network is piecewise linear; with 2+ layers its pieces can bend either way
# (relu(x) - 2 relu(x - 1) is neither convex nor concave).
Q3_CONVEX = False
Q3_CONCAVE = False

# Compositions of continuous maps are continuous.
Q4A_MAX_DISCONTINUITIES = 0
# (B) piecewise-linear.
Q4B_FORM = "B"
# Kinks where a unit's pre-activation crosses 0 ...
Q4C_ALWAYS_DIFFERENTIABLE = False
# ... though there may be none at all (all weights 0, or every unit always active).
Q4C_MIN_NONDIFF_POINTS = 0


def q4c_max_nondiff_points_two_layer(k):
    """One kink per hidden unit, at x = -b1_j / W1_j: at most k."""
    return k


# Each layer can fold every linear region of the last one: exponential in l.
Q4C_GROWTH_IN_DEPTH = "D"
# So a deep network reaches with few units what a 2-layer one needs exponentially many for.
Q4C_DEEPER_MORE_EFFICIENT = True
# tanh is smooth, and so are compositions of smooth maps.
Q4D_TANH_ALWAYS_DIFFERENTIABLE = True


# -- Question 5: width 2, no biases, f(x) = W2 relu(W1 x) ------------------------------


def q5_linear():
    """relu(x) - relu(-x) = x: W1 (2, 1), W2 (1, 2)."""
    return np.array([[1.0], [-1.0]]), np.array([[1.0, -1.0]])


# Without biases every unit's kink is at x = 0: at most one non-differentiable point.
Q5B_TWO_KINKS_POSSIBLE = False


def q5_convex():
    """Bonus: relu(x) + relu(-x) = |x|, convex and not linear."""
    return np.array([[1.0], [-1.0]]), np.array([[1.0, 1.0]])


# Bonus: f is linear on each side of its one kink at 0, so convex or concave.
Q5D_NEITHER_POSSIBLE = False


# -- Question 6 (bonus): non-convexity in the parameters -----------------------------


def q6_nonconvex_path():
    """Input x = 1 and two width-2 networks; along theta0 + t (theta1 - theta0) the output is
    relu(t - 1/4) - relu(t - 3/4): it bends up at t = 1/4 and down at t = 3/4."""
    x = np.array([1.0])
    b1, W2, b2 = np.array([-0.25, -0.75]), np.array([[1.0, -1.0]]), np.array([0.0])
    theta0 = [(np.zeros((2, 1)), b1), (W2, b2)]
    theta1 = [(np.ones((2, 1)), b1), (W2, b2)]
    return x, theta0, theta1
