"""Reference experiment of `relu_nets`, Questions 12 and 15: learning curves without and with augmentation.

`curves` trains the reference `modules.py` (its Linear, ReLU, CrossEntropyLoss,
Sequential, sgd_step, train_epoch and evaluate: no autograd, no torch.nn) twice
from the same starting weights, 30 epochs each by default: once on the plain
training set (Question 12) and once on the augmented one (Question 15). After
every epoch it records the mean loss and accuracy train_epoch returned (on the
training batches, augmented in the second run, each counted before its step)
and evaluate's on the validation set, then writes `curves_loss.png`,
`curves_accuracy.png` and `curves_metrics.json`.

Data:
- default: scikit-learn's bundled 8x8 digits (no download), as 1x8x8 images
  in [0, 1], split 80/20 as in the other experiments. The augmentation is the
  homework's crop scaled to the image: `RandomCrop(8, padding=1)` (zero
  padding, a shift of at most 1 pixel; the homework pads 32x32 images by 4).
  A 64-128-10 MLP, lr 0.1.
- `--data-dir DIR`: the real CIFAR-10 under DIR (DIR/cifar-10-batches-py/, the
  python version), read by the reference `make_datasets(DIR)`: its training set
  has `RandomCrop(32, padding=4)`, its validation set (the test batch) none;
  the plain training set is the same images through the validation set's
  transform. A 3072-512-10 MLP, lr 0.01, as in the handout's notebook.
Batches of 64, reshuffled every epoch from the seed.
"""
import copy
import os
import sys
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from grader.datasets import DatasetError, load_digits_split
from grader.experiments.common import pick_device, plot_curves, reference_module, write_metrics

DEFAULT_EPOCHS = 30
BATCH_SIZE = 64
EVAL_BATCH_SIZE = 1000
DIGITS = {"name": "digits (scikit-learn, 1x8x8)", "hidden": 128, "lr": 0.1,
          "augmentation": "RandomCrop(8, padding=1)"}
CIFAR10 = {"name": "CIFAR-10", "hidden": 512, "lr": 0.01, "augmentation": "RandomCrop(32, padding=4)"}
LOADER_WORKERS = 4  # for CIFAR-10's 50000 images, each cropped and converted one by one
RUNS = (("plain", "without augmentation"), ("augmented", "with augmentation"))


class ImageSet:
    """A map-style data set of image tensors (n, C, H, W) and labels, with an optional transform."""

    def __init__(self, images, labels, transform=None):
        self.images, self.labels, self.transform = images, labels, transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        image = self.images[index]
        return (image if self.transform is None else self.transform(image)), int(self.labels[index])


class Rows:
    """A loader of image batches (b, C, H, W) as rows (b, C*H*W) on `device`, for the MLP."""

    def __init__(self, loader, device):
        self.loader, self.device = loader, device

    def __iter__(self):
        for x, y in self.loader:
            yield x.flatten(1).to(self.device), y.to(self.device)

    def __len__(self):
        return len(self.loader)


def digits_sets(seed=0):
    """{"plain", "augmented", "val"} data sets of 1x8x8 digit images, and a description."""
    import torch
    from torchvision import transforms

    (train_x, train_y), (val_x, val_y) = load_digits_split(seed=seed)
    as_images = lambda x: torch.as_tensor(x, dtype=torch.float32).reshape(-1, 1, 8, 8)
    train_images, val_images = as_images(train_x), as_images(val_x)
    sets = {"plain": ImageSet(train_images, train_y),
            "augmented": ImageSet(train_images, train_y, transforms.RandomCrop(8, padding=1)),
            "val": ImageSet(val_images, val_y)}
    info = {"name": DIGITS["name"], "path": None, "augmentation": DIGITS["augmentation"],
            "augmentation_note": "the homework's RandomCrop(32, padding=4) scaled to 8x8 images"}
    return sets, info


def cifar10_sets(modules, root):
    """{"plain", "augmented", "val"} from the reference make_datasets(root), and a description."""
    try:
        augmented, val = modules.make_datasets(str(root), download=False)
    except RuntimeError as exc:  # torchvision: "Dataset not found or corrupted"
        raise DatasetError(f"no readable CIFAR-10 under {root}: expected {Path(root) / 'cifar-10-batches-py'}/ "
                           f"(the python version of CIFAR-10) ({exc})") from None
    plain = copy.copy(augmented)  # the same images, through the validation set's transform
    plain.transform = val.transform
    if hasattr(val, "transforms"):
        plain.transforms = val.transforms
    info = {"name": CIFAR10["name"], "path": str(root), "augmentation": CIFAR10["augmentation"],
            "augmentation_note": "the reference make_datasets' training transform"}
    return {"plain": plain, "augmented": augmented, "val": val}, info


def build_model(modules, sizes, device):
    """Sequential(Linear, ReLU, ..., Linear) of the reference modules, its parameters on `device`."""
    layers = [modules.Linear(sizes[0], sizes[1])]
    for n_in, n_out in zip(sizes[1:-1], sizes[2:]):
        layers += [modules.ReLU(), modules.Linear(n_in, n_out)]
    for layer in layers:
        for name in ("weight", "bias", "grad_weight", "grad_bias"):
            if hasattr(layer, name):
                setattr(layer, name, getattr(layer, name).to(device))
    return modules.Sequential(*layers)


def loader(data, batch_size, device, shuffle_seed=None, workers=0):
    import torch
    from torch.utils.data import DataLoader

    generator = None if shuffle_seed is None else torch.Generator().manual_seed(int(shuffle_seed))
    return Rows(DataLoader(data, batch_size=batch_size, shuffle=shuffle_seed is not None,
                           generator=generator, num_workers=workers), device)


def train_run(modules, sets, kind, sizes, lr, epochs, device, seed=0, workers=0, desc=None):
    """Train from the seed's starting weights on sets[kind]; per-epoch train/val loss and accuracy."""
    import torch

    torch.manual_seed(seed)  # the same starting weights (and crops drawn from the same stream) for both runs
    model = build_model(modules, sizes, device)
    loss_fn = modules.CrossEntropyLoss()
    train_loader = loader(sets[kind], BATCH_SIZE, device, shuffle_seed=seed, workers=workers)
    val_loader = loader(sets["val"], EVAL_BATCH_SIZE, device, workers=workers)
    curves = {"train_loss": [], "val_loss": [], "train_accuracy": [], "val_accuracy": []}
    bar = tqdm(range(epochs), desc=desc, unit="epoch", file=sys.stderr, disable=None)
    with torch.no_grad():  # hand-written backward passes: autograd is never needed
        for _ in bar:
            for split, (loss, accuracy) in (("train", modules.train_epoch(model, loss_fn, train_loader, lr)),
                                            ("val", modules.evaluate(model, loss_fn, val_loader))):
                curves[f"{split}_loss"].append(float(loss))
                curves[f"{split}_accuracy"].append(float(accuracy))
            bar.set_postfix(val_loss=f"{curves['val_loss'][-1]:.3f}", val_acc=f"{curves['val_accuracy'][-1]:.3f}")
    return curves


def run_curves(data_dir=None, device="cpu", out_dir=Path("out"), epochs=None, seed=0):
    """Questions 12 and 15: learning curves without and with augmentation (digits, or CIFAR-10 with --data-dir)."""
    import torch

    epochs = DEFAULT_EPOCHS if epochs is None else epochs
    modules = reference_module("relu_nets", "modules")
    device, note = pick_device(device)
    if note:
        print(f"note: {note}", file=sys.stderr)
    if data_dir is None:
        sets, info = digits_sets(seed)
        setting, workers = DIGITS, 0
    else:
        sets, info = cifar10_sets(modules, data_dir)
        setting = CIFAR10
        workers = min(LOADER_WORKERS, os.cpu_count() or 1) if len(sets["plain"]) >= 1000 else 0
    image, _ = sets["val"][0]
    features = int(np.prod(tuple(image.shape)))
    sizes = (features, setting["hidden"], 10)
    info.update(train_size=len(sets["plain"]), val_size=len(sets["val"]), image_shape=list(image.shape),
                classes=10)
    metrics = {"assignment": "relu_nets", "experiment": "curves",
               "title": "learning curves without and with augmentation (Questions 12 and 15)",
               "dataset": info, "epochs": epochs, "batch_size": BATCH_SIZE, "lr": setting["lr"],
               "model": "-".join(map(str, sizes)) + " MLP (reference modules.py)", "seed": seed,
               "device": device, "device_note": note, "held_out": "val", "runs": []}
    with torch.random.fork_rng(devices=[]):  # the caller's torch random stream is left as it was
        for kind, label in RUNS:
            started = time.perf_counter()
            if kind == "augmented":
                label = f"{label} ({info['augmentation']})"
            curves = train_run(modules, sets, kind, sizes, setting["lr"], epochs, device, seed, workers,
                               desc=f"curves, {label}")
            metrics["runs"].append({"kind": kind, "label": label, **curves,
                                    "final_val_accuracy": curves["val_accuracy"][-1],
                                    "final_test_accuracy": curves["val_accuracy"][-1],
                                    "seconds": round(time.perf_counter() - started, 3)})
    return write_outputs(metrics, Path(out_dir))


def write_outputs(metrics, out_dir):
    """Both plots and the metrics JSON in out_dir; returns the metrics with their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {"loss": out_dir / "curves_loss.png", "accuracy": out_dir / "curves_accuracy.png"}
    for quantity in ("loss", "accuracy"):
        series = []
        for index, run in enumerate(metrics["runs"]):
            final = f", final {run['final_val_accuracy']:.3f}" if quantity == "accuracy" else ""
            series += [(f"train, {run['label']}", run[f"train_{quantity}"], "-", index),
                       (f"validation, {run['label']}{final}", run[f"val_{quantity}"], "--", index)]
        plot_curves(files[quantity], metrics["epochs"], series,
                    "mean cross-entropy loss" if quantity == "loss" else "accuracy",
                    f"relu_nets: {quantity} of a {metrics['model']} on {metrics['dataset']['name']}")
    return write_metrics(metrics, files, out_dir / "curves_metrics.json")


EXPERIMENTS = {"curves": run_curves}
