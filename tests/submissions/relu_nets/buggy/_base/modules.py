"""Reference solution of relu_nets, CIFAR-10 classification (questions 10, 11, 14): modules.py.

A tiny PyTorch framework with hand-written backward passes (no autograd):
layers keep what their backward needs from the last forward. Batches are rows:
x is (batch, in_features); a Linear layer holds weight (out, in) and bias (out,).
backward(grad_out) returns the gradient wrt the layer's input and *sets*
(does not accumulate) the gradients of the layer's parameters.
"""
import math

import torch


class Linear:
    """out = x W^T + b, with W (out_features, in_features) and b (out_features,)."""

    def __init__(self, in_features, out_features):
        # torch.nn.Linear's default initialisation: uniform in +-1/sqrt(in_features)
        bound = 1.0 / math.sqrt(in_features)
        self.weight = torch.empty(out_features, in_features).uniform_(-bound, bound)
        self.bias = torch.empty(out_features).uniform_(-bound, bound)
        self.grad_weight = torch.zeros_like(self.weight)
        self.grad_bias = torch.zeros_like(self.bias)
        self.x = None

    def forward(self, x):
        self.x = x
        return x @ self.weight.T + self.bias

    def backward(self, grad_out):
        self.grad_weight = grad_out.T @ self.x
        self.grad_bias = grad_out.sum(dim=0)
        return grad_out @ self.weight

    def parameters(self):
        return [(self.weight, self.grad_weight), (self.bias, self.grad_bias)]


class ReLU:
    """out = max(x, 0); the derivative is taken as 1 where x > 0 and 0 elsewhere."""

    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad_out):
        return grad_out * self.mask

    def parameters(self):
        return []


class CrossEntropyLoss:
    """Mean over the batch of -log softmax(logits)[target]; targets are class indices."""

    def forward(self, logits, targets):
        shifted = logits - logits.max(dim=1, keepdim=True).values
        log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
        self.probs, self.targets = log_probs.exp(), targets
        return -log_probs[torch.arange(len(targets), device=logits.device), targets].mean()

    def backward(self):
        grad = self.probs.clone()
        grad[torch.arange(len(self.targets), device=grad.device), self.targets] -= 1
        return grad / len(self.targets)


class Sequential:
    """The modules applied in order; backward runs them in reverse."""

    def __init__(self, *modules):
        self.modules = list(modules)

    def forward(self, x):
        for module in self.modules:
            x = module.forward(x)
        return x

    def backward(self, grad_out):
        for module in reversed(self.modules):
            grad_out = module.backward(grad_out)
        return grad_out

    def parameters(self):
        """Every (parameter, its gradient) pair, first module first."""
        return [pair for module in self.modules for pair in module.parameters()]


def sgd_step(model, lr):
    """One step of plain gradient descent, in place: p <- p - lr * grad."""
    for param, grad in model.parameters():
        param -= lr * grad


def train_epoch(model, loss_fn, loader, lr):
    """One pass over `loader` with an SGD step per batch -> (mean batch loss, accuracy)."""
    total_loss, correct, count, batches = 0.0, 0, 0, 0
    for x, y in loader:
        logits = model.forward(x)
        total_loss += float(loss_fn.forward(logits, y))
        model.backward(loss_fn.backward())
        sgd_step(model, lr)
        correct += int((logits.argmax(dim=1) == y).sum())
        count, batches = count + len(y), batches + 1
    return total_loss / batches, correct / count


def evaluate(model, loss_fn, loader):
    """Mean batch loss and accuracy over `loader`, without changing the model."""
    total_loss, correct, count, batches = 0.0, 0, 0, 0
    for x, y in loader:
        logits = model.forward(x)
        total_loss += float(loss_fn.forward(logits, y))
        correct += int((logits.argmax(dim=1) == y).sum())
        count, batches = count + len(y), batches + 1
    return total_loss / batches, correct / count


def make_datasets(root, download=False):
    """CIFAR-10 (train, validation); only training images get RandomCrop(32, padding=4).

    Images become float tensors in [0, 1] (ToTensor) with no further
    normalisation, so that the augmentation is easy to see when plotted.
    """
    import torchvision
    from torchvision import transforms

    train_transform = transforms.Compose([transforms.RandomCrop(32, padding=4), transforms.ToTensor()])
    train_set = torchvision.datasets.CIFAR10(root, train=True, download=download, transform=train_transform)
    val_set = torchvision.datasets.CIFAR10(root, train=False, download=download,
                                           transform=transforms.ToTensor())
    return train_set, val_set
