"""Numeric gradients by float64 central differences, and the check that uses them."""
import numpy as np

from grader.checks.compare import expect_close

EPSILON = 1e-6


def central_difference(f, x, epsilon=EPSILON):
    """d f / d x for scalar f at float64 array x, entry by entry: (f(x+e) - f(x-e)) / 2e."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + epsilon
        plus = f(x)
        x[index] = saved - epsilon
        minus = f(x)
        x[index] = saved
        grad[index] = (plus - minus) / (2 * epsilon)
    return grad


def expect_gradient(got, f, x, where, rtol=1e-5, atol=1e-7):
    """`got` must match the central differences of f at x within the stated tolerance."""
    expect_close(got, central_difference(f, x), f"{where} (vs float64 central differences)", rtol, atol)
