"""Judging networks given by their weights (SPEC section 1); the grader evaluates them itself.

A weight list is [(W1, b1), (W2, b2), ...], first layer first, numpy arrays or
nested lists: h_0 = x, h_i = act(W_i h_{i-1} + b_i), and the last layer has no
activation. W_i has shape (m, n) and b_i shape (m,).

    layers = as_weight_list(student.gates.or_gate(), "or_gate()")
    expect_architecture(layers, "or_gate()", exact_layers=2, exact_width=2, input_size=2)
    expect_decision(layers, OR, np.vstack([corners(), grid()]), "or_gate()")

The verdict "f(x) > 0" is exact: outputs are computed in float64 with a bound
on their rounding error, and any point whose sign that bound leaves in doubt
is evaluated again in exact rational arithmetic (every float is a rational).
So a valid construction is never failed by rounding (say relu(x1) - relu(x1 - x2)
at x = (1e6, 1e-9)), and a wrong one is never passed by it.

Exact evaluation is bounded before it starts. Every float is m 2^e, so every exact
value is an integer times a power of two: it is computed as one (no gcd, unlike
Fraction), and a cost model bounds, layer by layer, how many bits each unit's exact
value can need (from the exponents of the weights and of the points in doubt). Its
cost, the terms times their bits summed over layers and points, must stay under
MAX_EXACT_COST (a few seconds here): a network whose exact values grow without end
(layers that scale by 1e300 and back) is refused with a message, not evaluated for hours.
"""
import math
from fractions import Fraction

import numpy as np

from grader.checks.compare import as_array, show
from grader.checks.registry import CheckFailed

MAX_PARAMETERS = 100_000  # past this, judging a network would cost the grader too much
# Exact work: the sum over points in doubt, layers and terms of (1 + the term's bits / BITS_PER_UNIT),
# bounded before any exact arithmetic starts (exact_cost). One unit is about the time of one
# small-integer term; MAX_EXACT_COST units take about 5 s on the course's 2-core VM.
MAX_EXACT_COST = 8_000_000
MAX_EXACT_BITS = 200_000   # the most bits one exact value may need (float64 spans about 2100)
BITS_PER_UNIT = 2048       # a term of this many bits costs about one more unit (shift, add, multiply)
UNIT_COST = 5              # a unit's own work besides its terms (collecting, aligning, stripping)
LAYER_COST = 10            # a layer's own work besides its units
_EPS = 2.0 ** -52          # relative rounding of one float64 operation, doubled for safety
_TINY = 2.0 ** -1074       # absolute rounding of one product that underflows


# -- weight lists ---------------------------------------------------------------------


def as_weight_list(value, where, max_parameters=MAX_PARAMETERS):
    """[(W float64 (m, n), b float64 (m,)), ...] from a student's weight list, or one-line failure.

    b may also come as (m, 1), or as a number when m = 1. Consecutive layers
    must chain: W_i has as many columns as W_{i-1} has rows.
    """
    if not isinstance(value, (list, tuple)) or not value:
        raise CheckFailed(f"{where}: expected a non-empty list of (W, b) pairs, got {_kind(value)}")
    layers, count = [], 0
    for number, pair in enumerate(value, start=1):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise CheckFailed(f"{where}: layer {number}: expected a pair (W, b), got {_kind(pair)}")
        W = _matrix(pair[0], f"{where}: layer {number} W")
        b = _bias(pair[1], W.shape[0], f"{where}: layer {number} b")
        if layers and W.shape[1] != layers[-1][0].shape[0]:
            raise CheckFailed(f"{where}: layer {number} W has {W.shape[1]} columns, but layer "
                              f"{number - 1} has {layers[-1][0].shape[0]} outputs")
        count += W.size + b.size
        if count > max_parameters:
            raise CheckFailed(f"{where}: expected at most {max_parameters} weights, got more: this "
                              "network is too large to judge")
        layers.append((W, b))
    return layers


def _kind(value):
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    return show(value).replace("\n", " ")


def _matrix(value, where):
    W = as_array(value, where)
    if W.ndim != 2 or 0 in W.shape:
        raise CheckFailed(f"{where}: expected a matrix of shape (outputs, inputs), got shape {W.shape}")
    _expect_finite(W, where)
    return W


def _bias(value, rows, where):
    b = as_array(value, where)
    if b.shape in ((rows,), (rows, 1)) or (rows == 1 and b.shape in ((), (1, 1))):
        b = b.reshape(rows)
        _expect_finite(b, where)
        return b
    raise CheckFailed(f"{where}: expected shape ({rows},) to match W's {rows} rows, got shape {b.shape}")


def _expect_finite(array, where):
    bad = np.argwhere(~np.isfinite(array))
    if len(bad):
        index = tuple(int(i) for i in bad[0])
        raise CheckFailed(f"{where}: expected finite numbers, got {array[index]} at index {index}")


# -- architecture ---------------------------------------------------------------------


def architecture_problems(layers, max_layers=None, exact_layers=None, max_width=None,
                          exact_width=None, input_size=None, output_size=1):
    """What breaks the limits, one phrase each (empty when none): layers count weight matrices,
    widths are the hidden layers' sizes."""
    problems = []
    widths = [W.shape[0] for W, _ in layers[:-1]]
    if exact_layers is not None and len(layers) != exact_layers:
        problems.append(f"expected exactly {exact_layers} layers, got {len(layers)}")
    if max_layers is not None and len(layers) > max_layers:
        problems.append(f"expected at most {max_layers} layers, got {len(layers)}")
    for number, width in enumerate(widths, start=1):
        if exact_width is not None and width != exact_width:
            problems.append(f"expected hidden layer {number} of width {exact_width}, got {width}")
        if max_width is not None and width > max_width:
            problems.append(f"expected hidden layer {number} of width at most {max_width}, got {width}")
    if input_size is not None and layers[0][0].shape[1] != input_size:
        problems.append(f"expected inputs of size {input_size} (W1's columns), got {layers[0][0].shape[1]}")
    if output_size is not None and layers[-1][0].shape[0] != output_size:
        problems.append(f"expected an output of size {output_size}, got {layers[-1][0].shape[0]}")
    return problems


def expect_architecture(layers, where, **limits):
    """Fail naming every broken limit of architecture_problems(layers, **limits)."""
    problems = architecture_problems(layers, **limits)
    if problems:
        raise CheckFailed(f"{where}: " + "; ".join(problems))


# -- evaluation -----------------------------------------------------------------------

ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0.0),
    "sign": np.sign,                                  # sign(0) = 0: undefined, see expect_decision
    "step": lambda z: (z > 0).astype(np.float64),     # step(z) = 1 if z > 0 else 0
}


def evaluate(layers, X, activation="relu"):
    """Outputs (N, m_out) in float64 of the network at the rows of X (N, n)."""
    h = np.asarray(X, dtype=np.float64)
    with np.errstate(all="ignore"):
        for number, (W, b) in enumerate(layers, start=1):
            h = h @ W.T + b
            if number < len(layers):
                h = ACTIVATIONS[activation](h)
    return h


def _evaluate_with_error(layers, X, activation):
    """Float64 outputs (N,) of a one-output network, and which rows they may have the wrong sign.

    Rounding of each W h + b is bounded by (n + 2) eps (|W| |h| + |b|); ReLU
    carries the error of its input on, exactly 0 where its input is surely
    negative; a sign or step unit whose input may be 0 makes its row doubtful.
    """
    h = np.asarray(X, dtype=np.float64)
    error, doubtful = np.zeros_like(h), np.zeros(len(h), dtype=bool)
    with np.errstate(all="ignore"):
        for number, (W, b) in enumerate(layers, start=1):
            z = h @ W.T + b
            scale = np.abs(h) @ np.abs(W).T + np.abs(b)
            products = (h != 0) @ (W != 0).T.astype(np.float64) + (b != 0)  # each may underflow
            bound = error @ np.abs(W).T + (W.shape[1] + 2) * (_EPS * scale + _TINY * products)
            bound[~np.isfinite(z) | ~np.isfinite(bound)] = np.inf
            if number == len(layers):
                f, bound = z[:, 0], bound[:, 0]
                return f, doubtful | ((np.abs(f) <= bound) & (bound > 0)) | ~np.isfinite(f)
            if activation == "relu":
                h, error = np.maximum(z, 0.0), np.where(z < -bound, 0.0, bound)
            else:
                doubtful |= np.any(np.abs(z) <= bound, axis=1)
                h, error = ACTIVATIONS[activation](z), np.zeros_like(z)


def evaluate_exact(layers, x, activation="relu"):
    """(f(x) as a Fraction, None) for one point x, or (None, (layer, unit)) where a sign unit gets exactly 0."""
    value, undefined = _evaluate_dyadic(_dyadic_layers(layers), x, activation)
    return (None, undefined) if undefined else (_as_fraction(*value), None)


def _dyadic(v):
    """(M, E) with the float v == M 2^E exactly, M odd (or (0, 0))."""
    if v == 0:
        return 0, 0
    n, d = float(v).as_integer_ratio()
    if d > 1:  # d = 2^k and n odd
        return n, 1 - d.bit_length()
    shift = (n & -n).bit_length() - 1
    return n >> shift, shift


def _dyadic_layers(layers):
    """Each layer as ([[(input, M, E) for each non-zero weight] per unit], [(M, E) per bias])."""
    return [([[(j, *_dyadic(w)) for j, w in enumerate(row) if w] for row in W.tolist()],
             [_dyadic(c) for c in b.tolist()]) for W, b in layers]


def _evaluate_dyadic(prepared, x, activation):
    """((M, E) with f(x) = M 2^E, None), or (None, (layer, unit)) where a sign unit gets exactly 0.

    Integer arithmetic only: each unit's terms are aligned to the lowest exponent among them and
    added, so a unit's integer has at most the bits exact_cost allows it.
    """
    h = [_dyadic(v) for v in np.asarray(x, dtype=np.float64).tolist()]
    for number, (rows, biases) in enumerate(prepared, start=1):
        z = []
        for row, bias in zip(rows, biases):
            terms = [(m * h[j][0], e + h[j][1]) for j, m, e in row if h[j][0]]
            if bias[0]:
                terms.append(bias)
            if not terms:
                z.append((0, 0))
                continue
            low = min(e for _, e in terms)
            total = sum(m << (e - low) for m, e in terms)
            if total:
                shift = (total & -total).bit_length() - 1
                z.append((total >> shift, low + shift))
            else:
                z.append((0, 0))
        if number == len(prepared):
            return z[0], None
        if activation == "sign" and any(m == 0 for m, _ in z):
            return None, (number, next(i for i, (m, _) in enumerate(z) if m == 0) + 1)
        h = [_exact_activation(activation, m, e) for m, e in z]


def _exact_activation(activation, m, e):
    if activation == "relu":
        return (m, e) if m > 0 else (0, 0)
    if activation == "step":
        return (1, 0) if m > 0 else (0, 0)
    return ((m > 0) - (m < 0), 0)


def _as_fraction(m, e):
    """M 2^E as a Fraction; M is odd, so M / 2^-E needs no gcd."""
    if e >= 0:
        return Fraction(m << e)
    try:
        return Fraction(m, 1 << -e, _normalize=False)
    except TypeError:  # a Python without that keyword: the gcd is 1 anyway
        return Fraction(m, 1 << -e)


def _exponent_ranges(values):
    """(lo, hi): each entry of `values` is M 2^E with its lowest set bit at 2^lo, and |v| = 2^hi
    (hi real); lo = inf and hi = -inf for zeros."""
    v = np.asarray(values, dtype=np.float64)
    mantissa, exponent = np.frexp(v)                      # v = mantissa 2^exponent, 1/2 <= |mantissa| < 1
    digits = (mantissa * 2.0 ** 53).astype(np.int64)      # exact: 53 bits
    nonzero = v != 0
    lowest = np.log2(np.where(nonzero, np.abs(digits & -digits), 1).astype(np.float64))
    lo = np.where(nonzero, exponent - 53 + lowest, np.inf)
    with np.errstate(divide="ignore"):
        hi = np.where(nonzero, np.log2(np.abs(v)), -np.inf)
    return lo, hi


def exact_cost(layers, points, activation="relu"):
    """(cost per point, most bits of a unit's exact value, the layer where they are) of evaluating
    the network exactly at any of `points`: an upper bound, from the exponents alone.

    A unit's exact value sum_j W_ij h_j + b_i has its lowest set bit no lower than its terms'
    lowest, and its magnitude at most (terms) times the largest term's: log2 |W_ij h_j| =
    log2 |W_ij| + log2 |h_j|. ReLU keeps the range, a sign or step unit resets it to 0. Each
    layer costs LAYER_COST, each unit UNIT_COST, and each term 1 + its bits / BITS_PER_UNIT more.
    """
    X = np.asarray(points, dtype=np.float64).reshape(-1, layers[0][0].shape[1])
    lo, hi = _exponent_ranges(X)
    lo_h, hi_h = lo.min(axis=0, initial=np.inf), hi.max(axis=0, initial=-np.inf)
    cost, most_bits, where = 0.0, 0, 0
    for number, (W, b) in enumerate(layers, start=1):
        lo_W, hi_W = _exponent_ranges(W)
        lo_b, hi_b = _exponent_ranges(b)
        live = np.isfinite(lo_W) & np.isfinite(lo_h)[None, :]       # terms that may be non-zero
        terms = live.sum(axis=1) + (b != 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            low = np.minimum(np.where(live, lo_W + lo_h[None, :], np.inf).min(axis=1), lo_b)
            high = np.maximum(np.where(live, hi_W + hi_h[None, :], -np.inf).max(axis=1), hi_b) \
                + np.log2(np.maximum(terms, 1)) + 1e-9 * number   # a margin for log2's rounding
            bits = np.where(terms > 0, np.floor(high) - low + 1, 0.0)
        cost += LAYER_COST + float(np.sum(UNIT_COST + terms * (1.0 + bits / BITS_PER_UNIT)))
        if bits.max() > most_bits:
            most_bits, where = int(bits.max()), number
        if activation == "relu":
            lo_h, hi_h = np.where(terms > 0, low, np.inf), np.where(terms > 0, high, -np.inf)
        else:
            lo_h, hi_h = np.where(terms > 0, 0.0, np.inf), np.where(terms > 0, 0.0, -np.inf)
    return cost, most_bits, where


# -- decisions ------------------------------------------------------------------------


class Rule:
    """A predicate on points X (N, n) -> bool (N,), with the words that say it in failures."""

    def __init__(self, text, function, negation=None):
        self.text, self.function = text, function
        self.negation = negation or f"not ({text})"

    def __call__(self, X):
        return np.asarray(self.function(np.asarray(X, dtype=np.float64)), dtype=bool)


def expect_decision(layers, predicate, points, where, activation="relu", zero_is_negative=True):
    """f(x) > 0 exactly where predicate(x), on every row of points; else fail on the first row that
    disagrees. With zero_is_negative=False the other rows need f(x) < 0 (a sign output of 0 is no
    answer). With activation="sign", a hidden unit whose input is exactly 0 fails too."""
    points = np.asarray(points, dtype=np.float64)
    expect_architecture(layers, where, input_size=points.shape[1], output_size=1)
    wanted = predicate(points)
    f, doubtful = _evaluate_with_error(layers, points, activation)
    count = int(doubtful.sum())
    prepared = None
    if count:
        per_point, bits, layer = exact_cost(layers, points[doubtful], activation)
        if per_point * count > MAX_EXACT_COST or bits > MAX_EXACT_BITS:
            raise CheckFailed(
                f"{where}: expected a network whose sign float64 can settle on most points, got one too "
                f"costly to evaluate exactly: {count} of {len(points)} points need exact arithmetic, "
                f"where its exact values may need up to {bits} bits (layer {layer}); that is about "
                f"{per_point * count:.3g} units of exact work (the grader's limits: {MAX_EXACT_COST:.3g} units, "
                f"{MAX_EXACT_BITS} bits; use weights of moderate size, fewer layers or fewer units)")
        prepared = _dyadic_layers(layers)
    for i in range(len(points)):
        if doubtful[i]:
            value, undefined = _evaluate_dyadic(prepared, points[i], activation)
            sign = None if undefined else (value[0] > 0) - (value[0] < 0)
        else:
            undefined, sign = None, int(f[i] > 0) - int(f[i] < 0)
        right = undefined is None and (sign > 0 if wanted[i] else
                                       sign <= 0 if zero_is_negative else sign < 0)
        if not right:
            _fail_at(layers, predicate, points[i], wanted[i], where, activation, zero_is_negative, f[i])


def _fail_at(layers, predicate, x, wanted, where, activation, zero_is_negative, rounded=None):
    """The failure message for the counter-example x, with f(x) computed exactly where that is cheap
    (else its float64 value, whose sign is sure: only points in doubt had to be evaluated exactly)."""
    cost, bits, _ = exact_cost(layers, [x], activation)
    if rounded is None or (cost <= MAX_EXACT_COST and bits <= MAX_EXACT_BITS):
        value, undefined = evaluate_exact(layers, x, activation)
    else:
        value, undefined = rounded, None
    at = f"at x = {_point(x)}"
    if undefined:
        raise CheckFailed(f"{where}: {at} expected every unit's input to be non-zero (sign(0) is "
                          f"undefined), got 0 at unit {undefined[1]} of layer {undefined[0]}")
    if wanted:
        raise CheckFailed(f"{where}: {at} expected f(x) > 0 ({_text(predicate)}), got f(x) = {_number(value)}")
    relation = "<= 0" if zero_is_negative else "< 0"
    raise CheckFailed(f"{where}: {at} expected f(x) {relation} ({_negation(predicate)}), "
                      f"got f(x) = {_number(value)}")


def _text(predicate):
    return getattr(predicate, "text", None) or (predicate.__doc__ or "the rule").strip()


def _negation(predicate):
    return getattr(predicate, "negation", None) or f"not ({_text(predicate)})"


def _number(value):
    """6 significant digits, also for exact values outside float64's range (1e-400, 1e400)."""
    if isinstance(value, Fraction) and value:
        try:
            rounded = float(value)
        except OverflowError:
            rounded = math.inf
        if rounded != 0 and math.isfinite(rounded):
            return format(rounded, ".6g")
        # from the bit lengths, then exactly: no decimal string of a huge integer (Python caps those)
        bits = abs(value.numerator).bit_length() - value.denominator.bit_length()
        exponent = math.floor(bits * math.log10(2))
        mantissa = float(value / Fraction(10) ** exponent)
        while abs(mantissa) >= 10:
            mantissa, exponent = mantissa / 10, exponent + 1
        while abs(mantissa) < 1:
            mantissa, exponent = mantissa * 10, exponent - 1
        if abs(float(f"{mantissa:.6g}")) >= 10:  # 9.9999996 shows as 10
            mantissa, exponent = mantissa / 10, exponent + 1
        return f"{mantissa:.6g}e{exponent:+03d}"
    return format(float(value), ".6g")


def _point(x):
    return "(" + ", ".join(_number(v) for v in x) + ")"


# -- points ---------------------------------------------------------------------------

# Distances from a boundary, both sides: 1e-9 ... 1e6.
DISTANCES = 10.0 ** np.arange(-9, 7)
# Positions along a boundary line.
ALONG = (-1e6, -3.0, -1.0, -1e-3, -1e-9, 0.0, 1e-9, 1e-3, 1.0, 3.0, 1e6)


def corners(n=2):
    """The 2^n boolean inputs {0, 1}^n, shape (2^n, n)."""
    return np.array([[(i >> (n - 1 - j)) & 1 for j in range(n)] for i in range(2 ** n)], dtype=np.float64)


def grid(limit=2.0, steps=20):
    """The (2 steps + 1)^2 points k limit / steps for k = -steps..steps in each coordinate, 0 exactly included."""
    values = np.arange(-steps, steps + 1) * (limit / steps)
    return np.array([[a, b] for a in values for b in values])


def near_axes(along=ALONG, distances=DISTANCES):
    """Points on the lines x1 = 0 and x2 = 0 and at each distance on both sides of them, shape (N, 2)."""
    offsets = np.concatenate([[0.0], distances, -distances])
    rows = []
    for axis in (0, 1):
        for position in along:
            for offset in offsets:
                point = [position, position]
                point[axis] = offset
                rows.append(point)
    return np.array(rows)


def far_away(radii=(1e3, 1e6, 1e9), count=48):
    """count points on each circle of the given radii, shape (count * len(radii), 2)."""
    angles = 2 * np.pi * (np.arange(count) + 0.5) / count
    return np.array([[r * np.cos(a), r * np.sin(a)] for r in radii for a in angles])
