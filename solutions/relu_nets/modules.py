"""CIFAR-10 classification (Questions 10, 11 and 14): a tiny PyTorch framework
whose backward passes you write by hand.

Conventions the autograder relies on:
- Batches are rows: x has shape (batch, in_features). Linear(in_features,
  out_features) holds .weight of shape (out_features, in_features) and .bias
  of shape (out_features,), and computes x W^T + b.
- backward(grad_out) gets dLoss/d(output) and returns dLoss/d(input). Linear's
  backward also *sets* .grad_weight and .grad_bias (same shapes as .weight and
  .bias), replacing what the last call left there.
- No autograd: no .backward() on tensors, no torch.autograd, no requires_grad,
  no torch.enable_grad. The grader runs your backward methods with autograd
  switched off and reads this file for those names.
- CrossEntropyLoss takes class indices (batch,) and returns the mean over the
  batch; its backward() is the gradient of that mean.
- The grader hands your code float64 tensors in some checks: keep the dtype
  of your inputs (torch.zeros_like, not torch.zeros(..., dtype=float32)).
"""
import math

import torch


# -- Question 10: modules with hand-written backward passes ------------------------


class Linear:
    """out = x W^T + b, with W (out_features, in_features) and b (out_features,)."""

    def __init__(self, in_features, out_features):
        bound = 1.0 / math.sqrt(in_features)
        self.weight = torch.empty(out_features, in_features).uniform_(-bound, bound)
        self.bias = torch.empty(out_features).uniform_(-bound, bound)
        self.grad_weight = torch.zeros_like(self.weight)
        self.grad_bias = torch.zeros_like(self.bias)

    def forward(self, x):
        """(batch, in_features) -> (batch, out_features); keep what backward needs."""
        # BEGIN SOLUTION: Q10(a): return x W^T + b (and remember x for backward)
        # Layers keep what their backward needs from the last forward: here x.
        self.x = x
        return x @ self.weight.T + self.bias
        # END SOLUTION

    def backward(self, grad_out):
        """(batch, out_features) -> (batch, in_features); sets self.grad_weight and self.grad_bias."""
        # BEGIN SOLUTION: Q10(b): set grad_weight and grad_bias, return the gradient wrt x
        # The gradients are set, not accumulated.
        self.grad_weight = grad_out.T @ self.x
        self.grad_bias = grad_out.sum(dim=0)
        return grad_out @ self.weight
        # END SOLUTION

    def parameters(self):
        return [(self.weight, self.grad_weight), (self.bias, self.grad_bias)]


class ReLU:
    """out = max(x, 0), element by element."""

    def forward(self, x):
        self.x = x
        return torch.clamp(x, min=0)

    def backward(self, grad_out):
        """dLoss/d(out) -> dLoss/dx: the gradient passes where x > 0."""
        # BEGIN SOLUTION: Q10(c): return the gradient wrt x
        # The derivative is taken as 1 where x > 0 and 0 elsewhere (also at x = 0).
        return grad_out * (self.x > 0)
        # END SOLUTION

    def parameters(self):
        return []


class CrossEntropyLoss:
    """Mean over the batch of -log softmax(logits)[target]; targets are class indices."""

    def forward(self, logits, targets):
        shifted = logits - logits.max(dim=1, keepdim=True).values
        log_probs = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
        self.probs = torch.exp(log_probs)
        self.targets = targets
        return -log_probs[torch.arange(len(targets), device=logits.device), targets].mean()

    def backward(self):
        """The gradient of the mean loss wrt the logits, shape (batch, classes)."""
        # BEGIN SOLUTION: Q10(d): return d(mean loss)/d(logits)
        # softmax(logits) - onehot(targets), divided by the batch size for the mean.
        grad = self.probs.clone()
        grad[torch.arange(len(self.targets), device=grad.device), self.targets] -= 1
        return grad / len(self.targets)
        # END SOLUTION


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
    """One step of gradient descent, in place: p <- p - lr * grad."""
    for param, grad in model.parameters():
        param -= lr * grad


# -- Question 11: the training loop ---------------------------------------------------


def train_epoch(model, loss_fn, loader, lr):
    """One pass over `loader`, one SGD step per batch -> (mean batch loss, accuracy in [0, 1]).

    The accuracy counts each batch's predictions before its step.
    """
    # BEGIN SOLUTION: Q11: forward, loss, backward, sgd_step for each (x, y) batch
    total_loss, correct, count, batches = 0.0, 0, 0, 0
    for x, y in loader:
        logits = model.forward(x)
        total_loss += float(loss_fn.forward(logits, y))
        model.backward(loss_fn.backward())
        sgd_step(model, lr)
        correct += int((logits.argmax(dim=1) == y).sum())
        count, batches = count + len(y), batches + 1
    return total_loss / batches, correct / count
    # END SOLUTION


def evaluate(model, loss_fn, loader):
    """(mean batch loss, accuracy in [0, 1]) over `loader`, without changing the model."""
    # BEGIN SOLUTION: Q11: forward and loss for each (x, y) batch, no steps
    total_loss, correct, count, batches = 0.0, 0, 0, 0
    for x, y in loader:
        logits = model.forward(x)
        total_loss += float(loss_fn.forward(logits, y))
        correct += int((logits.argmax(dim=1) == y).sum())
        count, batches = count + len(y), batches + 1
    return total_loss / batches, correct / count
    # END SOLUTION


# -- Question 14: data augmentation -------------------------------------------------


def make_datasets(root, download=False):
    """(train_set, val_set): torchvision's CIFAR10 under `root`, train=True and train=False.

    Only the training set is augmented, with transforms.RandomCrop(32, padding=4);
    both sets end with transforms.ToTensor().
    """
    # BEGIN SOLUTION: Q14: two torchvision.datasets.CIFAR10 with their transforms
    # Images become float tensors in [0, 1] (ToTensor) with no further
    # normalisation, so that the augmentation is easy to see when plotted.
    import torchvision
    from torchvision import transforms

    train_transform = transforms.Compose([transforms.RandomCrop(32, padding=4), transforms.ToTensor()])
    train_set = torchvision.datasets.CIFAR10(root, train=True, download=download, transform=train_transform)
    val_set = torchvision.datasets.CIFAR10(root, train=False, download=download,
                                           transform=transforms.ToTensor())
    return train_set, val_set
    # END SOLUTION


if __name__ == "__main__":  # runs when you run this file or notebook, never when the grader imports it
    import matplotlib.pyplot as plt
    from torch.utils.data import DataLoader

    class Flat:
        """A loader of image batches (b, 3, 32, 32) as rows (b, 3072) for the MLP."""
        def __init__(self, loader):
            self.loader = loader
        def __iter__(self):
            return ((x.flatten(1), y) for x, y in self.loader)

    train_set, val_set = make_datasets("./data", download=True)
    train_loader = Flat(DataLoader(train_set, batch_size=64, shuffle=True))
    val_loader = Flat(DataLoader(val_set, batch_size=256))
    model = Sequential(Linear(3072, 512), ReLU(), Linear(512, 10))
    loss_fn = CrossEntropyLoss()
    curves = {"train": [], "val": []}
    for epoch in range(30):
        curves["train"].append(train_epoch(model, loss_fn, train_loader, lr=0.01))
        curves["val"].append(evaluate(model, loss_fn, val_loader))
        print(epoch + 1, curves["train"][-1], curves["val"][-1])
    for index, name in enumerate(["loss", "accuracy"]):
        plt.figure()
        for split, values in curves.items():
            plt.plot([v[index] for v in values], label=split)
        plt.xlabel("epoch"), plt.ylabel(name), plt.legend()
    plt.show()
