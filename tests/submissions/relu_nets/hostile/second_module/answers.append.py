

# -- hostile: the autograd in a second submitted file, which modules.py imports.
import torch as _torch


def _pullback(x, weight, bias, grad_out):
    _, pull = _torch.func.vjp(lambda x_, w_, b_: x_ @ w_.T + b_, x, weight, bias)
    return pull(grad_out)
