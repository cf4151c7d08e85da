"""Reference experiments of `mlp_numpy`, the homework's Part 2 sweeps 2.1 to 2.4.

Each sweep trains the reference `mlp.py` networks with minibatch SGD (batch 64,
reshuffled every epoch), records train and test loss and accuracy after every
epoch, and writes `<name>_loss.png`, `<name>_accuracy.png` and
`<name>_metrics.json`. Data: the homework's Omniglot pickle when a data folder
is given, else scikit-learn's bundled 8x8 digits (a fast offline demo).
"""
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from grader.datasets import OMNIGLOT_FILENAME, load_digits_split, load_omniglot
from grader.experiments.common import reference_module, write_metrics, plot_curves

BATCH_SIZE = 64
DEFAULT_EPOCHS = 200
EVAL_CHUNK = 1024  # rows per evaluation forward pass: bounds the float64 temporaries


@dataclass(frozen=True)
class Setting:
    """One network and optimiser, named as the homework does: (hidden, momentum, dropout, lr)."""

    layers: int  # hidden layers: 1 (SingleLayerMLP) or 2 (TwoLayerMLP)
    hidden: int  # units in each hidden layer
    momentum: float
    dropout: float
    lr: float

    def label(self):
        hidden = "-".join([str(self.hidden)] * self.layers)
        return f"({hidden}, {self.momentum:g}, {self.dropout:g}, {self.lr:g})"


@dataclass(frozen=True)
class Sweep:
    title: str
    settings: tuple


def _single(hidden, momentum, dropout, lr):
    return Setting(1, hidden, momentum, dropout, lr)


def _double(hidden, momentum, dropout, lr):
    return Setting(2, hidden, momentum, dropout, lr)


# The homework's settings, parts (a), (b), ... in order. 2.4 leaves the choice
# open; we vary momentum on the one-layer network of 2.1(a).
SWEEPS = {
    "2.1": Sweep("single hidden layer", (
        _single(60, 0, 0, 0.001), _single(60, 0.4, 0, 0.001),
        _single(60, 0.4, 0.2, 0.001), _single(150, 0.4, 0.2, 0.001))),
    "2.2": Sweep("two hidden layers", (
        _double(60, 0, 0, 0.001), _double(60, 0.4, 0, 0.001),
        _double(60, 0.4, 0.2, 0.001), _double(150, 0.4, 0.2, 0.001))),
    "2.3": Sweep("learning rate, two hidden layers", (
        _double(150, 0, 0, 0.01), _double(150, 0, 0, 0.001), _double(150, 0, 0, 0.0001))),
    "2.4": Sweep("momentum, single hidden layer", (
        _single(60, 0, 0, 0.001), _single(60, 0.3, 0, 0.001), _single(60, 0.6, 0, 0.001))),
}


def load_data(data_dir=None):
    """((trainX (n, d), trainY (n,)), (testX, testY)) and a description of the data set.

    With `data_dir`, the Omniglot pickle `data_dir/omniglot_12.pkl` (or `data_dir`
    itself when it is the file); without, the embedded digits.
    """
    if data_dir is None:
        train, test = load_digits_split(seed=0)
        info = {"name": "digits (scikit-learn, 8x8)", "path": None}
    else:
        path = Path(data_dir)
        path = path if path.is_file() else path / OMNIGLOT_FILENAME
        train, test = load_omniglot(path)
        info = {"name": "Omniglot (12 alphabets)", "path": str(path)}
    classes = int(max(train[1].max(), test[1].max())) + 1
    info.update(train_size=len(train[1]), test_size=len(test[1]),
                features=int(train[0].shape[1]), classes=classes)
    return train, test, info


def build_model(mlp, setting, features, classes):
    """The reference network for `setting`, mapping (batch, features) to (batch, classes) logits."""
    if setting.layers == 1:
        return mlp.SingleLayerMLP(features, classes, hiddenlayer=setting.hidden,
                                  alpha=setting.momentum, dropout_chance=setting.dropout,
                                  lr=setting.lr)
    return mlp.TwoLayerMLP(features, classes, hiddenlayers=[setting.hidden] * 2,
                           alpha=setting.momentum, dropout_chance=setting.dropout, lr=setting.lr)


def evaluate(mlp, model, x, y, classes):
    """Mean loss and accuracy of `model` in inference mode on x (n, d), y (n,)."""
    loss_fn = mlp.SoftmaxCrossEntropyLoss()
    total_loss = total_correct = 0.0
    for start in range(0, len(y), EVAL_CHUNK):
        xb, yb = x[start:start + EVAL_CHUNK], y[start:start + EVAL_CHUNK]
        total_loss += loss_fn.forward(model.forward(xb, train=False),
                                      mlp.labels2onehot(yb, classes)) * len(yb)
        total_correct += loss_fn.getAccu() * len(yb)
    return total_loss / len(y), total_correct / len(y)


def train_epoch(mlp, model, x, y, classes, rng):
    """One pass of minibatch SGD over x (n, d), y (n,) in a fresh random order."""
    loss_fn = mlp.SoftmaxCrossEntropyLoss()
    order = rng.permutation(len(y))
    for start in range(0, len(y), BATCH_SIZE):
        batch = order[start:start + BATCH_SIZE]
        model.zerograd()
        logits = model.forward(x[batch], train=True)
        loss_fn.forward(logits, mlp.labels2onehot(y[batch], classes))
        model.backward(loss_fn.backward())
        model.step()


def train_run(mlp, setting, train, test, classes, epochs, seed=0, desc=None):
    """Train one setting for `epochs`; per-epoch train/test loss and accuracy (lists of floats).

    Seeds numpy's global stream (the reference draws its weights and dropout
    masks from it) and the shuffling, so every setting sees the same order.
    """
    np.random.seed(seed)
    rng = np.random.default_rng(seed)
    model = build_model(mlp, setting, train[0].shape[1], classes)
    curves = {"train_loss": [], "test_loss": [], "train_accuracy": [], "test_accuracy": []}
    bar = tqdm(range(epochs), desc=desc, unit="epoch", file=sys.stderr, disable=None)
    # A too-large learning rate may overflow; the NaNs then show in the curves.
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in bar:
            train_epoch(mlp, model, *train, classes, rng)
            for split, (x, y) in (("train", train), ("test", test)):
                loss, accuracy = evaluate(mlp, model, x, y, classes)
                curves[f"{split}_loss"].append(loss)
                curves[f"{split}_accuracy"].append(accuracy)
            bar.set_postfix(test_loss=f"{loss:.3f}", test_acc=f"{accuracy:.3f}")
    return curves


def run_sweep(name, data_dir=None, device="cpu", out_dir=Path("out"), epochs=None, seed=0):
    """Run sweep `name` ("2.1" ... "2.4"), write plots and metrics to out_dir, return the metrics."""
    sweep, epochs = SWEEPS[name], DEFAULT_EPOCHS if epochs is None else epochs
    if device != "cpu":
        print(f"note: mlp_numpy is numpy code and runs on the CPU (device {device!r} ignored)",
              file=sys.stderr)
    mlp = reference_module("mlp_numpy", "mlp")
    train, test, data_info = load_data(data_dir)
    metrics = {"assignment": "mlp_numpy", "experiment": name, "title": sweep.title,
               "dataset": data_info, "epochs": epochs, "batch_size": BATCH_SIZE,
               "seed": seed, "device": "cpu", "runs": []}
    saved_state = np.random.get_state()  # the caller's global stream is left as it was
    try:
        for part, setting in zip("abcdefgh", sweep.settings):
            started = time.perf_counter()
            curves = train_run(mlp, setting, train, test, data_info["classes"], epochs, seed,
                               desc=f"{name}({part}) {setting.label()}")
            metrics["runs"].append({
                "part": part, "label": setting.label(), "settings": asdict(setting), **curves,
                "final_test_accuracy": curves["test_accuracy"][-1],
                "seconds": round(time.perf_counter() - started, 3)})
    finally:
        np.random.set_state(saved_state)
    return write_outputs(metrics, Path(out_dir))


def write_outputs(metrics, out_dir):
    """Write both plots and the metrics JSON into out_dir; return metrics with their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = metrics["experiment"]
    files = {"loss": out_dir / f"{name}_loss.png", "accuracy": out_dir / f"{name}_accuracy.png"}
    for quantity in ("loss", "accuracy"):
        series = []
        for index, run in enumerate(metrics["runs"]):
            final = f", final {run['final_test_accuracy']:.3f}" if quantity == "accuracy" \
                and run["final_test_accuracy"] is not None else ""
            series += [(f"({run['part']}) train {run['label']}", run[f"train_{quantity}"], "-", index),
                       (f"({run['part']}) test {run['label']}{final}", run[f"test_{quantity}"], "--", index)]
        plot_curves(files[quantity], metrics["epochs"], series,
                    "mean cross-entropy loss" if quantity == "loss" else "accuracy",
                    f"mlp_numpy {name}, {metrics['title']}: {quantity} on {metrics['dataset']['name']}",
                    legend_title="(hidden, momentum, dropout, lr)")
    return write_metrics(metrics, files, out_dir / f"{name}_metrics.json")


def _sweep_runner(name):
    """The registry's callable for sweep `name`."""
    def run(data_dir=None, device="cpu", out_dir=Path("out"), epochs=None, seed=0):
        return run_sweep(name, data_dir, device, out_dir, epochs, seed)

    sweep = SWEEPS[name]
    run.__name__ = f"sweep_{name.replace('.', '_')}"
    run.__doc__ = (f"Homework {name}, {sweep.title}: "
                   + "; ".join(s.label() for s in sweep.settings)
                   + " as (hidden, momentum, dropout, lr).")
    return run


EXPERIMENTS = {name: _sweep_runner(name) for name in SWEEPS}
