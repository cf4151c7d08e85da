"""Question 4: a dense network for FashionMNIST, in PyTorch.

A 784-256-128-64-10 MLP with ReLU activations, trained by plain SGD on the
mean cross-entropy. Images come as torchvision's FashionMNIST gives them
through ToTensor(): float tensors (batch, 1, 28, 28) in [0, 1], labels
int64 class indices (batch,).

The loss curves, the test accuracy and the three images with their
predicted probabilities go in your written write-up (make them in the
`if __name__ == "__main__":` block, which the grader never runs). The
grader checks build_mlp, train and predict_proba, and trains your model
on a small data set of 28x28 images of its own, on the GPU when it has one.
"""
import torch
from torch import nn
from torchvision import datasets, transforms


def build_mlp():
    """The 784-256-128-64-10 network with ReLU after each hidden layer.

    Takes images (batch, 1, 28, 28) or rows (batch, 784) and returns logits (batch, 10).
    """
    # BEGIN SOLUTION: nn.Flatten(), then 4 nn.Linear layers with an nn.ReLU() between each two
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    # END SOLUTION


def train(model, train_loader, epochs, lr, device):
    """Train `model` on `device` by plain SGD (torch.optim.SGD, no momentum) at learning rate lr.

    One step per batch on the batch's mean cross-entropy. Returns one dict per
    epoch: {"loss": the epoch's mean training loss, "accuracy": its training
    accuracy, a fraction in [0, 1]}.
    """
    # BEGIN SOLUTION: model and batches to device; per batch: zero_grad, loss, backward, step;
    #   per epoch: append {"loss": ..., "accuracy": ...}
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    history = []
    for _ in range(epochs):
        model.train()
        total_loss, correct, count = 0.0, 0, 0
        for x, y in train_loader:
            x, y = x.to(device), y.to(device)
            logits = model(x)
            loss = loss_fn(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            # the accuracy of each batch's logits before its step, as the loss
            total_loss += loss.item() * len(y)
            correct += int((logits.argmax(dim=1) == y).sum())
            count += len(y)
        history.append({"loss": total_loss / count, "accuracy": correct / count})
    return history
    # END SOLUTION


def predict_proba(model, x):
    """Class probabilities (batch, 10) for images x (a float tensor on any device): softmax of the logits."""
    # BEGIN SOLUTION: softmax of model(x) over the classes (dim=1), x on the model's device, no gradients
    device = next(model.parameters()).device
    model.eval()
    with torch.no_grad():
        return torch.softmax(model(x.to(device)), dim=1)
    # END SOLUTION


def evaluate(model, loader, device):
    """(mean cross-entropy, accuracy) of `model` on the batches of `loader`, without training."""
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            logits = model(x)
            total_loss += float(nn.functional.cross_entropy(logits, y, reduction="sum"))
            correct += int((logits.argmax(dim=1) == y).sum())
            count += len(y)
    return total_loss / count, correct / count


def make_loaders(root, batch_size=64, download=False):
    """(train_loader, test_loader) of FashionMNIST under root (root/FashionMNIST/raw/), ToTensor() images."""
    to_tensor = transforms.ToTensor()
    train_set = datasets.FashionMNIST(root, train=True, download=download, transform=to_tensor)
    test_set = datasets.FashionMNIST(root, train=False, download=download, transform=to_tensor)
    return (torch.utils.data.DataLoader(train_set, batch_size=batch_size, shuffle=True),
            torch.utils.data.DataLoader(test_set, batch_size=1000))


if __name__ == "__main__":
    device = "cuda" if torch.cuda.is_available() else "cpu"
    train_loader, test_loader = make_loaders("data", download=True)
    model = build_mlp()
    for epoch in range(10):
        stats = train(model, train_loader, 1, 0.1, device)[0]
        test_loss, test_accuracy = evaluate(model, test_loader, device)
        print(f"epoch {epoch + 1}: train loss {stats['loss']:.3f}, test loss {test_loss:.3f}, "
              f"test accuracy {test_accuracy:.3f}")
