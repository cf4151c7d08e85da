"""Question 2: step networks, from one box to any smooth function.

A neuron here is y = step(w x + b) with the homework's unit step:
step(z) = 1 if z > 0 else 0 (so step(0) = 0). Inputs and outputs are scalars.
A network is given by its weights, a list of (W, b) pairs, first layer first:

    [(W1 (k, 1), b1 (k,)), (W2 (1, k), b2 (1,))]
    h = step(W1 x + b1)       the k hidden units
    f(x) = W2 h + b2          the output neuron only sums (b2 may be 0)

The grader evaluates your weights itself with this step; it never runs a
forward pass of yours. The drawing of 2a, the argument of 2b and the answer
of 2c go in your written write-up.
"""
import numpy as np


def box_network(h, delta):
    """Question 2a: the box of height h and width delta > 0 with 2 hidden step units.

    f(x) = h for 0 < x < delta and f(x) = 0 for x < 0 and x > delta (the two
    endpoints are not graded). Returns [(W1 (2, 1), b1 (2,)), (W2 (1, 2), b2 (1,))].
    """
    # BEGIN SOLUTION: one unit switches on at x = 0, the other at x = delta;
    #   weigh them in the output so that only their difference is left
    W1 = np.array([[1.0], [1.0]])
    b1 = np.array([0.0, -float(delta)])        # step(x) and step(x - delta)
    W2 = np.array([[float(h), -float(h)]])     # h (step(x) - step(x - delta))
    return [(W1, b1), (W2, np.zeros(1))]
    # END SOLUTION


def approximate(f, B, n):
    """Question 2b: a step network with at most 2n hidden units that approximates f on [-B, B].

    f takes a float and returns a float (smooth and bounded on [-B, B]). Returns
    [(W1 (k, 1), b1 (k,)), (W2 (1, k), b2 (1,))] with k <= 2n. Its largest error
    on [-B, B] must shrink like 1/n: at most 4 B max|f'| / n for every n >= 4
    (n boxes of width 2B/n, each of the height of f in it, do it).
    """
    # BEGIN SOLUTION: n boxes of width 2B/n side by side (part a's, moved),
    #   each as high as f at its centre; their 2n units form one hidden layer
    # Neighbouring boxes share their edge, computed once, so that one switches off exactly where the
    # next switches on. The error is at most max|f'| B / n, a quarter of what is allowed.
    edges = -B + (2.0 * B / n) * np.arange(n + 1)
    heights = np.array([float(f(c)) for c in (edges[:-1] + edges[1:]) / 2])
    W1 = np.ones((2 * n, 1))
    b1 = -np.concatenate([edges[:-1], edges[1:]])        # box k: step(x - e_k) - step(x - e_k+1)
    W2 = np.concatenate([heights, -heights])[None, :]
    return [(W1, b1), (W2, np.zeros(1))]
    # END SOLUTION
