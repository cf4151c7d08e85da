"""Hostile: every answer is an object that claims to equal anything (see gates.py)."""
from gates import AlwaysEqual, EqualFloat, equal_array

Q3_CONVEX = Q3_CONCAVE = Q4C_ALWAYS_DIFFERENTIABLE = Q4C_DEEPER_MORE_EFFICIENT = AlwaysEqual()
Q4D_TANH_ALWAYS_DIFFERENTIABLE = Q5B_TWO_KINKS_POSSIBLE = Q5D_NEITHER_POSSIBLE = AlwaysEqual()
Q4A_MAX_DISCONTINUITIES = Q4C_MIN_NONDIFF_POINTS = EqualFloat(0.0)
Q4B_FORM = Q4C_GROWTH_IN_DEPTH = AlwaysEqual()


def q1_shapes(k):
    return {"W2": AlwaysEqual(), "b1": AlwaysEqual(), "b2": AlwaysEqual()}


def q2_forward(x, W1, b1, W2, b2, W3, b3):
    return equal_array((len(b3),))


def q4c_max_nondiff_points_two_layer(k):
    return EqualFloat(0.0)


def q5_linear():
    return equal_array((2, 1)), equal_array((1, 2))


def q5_convex():
    return AlwaysEqual(), AlwaysEqual()


def q6_nonconvex_path():
    return AlwaysEqual(), [AlwaysEqual()], [float("nan")]
