"""Comparing what came back with what was expected, and saying so in one line."""
import numpy as np

from grader.checks.registry import CheckFailed


def show(value, limit=120):
    """A short printable form of a value for a failure message."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, threshold=8, edgeitems=2).replace("\n", "")
    elif isinstance(value, (float, np.floating)):
        text = f"{value:.8g}"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def as_array(got, where, shape=None):
    """`got` as a float64 array, or a failure saying why it cannot be one."""
    if not isinstance(got, (np.ndarray, list, tuple, int, float, np.number)) or isinstance(got, bool):
        raise CheckFailed(f"{where}: expected numbers{_shape_text(shape)}, got {show(got)}")
    try:
        array = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailed(f"{where}: expected numbers{_shape_text(shape)}, got {show(got)}") from None
    if shape is not None and array.shape != tuple(shape):
        raise CheckFailed(f"{where}: expected shape {tuple(shape)}, got shape {array.shape}")
    return array


def _shape_text(shape):
    return f" of shape {tuple(shape)}" if shape is not None else ""


def expect_close(got, expected, where, rtol=1e-6, atol=1e-8):
    """Fail with the worst entry unless got == expected within |got - expected| <= atol + rtol |expected|."""
    expected = np.asarray(expected, dtype=np.float64)
    got = as_array(got, where, expected.shape)
    bad = ~np.isclose(got, expected, rtol=rtol, atol=atol) | (np.isnan(got) != np.isnan(expected))
    if not bad.any():
        return
    excess = np.where(bad, np.abs(np.nan_to_num(got - expected, nan=np.inf)), -1.0)
    index = np.unravel_index(np.argmax(excess), excess.shape) if excess.ndim else ()
    at = f" at index {tuple(int(i) for i in index)}" if index else ""
    count = f"{int(bad.sum())} of {bad.size} entries off; " if bad.size > 1 else ""
    raise CheckFailed(f"{where}: expected {show(expected[index])}, got {show(got[index])}{at} "
                      f"({count}rtol={rtol:g}, atol={atol:g})")


def expect_equal(got, expected, where):
    """Exact equality of plain values (numbers, strings, bools, shapes)."""
    same = type(got) in (int, float, bool, str, tuple, list, type(None)) and got == expected
    if type(expected) in (bool, int, str):  # False is not 0, and 0.0 is not the count 0
        same = type(got) is type(expected) and got == expected
    if not same:
        raise CheckFailed(f"{where}: expected {show(expected)}, got {show(got)}")


def expect(condition, message):
    """Fail with `message` unless `condition` holds."""
    if not condition:
        raise CheckFailed(message)


def expect_form(condition, where, expected, got):
    """Fail unless `condition`, saying what form was expected and (shortly) what came back."""
    if not condition:
        raise CheckFailed(f"{where}: expected {expected}, got {show(got, limit=160)}")


def one_number(got, where):
    """A float from a number or a one-entry array."""
    array = as_array(got, where)
    expect(array.size == 1, f"{where}: expected one number, got shape {array.shape}")
    return float(array.reshape(()))


KIND_NAMES = {bool: "True or False", int: "an int", str: "a string"}


def expect_kind(value, kind, where, choices=None):
    """value is exactly of type `kind` (a bool is not an int), and one of `choices` if given."""
    expect_form(type(value) is kind, where, KIND_NAMES[kind], value)
    if choices is not None:
        expect(value in choices, f"{where}: expected one of {', '.join(map(repr, choices))}, got {value!r}")


def expect_near_estimate(got, samples, where, what, standard_errors=5):
    """got within `standard_errors` standard errors (plus a hair) of the mean of `samples`."""
    estimate, error = samples.mean(), samples.std() / np.sqrt(len(samples))
    margin = standard_errors * error
    expect(abs(got - estimate) <= margin + 1e-9, f"{where}: expected {estimate:.5g} +- {margin:.2g} "
           f"({what}, Monte Carlo over {len(samples)} draws), got {got:.6g}")


def away_from_kinks(shape, rng, margin=0.01):
    """Normal samples pushed at least `margin` away from 0, where ReLU and step have no derivative."""
    z = rng.standard_normal(shape)
    return z + margin * np.sign(z)
