"""Image classification on CIFAR-10 (Problem 4): linear methods, then a ResNet18.

Fill in (graded):
- pca_embed(X, k=2): the scores (n, k) of the centred rows of X (n, D) on the
  top k principal directions, largest variance first (each column's sign is free).
- cca_embed(X, Y, k=2): the first k canonical variates (n, k) of X against
  Y (n, c), the one-hot labels, strongest canonical correlation first (each
  column's sign, scale and offset are free). Centred Y has rank c - 1: its
  covariance is singular, so use a pseudo-inverse or an orthonormal basis.
- linear_classifier_accuracy(Xtr, ytr, Xva, yva): least squares with an
  intercept from the rows of Xtr to the one-hot targets of ytr (class indices
  0 .. c-1), prediction by argmax -> (train accuracy, validation accuracy) as
  fractions in [0, 1] (Problem 4(b)).
- train_transform(): the transform of a training PIL image (Problem 4(d)):
  transforms.RandomCrop(32, padding=4) and transforms.RandomHorizontalFlip(),
  then ToTensor() and Normalize(MEAN, STD), the normalisation of test_transform().
- constant_lr(epoch, lr0) and annealed_lr(prev_lr, decay) (Problem 4(e)).
- plot_embedding (not graded): the scatter plot of Problem 4(a).

Given (the grader's checks and the instructor's experiments use this code as
it is): MEAN and STD, test_transform, the pre-activation ResNet18 of the
homework, the special learning-rate scheme special_lr, the training loop and
the data loading. The script runs the homework's steps:

    python cifar_linear.py --data-dir ./data --download --pca-cca --linear
    python cifar_linear.py --data-dir ./data --train-nn --subset-train 128 --subset-val 512

The grader calls your functions on small arrays and PIL images of its own;
keep code that loads data, trains or plots under `if __name__ == "__main__":`.
"""
import argparse
import functools
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torchvision import transforms

MEAN = (0.4914, 0.4822, 0.4465)  # per channel, of CIFAR-10's training images (the homework script's)
STD = (0.2470, 0.2435, 0.2616)
CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


# -- Problem 4(a): two-dimensional embeddings ---------------------------------------


def pca_embed(X, k=2):
    """X (n, D) -> (n, k): the centred rows' coordinates on the top k principal directions."""
    # BEGIN SOLUTION: centre X and project it on its top k principal directions
    Xc = X - X.mean(axis=0)
    _, _, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Xc @ Vt[:k].T
    # END SOLUTION


def cca_embed(X, Y, k=2):
    """X (n, D), Y (n, c) one-hot -> (n, k): the canonical variates of X, strongest first."""
    # BEGIN SOLUTION: the first k canonical variates of X against Y (Y's covariance is singular)
    # C_xx^(-1/2) C_xy C_yy^(+1/2) = U S V^T: S holds the canonical correlations, and
    # a_j = C_xx^(-1/2) u_j are the directions. Eigenvalues near 0 (centred one-hot Y
    # always has one) are left out of the inverse square roots.
    Xc, Yc = X - X.mean(axis=0), Y - Y.mean(axis=0)
    n = len(X)
    Wx = inverse_sqrt(Xc.T @ Xc / n)
    Wy = inverse_sqrt(Yc.T @ Yc / n)
    U, _, _ = np.linalg.svd(Wx @ (Xc.T @ Yc / n) @ Wy)
    return Xc @ (Wx @ U[:, :k])
    # END SOLUTION


# BEGIN SOLUTION
def inverse_sqrt(C, rtol=1e-10):
    """The pseudo-inverse square root of a symmetric positive semi-definite matrix."""
    values, vectors = np.linalg.eigh(C)
    keep = values > rtol * values.max()
    return (vectors[:, keep] / np.sqrt(values[keep])) @ vectors[:, keep].T
# END SOLUTION


def plot_embedding(ax, Z, labels, title, names=CLASSES):
    """Scatter the 2-d embedding Z (n, 2) on the matplotlib Axes `ax`, one colour and legend entry per class."""
    # BEGIN SOLUTION: one ax.scatter per class, then a title, axis labels and a legend
    for c in np.unique(labels):
        points = Z[labels == c]
        ax.scatter(points[:, 0], points[:, 1], s=4, alpha=0.5, color=f"C{int(c) % 10}", label=names[int(c)])
    ax.set_title(title)
    ax.set_xlabel("component 1")
    ax.set_ylabel("component 2")
    ax.legend(markerscale=3, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    # END SOLUTION


# -- Problem 4(b): the linear baseline ------------------------------------------------


def linear_classifier_accuracy(Xtr, ytr, Xva, yva):
    """Least squares with an intercept on one-hot targets, argmax prediction -> (train_acc, val_acc)."""
    # BEGIN SOLUTION: fit [X, 1] W to the one-hot targets by least squares, predict by argmax
    classes = int(max(np.max(ytr), np.max(yva))) + 1
    with_ones = lambda X: np.hstack([X, np.ones((len(X), 1))])
    W = np.linalg.lstsq(with_ones(Xtr), np.eye(classes)[ytr], rcond=None)[0]
    accuracy = lambda X, y: float(np.mean(np.argmax(with_ones(X) @ W, axis=1) == y))
    return accuracy(Xtr, ytr), accuracy(Xva, yva)
    # END SOLUTION


# -- Problem 4(d): data augmentation ------------------------------------------------------


def train_transform():
    """The training images' transform: random crop (32, padding 4), random horizontal flip, ToTensor, Normalize."""
    # BEGIN SOLUTION: compose the crop, the flip, ToTensor() and Normalize(MEAN, STD)
    return transforms.Compose([transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip(),
                               transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    # END SOLUTION


def test_transform():
    """The validation images' transform: ToTensor, Normalize (no augmentation)."""
    return transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD)])


# -- Problem 4(e): learning-rate schemes ----------------------------------------------------


def constant_lr(epoch, lr0):
    """The constant scheme: the rate at every step of every epoch."""
    # BEGIN SOLUTION: the same rate whatever the epoch
    return lr0
    # END SOLUTION


def annealed_lr(prev_lr, decay):
    """The annealed scheme: the previous rate times the decay factor."""
    # BEGIN SOLUTION: the previous rate times decay
    return prev_lr * decay
    # END SOLUTION


CONSTANT_LR0 = 0.05                         # the constant scheme's rate
ANNEALED_LR0, ANNEALED_DECAY = 0.1, 0.995   # the annealed scheme: 0.1, times 0.995 before every step
HP_MAX, HP_FINAL, EXTRA = 0.1, 0.005, 5     # the special scheme's peak, final rate, extra epochs


def special_lr(current_lr, epoch, batch_index, N, epochs=1):
    """The homework's special scheme, a one-cycle schedule over progress t = epoch + batch_index / N.

    With E = epochs + 3: up linearly from 0 to HP_MAX until t = E / 2, down linearly to
    HP_FINAL at t = E, down to 0 over EXTRA more epochs, then HP_FINAL / 10.
    """
    t, E = epoch + batch_index / N, epochs + 3
    if t < E / 2:
        return 2 * HP_MAX * t / E
    if t < E:
        return HP_FINAL + 2 * (HP_MAX - HP_FINAL) * (E - t) / E
    if t < E + EXTRA:
        return HP_FINAL * (EXTRA - (t - E)) / EXTRA
    return HP_FINAL / 10


def schemes(epochs=1):
    """{name: (the optimizer's first rate, scheme(current_lr, epoch, batch_index, N) -> rate)}."""
    return {"constant": (CONSTANT_LR0, lambda lr, epoch, i, N: constant_lr(epoch, CONSTANT_LR0)),
            "annealed": (ANNEALED_LR0, lambda lr, epoch, i, N: annealed_lr(lr, ANNEALED_DECAY)),
            "special": (0.0, functools.partial(special_lr, epochs=epochs))}


# -- Problem 4(c): the network (given) ------------------------------------------------------------


class PreActBlock(nn.Module):
    """BN, ReLU, conv 3x3 (stride), BN, ReLU, conv 3x3, plus the shortcut; a 1x1 conv where the shape changes."""

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=1, padding=1, bias=False)
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)

    def forward(self, x):
        out = F.relu(self.bn1(x))
        shortcut = self.shortcut(out) if hasattr(self, "shortcut") else x
        out = self.conv1(out)
        out = self.conv2(F.relu(self.bn2(out)))
        return out + shortcut


class ResNet18(nn.Module):
    """The homework's pre-activation ResNet18: (N, 3, 32, 32) images -> (N, num_classes) logits.

    prep (conv 3->64, BN, ReLU); four stages of two PreActBlocks of widths 64, 128,
    256, 256 with strides 1, 2, 2, 2; adaptive average and max pooling concatenated
    (512 features); a linear classifier.
    """

    def __init__(self, num_classes=10, widths=(64, 128, 256, 256), strides=(1, 2, 2, 2)):
        super().__init__()
        self.prep = nn.Sequential(nn.Conv2d(3, widths[0], 3, padding=1, bias=False),
                                  nn.BatchNorm2d(widths[0]), nn.ReLU())
        blocks, channels = [], widths[0]
        for width, stride in zip(widths, strides):
            blocks += [PreActBlock(channels, width, stride), PreActBlock(width, width, 1)]
            channels = width
        self.layers = nn.Sequential(*blocks)
        self.classifier = nn.Linear(2 * channels, num_classes)

    def forward(self, x):
        x = self.layers(self.prep(x))
        pooled = torch.cat([F.adaptive_avg_pool2d(x, 1), F.adaptive_max_pool2d(x, 1)], dim=1)
        return self.classifier(pooled.flatten(1))


# -- Training and data (given) -------------------------------------------------------------


class ImageArrays(torch.utils.data.Dataset):
    """Images (n, 32, 32, 3) uint8 and labels (n,), each image a PIL image through `transform`."""

    def __init__(self, images, labels, transform):
        self.images, self.labels, self.transform = images, np.asarray(labels), transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        from PIL import Image
        return self.transform(Image.fromarray(self.images[index])), int(self.labels[index])


def load_cifar10(root, download=False):
    """((train images (50000, 32, 32, 3) uint8, labels), (test images, labels)) from torchvision's CIFAR10."""
    import torchvision
    sets = [torchvision.datasets.CIFAR10(root, train=train, download=download) for train in (True, False)]
    return tuple((s.data, np.asarray(s.targets, dtype=np.int64)) for s in sets)


def random_subset(images, labels, size, seed=0):
    """A random subset of `size` images (all of them when size is None), in a seeded order."""
    if size is None or size >= len(labels):
        return images, labels
    index = np.random.default_rng(seed).choice(len(labels), size, replace=False)
    return images[index], labels[index]


def as_rows(images):
    """Images (n, 32, 32, 3) uint8 -> rows (n, 3072) of floats in [0, 1], for the linear methods."""
    return images.reshape(len(images), -1).astype(np.float64) / 255


def train_epoch(model, loader, optimizer, scheme, epoch, device, progress=None):
    """One epoch of SGD, the rate set before every step by scheme(current_lr, epoch, batch_index, N).

    -> (mean batch loss, accuracy); `progress` (a tqdm bar, say) is updated once per batch.
    """
    model.train()
    total, correct, count, N = 0.0, 0, 0, len(loader)
    for batch_index, (x, y) in enumerate(loader):
        lr = scheme(optimizer.param_groups[0]["lr"], epoch, batch_index, N)
        for group in optimizer.param_groups:
            group["lr"] = lr
        x, y = x.to(device), y.to(device)
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
        correct += int((logits.argmax(dim=1) == y).sum())
        count += len(y)
        if progress is not None:
            progress.update(1)
            progress.set_postfix(loss=f"{loss.item():.3f}", lr=f"{lr:.4f}")
    return total / max(N, 1), correct / max(count, 1)


def evaluate(model, loader, device):
    """(mean cross-entropy, accuracy) of `model` over `loader`, in eval mode."""
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            logits = model(x)
            total += F.cross_entropy(logits, y, reduction="sum").item()
            correct += int((logits.argmax(dim=1) == y).sum())
            count += len(y)
    return total / max(count, 1), correct / max(count, 1)


def train_resnet(train_set, val_set, scheme_name, epochs=1, device="cpu", seed=0, progress=None):
    """ResNet18 trained with one scheme: SGD, momentum 0.9, batches of 128 (validation 512).

    `progress(total, description)` makes a progress bar (tqdm, say), or None.
    -> {"scheme", "epochs": [{"train_loss", "train_accuracy", "val_loss", "val_accuracy", "last_lr"}], "seconds"}
    """
    from torch.utils.data import DataLoader
    torch.manual_seed(seed)
    model = ResNet18().to(device)
    first_lr, scheme = schemes(epochs)[scheme_name]
    optimizer = torch.optim.SGD(model.parameters(), lr=first_lr, momentum=0.9)
    generator = torch.Generator().manual_seed(seed)
    train_loader = DataLoader(train_set, batch_size=128, shuffle=True, generator=generator)
    val_loader = DataLoader(val_set, batch_size=512)
    started, history = time.perf_counter(), []
    bar = progress(epochs * len(train_loader), f"ResNet18, {scheme_name} rate") if progress else None
    for epoch in range(epochs):
        train_loss, train_accuracy = train_epoch(model, train_loader, optimizer, scheme, epoch, device, bar)
        val_loss, val_accuracy = evaluate(model, val_loader, device)
        history.append({"train_loss": train_loss, "train_accuracy": train_accuracy, "val_loss": val_loss,
                        "val_accuracy": val_accuracy, "last_lr": optimizer.param_groups[0]["lr"]})
    if bar is not None:
        bar.close()
    return {"scheme": scheme_name, "epochs": history, "seconds": time.perf_counter() - started}


def arguments():
    parser = argparse.ArgumentParser(description="Problem 4: linear methods and a ResNet18 on CIFAR-10.")
    parser.add_argument("--data-dir", default="./data", help="holds cifar-10-batches-py/")
    parser.add_argument("--download", action="store_true", help="download CIFAR-10 into --data-dir")
    parser.add_argument("--pca-cca", action="store_true", help="4(a): plot the PCA and CCA embeddings")
    parser.add_argument("--linear", action="store_true", help="4(b): the linear baseline (LINEAR_FLAG)")
    parser.add_argument("--print-nn", action="store_true", help="4(c): print the network (PRINT_NN_FLAG)")
    parser.add_argument("--train-nn", action="store_true", help="4(e): train with each scheme (TRAIN_NN_FLAG)")
    parser.add_argument("--subset-train", type=int, default=None, help="train on a random subset of N images")
    parser.add_argument("--subset-val", type=int, default=None, help="validate on a random subset of N images")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    return parser.parse_args()


def main(args):
    (train_x, train_y), (val_x, val_y) = load_cifar10(args.data_dir, args.download)
    train_x, train_y = random_subset(train_x, train_y, args.subset_train, seed=0)
    val_x, val_y = random_subset(val_x, val_y, args.subset_val, seed=1)
    if args.pca_cca:
        import matplotlib.pyplot as plt
        shown_x, shown_y = random_subset(train_x, train_y, 5000, seed=2)
        rows = as_rows(shown_x)
        fig, axes = plt.subplots(1, 2, figsize=(14, 5))
        plot_embedding(axes[0], pca_embed(rows), shown_y, "PCA")
        plot_embedding(axes[1], cca_embed(rows, np.eye(10)[shown_y]), shown_y, "CCA")
        plt.show()
    if args.linear:
        train_accuracy, val_accuracy = linear_classifier_accuracy(as_rows(train_x), train_y, as_rows(val_x), val_y)
        print(f"linear regression: train accuracy {train_accuracy:.4f}, validation accuracy {val_accuracy:.4f}")
    if args.print_nn:
        print(ResNet18())
    if args.train_nn:
        train_set = ImageArrays(train_x, train_y, train_transform())
        val_set = ImageArrays(val_x, val_y, test_transform())
        for name in schemes(args.epochs):
            run = train_resnet(train_set, val_set, name, args.epochs, args.device)
            last = run["epochs"][-1]
            print(f"{name:>8}: train loss {last['train_loss']:.3f}, train accuracy {last['train_accuracy']:.3f}, "
                  f"validation accuracy {last['val_accuracy']:.3f} ({run['seconds']:.0f} s)")


if __name__ == "__main__":
    main(arguments())
