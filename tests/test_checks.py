"""The check vocabulary: what a failure says, and that a right answer passes."""
import numpy as np
import pytest

from grader.checks import (CheckFailed, central_difference, expect_close, expect_equal,
                           expect_gradient, imported_modules, syntax_problem)


def test_close_values_pass():
    expect_close(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]), "f(x)")


def test_failure_names_where_expected_got_and_index():
    with pytest.raises(CheckFailed) as failure:
        expect_close(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.0], [3.0, 5.0]]), "W after step 1")
    message = str(failure.value)
    assert message.startswith("W after step 1: expected 5")
    assert "got 4" in message and "at index (1, 1)" in message and "rtol=" in message


def test_wrong_shape_is_named():
    with pytest.raises(CheckFailed, match=r"expected shape \(2, 3\), got shape \(3, 2\)"):
        expect_close(np.zeros((3, 2)), np.zeros((2, 3)), "forward(x)")


def test_nan_never_passes():
    with pytest.raises(CheckFailed, match="got nan"):
        expect_close(np.array([np.nan]), np.array([1.0]), "loss")


def test_object_that_claims_equality_is_not_numbers():
    class Liar:
        def __eq__(self, other):
            return True
    with pytest.raises(CheckFailed, match="expected numbers"):
        expect_close(Liar(), np.array([1.0]), "forward(x)")


def test_bool_is_not_an_int_for_exact_answers():
    with pytest.raises(CheckFailed):
        expect_equal(1, True, "Q3_CONVEX")
    expect_equal(True, True, "Q3_CONVEX")


def test_central_difference_of_a_quadratic_is_exact_enough():
    x = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(central_difference(lambda v: np.sum(v ** 2), x), 2 * x, rtol=1e-8)


def test_wrong_gradient_fails_against_central_differences():
    x = np.array([1.0, 2.0])
    with pytest.raises(CheckFailed, match="vs float64 central differences"):
        expect_gradient(x, lambda v: np.sum(v ** 2), x, "grad")


def test_imports_are_listed_with_lines():
    found = imported_modules("import numpy as np\nfrom torch import nn\n__import__('os')\n")
    assert found == {"numpy": 1, "torch": 2, "a module by name (__import__/importlib)": 3}


def test_syntax_problem_names_file_and_line():
    assert syntax_problem("def f(:\n", "mlp.py").startswith("mlp.py line 1:")
    assert syntax_problem("x = 1\n", "mlp.py") is None


def test_python_loops_are_found_in_the_function_and_what_it_calls():
    from grader.checks.static import python_loops
    source = '''
import numpy as np

def _row(v, u, i):
    return np.array([v[i] * u[j] for j in range(len(u))])

def grad_W(W, x):
    rows = [_row(x, x, i) for i in range(len(x))]
    k = 0
    while k < 2:
        k += 1
    return np.array(rows)

def unrelated(x):
    for i in range(3):
        pass

alias = grad_W
'''
    found = python_loops(source, "grad_W")
    assert [(line, where) for line, _, where in found] == [(5, "_row"), (8, "grad_W"), (10, "grad_W")]
    assert found[1][1] == "a list comprehension: for i in range(len(x))"
    assert found[2][1] == "while k < 2"
    assert python_loops(source, "alias") == found  # a plain alias is followed
    assert python_loops(source, "missing") is None
    assert python_loops("import numpy as np\n\ndef grad_W(W, x):\n    return np.outer(x, x)\n", "grad_W") == []


def test_python_loops_are_found_in_helper_classes_and_in_calls_that_loop():
    from grader.checks.static import python_loops
    source = '''
import numpy as np

class _Rows:
    @staticmethod
    def each(W, x):
        return [np.dot(w, x) for w in W]

row = lambda w, x: np.dot(w, x)

def grad_W(W, x):
    _Rows.each(W, x)
    return np.apply_along_axis(row, 1, W, x)
'''
    found = python_loops(source, "grad_W")
    assert [(line, what[:22], where) for line, what, where in found] == [
        (7, "a list comprehension: ", "_Rows.each"), (13, "np.apply_along_axis(..", "grad_W")]
