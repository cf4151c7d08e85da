"""Linear networks, the parity pitfall and CIFAR-10 classification -- linear_networks.py

Fill in every function and method below that raises NotImplementedError.
Do not change the names and signatures of the classes, functions and methods
given here, and do not rename this file: the autograder imports linear_networks.py
and calls them by name. You may add helpers of your own.
Check your work with `grader check linear_nets .` (see README.md).

Linear neural networks (Problem 2), in numpy.

A depth-L linear network is its list of weight matrices Ws = [W_1, ..., W_L],
first layer first, without biases: W_i has shape (d_i, d_(i-1)), so that
f(x) = W_L ... W_1 x maps R^(d_0) to R^(d_L). The data matrices have one
sample per row: X has shape (n, d) and Y shape (n, p), with d = d_0 and
p = d_L. Take and return numpy arrays (float64).

- product(Ws): Wbar = W_L ... W_1, shape (p, d).
- risk(Ws, X, Y): R = 1/2 ||Wbar X^T - Y^T||_F^2, a float.
- grad_wbar(Wbar, X, Y): dQ/dWbar of Q(Wbar) = 1/2 ||Wbar X^T - Y^T||_F^2, shape (p, d).
- grad_layer(Ws, X, Y, i): dR/dW_i, shape (d_i, d_(i-1)); i is 1-based, as in
  the homework (i = 1 is the first layer, i = L the last).
- realize(W0, dims): weights Ws with W_i of shape (dims[i], dims[i-1]) whose
  product is W0 (relative error at most 1e-8), for dims = [d_0, ..., d_L]
  with d_0 = d and d_L = p; raise ValueError exactly when
  rank(W0) > min(dims) (Problem 2(a): then no such weights exist).

The gradients are checked against float64 central differences of the risk;
realize is checked for random ranks, depths and widths, at the boundary
rank(W0) = min(dims) too.
"""
import numpy as np


def product(Ws):
    """Wbar = W_L ... W_1 for Ws = [W_1, ..., W_L]: shape (d_L, d_0)."""
    raise NotImplementedError("multiply the layers, the first layer rightmost")


def risk(Ws, X, Y):
    """R = 1/2 ||Wbar X^T - Y^T||_F^2 for X (n, d), Y (n, p): a float."""
    raise NotImplementedError("the residual Wbar X^T - Y^T, then half its squared Frobenius norm")


def grad_wbar(Wbar, X, Y):
    """dQ/dWbar for Q(Wbar) = 1/2 ||Wbar X^T - Y^T||_F^2: shape (p, d), like Wbar."""
    raise NotImplementedError("backpropagate E = Wbar X^T - Y^T through the product Wbar X^T")


def grad_layer(Ws, X, Y, i):
    """dR/dW_i for the 1-based layer index i: shape (d_i, d_(i-1)), like Ws[i - 1]."""
    raise NotImplementedError("backpropagate dQ/dWbar through Wbar = Wbar_(L:i+1) W_i Wbar_(i-1:1)")


def realize(W0, dims):
    """[W_1, ..., W_L] with W_i of shape (dims[i], dims[i-1]) and W_L ... W_1 = W0.

    W0 has shape (dims[-1], dims[0]). Raises ValueError when rank(W0) > min(dims).
    """
    raise NotImplementedError("factor W0 through its rank (Problem 2(a)), or raise ValueError")
