"""Smooth test functions for `approximate(f, B, n)`, built where the student's code runs.

Only plain data crosses between the grader and the student's worker, never a
function, so a check sends a description of f, a list of terms whose sum is f:

    ["const", c]                c
    ["sin", a, w, p]            a sin(w x + p)
    ["gauss", a, m, s]          a exp(-((x - m) / s)^2)
    ["tanh", a, w, m]           a tanh(w (x - m))
    ["poly", c0, c1, c2, ...]   c0 + c1 x + c2 x^2 + ...

`approximate_with(box, description, B, n, max_weights)` builds f in the
worker, calls the submission's `box.approximate(f, B, n)` with it and hands
back the weight list it returned; the grader evaluates that network itself.
The hidden checks' descriptions are in the hidden checks, not here.
"""
import numpy as np


def _minus(m):
    """'x - 0.3', or 'x + 0.2' for m = -0.2."""
    return f"x - {m:g}" if m >= 0 else f"x + {-m:g}"


def _poly_text(coefficients):
    terms = [f"{c:g}" + ("" if k == 0 else "x" if k == 1 else f"x^{k}") for k, c in enumerate(coefficients) if c]
    return " + ".join(terms) or "0"


def _poly(coefficients, x):
    return sum(c * x ** k for k, c in enumerate(coefficients))


def _poly_slope(coefficients, x):
    return sum(k * c * x ** (k - 1) for k, c in enumerate(coefficients) if k)


# kind: (value(params, x), derivative(params, x), text(params))
TERMS = {
    "const": (lambda p, x: p[0] + 0 * x, lambda p, x: 0 * x, lambda p: f"{p[0]:g}"),
    "sin": (lambda p, x: p[0] * np.sin(p[1] * x + p[2]), lambda p, x: p[0] * p[1] * np.cos(p[1] * x + p[2]),
            lambda p: f"{p[0]:g} sin({p[1]:g}x + {p[2]:g})" if p[2] else f"{p[0]:g} sin({p[1]:g}x)"),
    "gauss": (lambda p, x: p[0] * np.exp(-((x - p[1]) / p[2]) ** 2),
              lambda p, x: -2 * p[0] * (x - p[1]) / p[2] ** 2 * np.exp(-((x - p[1]) / p[2]) ** 2),
              lambda p: f"{p[0]:g} exp(-(({_minus(p[1])}) / {p[2]:g})^2)"),
    "tanh": (lambda p, x: p[0] * np.tanh(p[1] * (x - p[2])),
             lambda p, x: p[0] * p[1] / np.cosh(p[1] * (x - p[2])) ** 2,
             lambda p: f"{p[0]:g} tanh({p[1]:g}({_minus(p[2])}))"),
    "poly": (lambda p, x: _poly(p, x), lambda p, x: _poly_slope(p, x),
             _poly_text),
}


def _terms(description):
    for term in description:
        if not term or term[0] not in TERMS:
            raise ValueError(f"unknown term {term!r}; known: {', '.join(TERMS)}")
        yield TERMS[term[0]], [float(v) for v in term[1:]]


def make_function(description):
    """f(x) for a float x (a float back) or an array of them (an array back)."""
    terms = list(_terms(description))

    def f(x):
        value = sum(value_of(params, np.asarray(x, dtype=np.float64)) for (value_of, _, _), params in terms)
        return float(value) if np.ndim(value) == 0 else value

    f.__name__ = f.__qualname__ = "f"
    return f


def slope(description, x):
    """f'(x) at the points x (array)."""
    x = np.asarray(x, dtype=np.float64)
    return sum(derivative(params, x) for (_, derivative, _), params in _terms(description))


def text(description):
    """'f(x) = 0.5 + 1 sin(2x)', for failure messages."""
    return "f(x) = " + " + ".join(show(params) for (_, _, show), params in _terms(description))


def weight_count(network):
    """How many numbers a (W, b) list holds (0 for what is not one)."""
    try:
        return sum(int(np.size(part)) for pair in network for part in pair)
    except Exception:
        return 0


def approximate_with(box, description, B, n, max_weights):
    """box.approximate(f, B, n) for the f of `description`; its weight list as it came.

    A network of more than max_weights numbers is refused here already, so that
    it never has to cross to the grader (which checks the size again).
    """
    network = box.approximate(make_function(description), B, n)
    count = weight_count(network)
    if count > max_weights:
        raise ValueError(f"approximate(f, B, n={n}) returned {count} weights; with at most 2n = {2 * n} "
                         f"hidden units a network has at most {max_weights}")
    return network
