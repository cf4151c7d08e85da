"""Linear networks, the parity pitfall and CIFAR-10 classification -- pitfalls.py

Fill in every function and method below that raises NotImplementedError.
Do not change the names and signatures of the classes, functions and methods
given here, and do not rename this file: the autograder imports pitfalls.py
and calls them by name. You may add helpers of your own.
Check your work with `grader check linear_nets .` (see README.md).

Promises and pitfalls of neural networks (Problem 3), in PyTorch.

The network of the problem, with k ReLU units and one linear output:

    f(x) = sum_i alpha_i relu(w_i^T x + b_i) + beta,   x in {0, 1}^d.

- ParityNet(d, k): a torch.nn.Module whose parameters(), in this order, are
  w (k, d), b (k,), alpha (1, k) and beta (1,) (two nn.Linear layers give
  exactly these), and whose forward maps x (N, d) to f(x) (N, 1).
- set_parity_weights(net, v_star): for a ParityNet with k = 10 d and a 0/1
  tensor v_star (d,), set the parameters so that f(x) = (-1)^(v_star^T x)
  exactly on all 2^d inputs x in {0, 1}^d (Problem 3(a)). Mind the indices:
  the homework counts units from 1, Python from 0. The grader reads your
  parameters back and evaluates f itself, in float64, on every input (a
  sample of them for d = 30), for v_star all zeros and all ones too; it
  accepts rounding up to |f(x) - (-1)^(v_star^T x)| <= 1e-6.
- my_loss(output, y): the mean hinge loss max(0, 1 - f(x) y) over the batch,
  with torch operations only so that autograd can differentiate it; output
  has shape (N, 1) or (N,), y (N,) holds +1/-1 in any numeric dtype.
- train_parity(d, iterations, seed): the homework's training run (Problem
  3(b)): v_star, the data and the initial weights all drawn from `seed`; a
  ParityNet with k = 10 d; SGD with lr 0.001 and momentum 0.9 on my_loss; each
  iteration a batch of 100 fresh random inputs x in {0, 1}^d labelled
  (-1)^(v_star^T x). Returns the list of the `iterations` batch losses, as
  Python floats, in order. The same seed gives the same list.
"""
import torch
from torch import nn

LR, MOMENTUM, BATCH = 0.001, 0.9, 100


class ParityNet(nn.Module):
    """f(x) = alpha relu(w x + b) + beta with k hidden units, for inputs x (N, d)."""

    def __init__(self, d, k):
        super().__init__()
        raise NotImplementedError("create layers holding w (k, d), b (k,), alpha (1, k), beta (1,), in order")

    def forward(self, x):
        """x (N, d) -> f(x) (N, 1)."""
        raise NotImplementedError("return alpha relu(w x + b) + beta, shape (N, 1)")


def set_parity_weights(net, v_star):
    """Set net's parameters (a ParityNet with k = 10 d) so that f(x) = (-1)^(v_star^T x) on {0, 1}^d."""
    raise NotImplementedError("set w, b, alpha and beta as Problem 3(a) says, inside torch.no_grad()")


def my_loss(output, y):
    """Mean over the batch of max(0, 1 - f y); output (N, 1) or (N,), y (N,) of +1/-1."""
    raise NotImplementedError("the mean of max(0, 1 - f y) over the batch, with torch operations")


def train_parity(d, iterations, seed):
    """The homework's training run for d-bit parity -> the list of `iterations` batch losses (floats)."""
    raise NotImplementedError("the homework's training loop, seeded; return the batch losses as floats")


