"""Question 5: back-propagation by hand, in numpy.

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
    # BEGIN SOLUTION: return relu(X W1^T + b1) W2^T + b2
    return relu(X @ params["W1"].T + params["b1"]) @ params["W2"].T + params["b2"]
    # END SOLUTION


def gradients(params, X, y):
    """{"W1", "b1", "W2", "b2"}: the gradients of the mean cross-entropy L, each the shape of its parameter."""
    # BEGIN SOLUTION: forward keeping a and u; dL/dlogits = (softmax - onehot(y)) / n;
    #   then back through W2, the ReLU and W1
    a = X @ params["W1"].T + params["b1"]
    u = relu(a)
    logits = u @ params["W2"].T + params["b2"]
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    grad_logits = probs
    grad_logits[np.arange(len(y)), y] -= 1.0
    grad_logits /= len(y)                       # the loss is a mean over the batch
    grad_a = (grad_logits @ params["W2"]) * (a > 0)
    return {"W1": grad_a.T @ X, "b1": grad_a.sum(axis=0),
            "W2": grad_logits.T @ u, "b2": grad_logits.sum(axis=0)}
    # END SOLUTION


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
