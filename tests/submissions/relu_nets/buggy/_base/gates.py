"""Reference logic gates of `relu_nets` Question 7, as weight lists [(W1, b1), (W2, b2), ...].

Inputs x = (x1, x2) are real; f(x) = W_l relu(... relu(W1 x + b1) ...) + b_l.
"""
import numpy as np


def or_gate():
    """f = relu(x1) + relu(x2): 2 layers, width 2; positive iff x1 > 0 or x2 > 0."""
    return [(np.eye(2), np.zeros(2)), (np.array([[1.0, 1.0]]), np.zeros(1))]


def xor_gate():
    """f = min(relu(x1), relu(-x2)) + min(relu(-x1), relu(x2)): 3 layers, widths 4 and 4.

    AND of two non-negative numbers is their minimum, min(a, b) = relu(a) - relu(a - b),
    positive iff both are.
    """
    W1 = np.array([[1.0, 0.0], [0.0, -1.0], [-1.0, 0.0], [0.0, 1.0]])
    W2 = np.array([[1.0, 0.0, 0.0, 0.0], [1.0, -1.0, 0.0, 0.0],
                   [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 1.0, -1.0]])
    W3 = np.array([[1.0, -1.0, 1.0, -1.0]])
    return [(W1, np.zeros(4)), (W2, np.zeros(4)), (W3, np.zeros(1))]


def nand_gate():
    """Bonus, boolean inputs: f = relu(1.5 - x1 - x2), 0 only at (1, 1)."""
    return [(np.array([[-1.0, -1.0]]), np.array([1.5])), (np.array([[1.0]]), np.zeros(1))]
