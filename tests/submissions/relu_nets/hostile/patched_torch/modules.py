"""Hostile: wrong answers of the right shapes, after making torch's comparisons always agree.

torch.allclose, torch.equal, torch.isclose, torch.testing.assert_close and
Tensor.__eq__ are replaced in the worker's interpreter. Judging happens in the
grader's process, which never sees these patches.
"""
import torch
import torch.testing


def _yes(*args, **kwargs):
    return True


def _nothing(*args, **kwargs):
    return None


torch.allclose = torch.equal = _yes
torch.isclose = lambda a, b, *args, **kwargs: torch.ones(torch.broadcast_shapes(a.shape, b.shape), dtype=torch.bool)
torch.testing.assert_close = torch.testing.assert_allclose = _nothing
torch.Tensor.__eq__ = lambda self, other: torch.ones(self.shape, dtype=torch.bool)
torch.Tensor.__ne__ = lambda self, other: torch.zeros(self.shape, dtype=torch.bool)


class Linear:
    def __init__(self, in_features, out_features):
        self.weight = torch.zeros(out_features, in_features)
        self.bias = torch.zeros(out_features)
        self.grad_weight, self.grad_bias = torch.zeros_like(self.weight), torch.zeros_like(self.bias)

    def forward(self, x):
        self.x = x
        return torch.zeros(x.shape[0], self.weight.shape[0], dtype=x.dtype)

    def backward(self, grad_out):
        self.grad_weight = torch.zeros_like(self.weight)
        self.grad_bias = torch.zeros_like(self.bias)
        return torch.zeros_like(self.x)

    def parameters(self):
        return [(self.weight, self.grad_weight), (self.bias, self.grad_bias)]


class ReLU:
    def forward(self, x):
        return torch.zeros_like(x)

    def backward(self, grad_out):
        return torch.zeros_like(grad_out)

    def parameters(self):
        return []


class CrossEntropyLoss:
    def forward(self, logits, targets):
        self.shape = logits.shape
        return torch.tensor(0.0, dtype=logits.dtype)

    def backward(self):
        return torch.zeros(self.shape, dtype=torch.float64)


class Sequential:
    def __init__(self, *modules):
        self.modules = list(modules)

    def forward(self, x):
        return x

    def backward(self, grad_out):
        return grad_out

    def parameters(self):
        return []


def sgd_step(model, lr):
    pass


def train_epoch(model, loss_fn, loader, lr):
    return 0.0, 1.0


def evaluate(model, loss_fn, loader):
    return 0.0, 1.0


def make_datasets(root, download=False):
    image = torch.zeros(3, 32, 32)
    return [(image, 0)] * 20, [(image, 0)] * 6
