"""Expressivity of neural networks, softmax gradients, a FashionMNIST MLP and back-propagation from scratch -- backprop_scratch.py

Fill in every function and method below that raises NotImplementedError.
Do not change the names and signatures of the classes, functions and methods
given here, and do not rename this file: the autograder imports backprop_scratch.py
and calls them by name. You may add helpers of your own.
Check your work with `grader check expressivity .` (see README.md).

Question 5: back-propagation by hand, in numpy.

A network with one ReLU hidden layer and a softmax cross-entropy loss:

    params = {"W1": (h, d), "b1": (h,), "W2": (c, h), "b2": (c,)}
    a = X W1^T + b1            (n, h)   batches are rows: X is (n, d)
    u = relu(a)                (n, h)
    logits = u W2^T + b2       (n, c)
    L = mean over the n rows of -log softmax(logits_i)[y_i]

with y (n,) the class indices. You compute the gradients of L by hand:
no autograd. This file may import numpy and nothing else (the grader reads
your imports and watches what your functions call), and must be vectorised:
matrix products over the whole batch, no Python loops over samples.
"""
import numpy as np


def relu(z):
    return np.maximum(z, 0.0)


def loss(params, X, y):
    """The mean softmax cross-entropy of forward(params, X) for class indices y (n,)."""
    logits = forward(params, X)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_probs[np.arange(len(y)), y].mean())


def forward(params, X):
    """logits (n, c) = relu(X W1^T + b1) W2^T + b2 for X (n, d)."""
    raise NotImplementedError("return relu(X W1^T + b1) W2^T + b2")


def gradients(params, X, y):
    """{"W1", "b1", "W2", "b2"}: the gradients of the mean cross-entropy L, each the shape of its parameter."""
    raise NotImplementedError("forward keeping a and u; dL/dlogits = (softmax - onehot(y)) / n; "
                              "then back through W2, the ReLU and W1")


def init_params(d, h, c, seed=0):
    """Small random starting weights for a d-h-c network."""
    rng = np.random.default_rng(seed)
    return {"W1": rng.standard_normal((h, d)) / np.sqrt(d), "b1": np.zeros(h),
            "W2": rng.standard_normal((c, h)) / np.sqrt(h), "b2": np.zeros(c)}


def numeric_gradient(params, X, y, name, epsilon=1e-6):
    """Central differences of loss() in the parameter `name`: what gradients(...)[name] should be."""
    grad = np.zeros_like(params[name])
    for index in np.ndindex(grad.shape):
        saved = params[name][index]
        params[name][index] = saved + epsilon
        plus = loss(params, X, y)
        params[name][index] = saved - epsilon
        minus = loss(params, X, y)
        params[name][index] = saved
        grad[index] = (plus - minus) / (2 * epsilon)
    return grad


if __name__ == "__main__":
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((8, 5)), rng.integers(0, 3, 8)
    params = init_params(5, 4, 3)
    grads = gradients(params, X, y)
    for name in params:
        error = np.abs(grads[name] - numeric_gradient(params, X, y, name)).max()
        print(f"{name}: largest difference from central differences {error:.2e}")
