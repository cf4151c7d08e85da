"""Question 7: logic gates as ReLU networks, given by their weights.

Each function returns a weight list [(W1, b1), (W2, b2), ...], first layer
first, numpy arrays or nested lists of numbers: W_i has shape
(outputs, inputs) and b_i shape (outputs,). The network is
h_0 = x, h_i = relu(W_i h_(i-1) + b_i), and the last layer has no ReLU:
f(x) = W_l h_(l-1) + b_l, one number. l counts the layers (weight matrices),
and the widths are the sizes of the hidden layers.

The grader evaluates your network itself, in exact arithmetic where rounding
could matter. The inputs x = (x1, x2) are REAL numbers, not only 0 and 1:
f(x) > 0 must hold exactly where the rule holds, also on the lines x1 = 0
and x2 = 0 (where the strict inequalities are false), a hair away from them
(1e-9) and far from the origin (1e6).
"""
import numpy as np


def or_gate():
    """Question 7a: exactly 2 layers, hidden width 2, inputs (x1, x2).

    f(x) > 0 if and only if x1 > 0 or x2 > 0.
    """
    # BEGIN SOLUTION: return [(W1 (2, 2), b1 (2,)), (W2 (1, 2), b2 (1,))]
    # f = relu(x1) + relu(x2): 2 layers, width 2; positive iff x1 > 0 or x2 > 0.
    return [(np.eye(2), np.zeros(2)), (np.array([[1.0, 1.0]]), np.zeros(1))]
    # END SOLUTION


def xor_gate():
    """Question 7b: at most 3 layers, every hidden width at most 4, inputs (x1, x2).

    f(x) > 0 if and only if (x1 < 0 and x2 > 0) or (x1 > 0 and x2 < 0).
    """
    # BEGIN SOLUTION: return a weight list of at most 3 layers, hidden widths at most 4
    # f = min(relu(x1), relu(-x2)) + min(relu(-x1), relu(x2)): 3 layers, widths 4 and 4.
    # AND of two non-negative numbers is their minimum, min(a, b) = relu(a) - relu(a - b),
    # positive iff both are.
    W1 = np.array([[1.0, 0.0], [0.0, -1.0], [-1.0, 0.0], [0.0, 1.0]])
    W2 = np.array([[1.0, 0.0, 0.0, 0.0], [1.0, -1.0, 0.0, 0.0],
                   [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 1.0, -1.0]])
    W3 = np.array([[1.0, -1.0, 1.0, -1.0]])
    return [(W1, np.zeros(4)), (W2, np.zeros(4)), (W3, np.zeros(1))]
    # END SOLUTION


def nand_gate():
    """Question 7c (bonus): any number of layers and widths, inputs (x1, x2) in {0, 1}^2 only.

    f(x) > 0 if and only if not (x1 = 1 and x2 = 1), checked on the four
    boolean inputs.
    """
    # BEGIN SOLUTION: bonus: return a weight list for NAND on boolean inputs
    # f = relu(1.5 - x1 - x2), 0 only at (1, 1).
    return [(np.array([[-1.0, -1.0]]), np.array([1.5])), (np.array([[1.0]]), np.zeros(1))]
    # END SOLUTION
