"""Reference experiments of `linear_nets` (Problems 3 and 4), run by the instructor.

- `parity` (Problem 3(b)): the reference train_parity's run for d = 5, 10 and
  30, 50000 iterations each (`--epochs N`: N thousand iterations), from the
  same seed; the batch losses (a moving average) on one plot, and each run's
  accuracy on 10000 fresh inputs. Runs on the CPU, one thread (the network is
  small: more threads only add overhead).
- `pca_cca` (Problem 4(a), (b)): the reference pca_embed and cca_embed of
  (up to) 5000 training images as scatter plots, one colour and legend entry
  per class, and the linear least-squares baseline's training and validation
  accuracy on the whole training set.
- `resnet18` (Problem 4(e)): the homework's pre-activation ResNet18 (the
  reference cifar_linear.py's) trained with each learning-rate scheme,
  constant, annealed and special, for one epoch (`--epochs N`), with a
  progress bar and a table of results. Extra options (keyword arguments):
  `subset_train=N` and `subset_val=N` train and validate on random subsets,
  as the homework script's `--subset-train` and `--subset-val`.

Data: with `--data-dir DIR`, the real CIFAR-10 in DIR/cifar-10-batches-py/
(the python version, read by torchvision); by default scikit-learn's bundled
digits as 3x32x32 images (grader/datasets/digits_images.py), 1437 training and
360 validation images, so that everything runs offline. `--device cuda` trains
the ResNet18 on the GPU.
"""
import sys
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from grader.datasets import DatasetError
from grader.experiments.common import new_figure, pick_device, reference_module, write_metrics

PARITY_DIMS = (5, 10, 30)
PARITY_ITERATIONS = 50_000
PARITY_TEST_SIZE = 10_000
EMBEDDED_IMAGES = 5000  # the scatter plots' sample of training images


def progress_bar(total, desc):
    return tqdm(total=total, desc=desc, file=sys.stderr, disable=None, mininterval=0.5)


def moving_average(values, window):
    values = np.asarray(values, dtype=np.float64)
    window = max(1, min(window, len(values)))
    return np.convolve(values, np.ones(window) / window, mode="valid")


def run_parity(data_dir=None, device="cpu", out_dir=Path("out"), epochs=None, seed=0):
    """Problem 3(b): hinge-loss curves of train_parity for d = 5, 10 and 30."""
    import torch

    iterations = PARITY_ITERATIONS if epochs is None else 1000 * epochs
    pitfalls = reference_module("linear_nets", "pitfalls")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    metrics = {"assignment": "linear_nets", "experiment": "parity", "iterations": iterations, "seed": seed,
               "title": "training ParityNet(d, 10 d) on d-bit parity (Problem 3(b))", "device": "cpu",
               "held_out": "test", "runs": []}
    try:
        for d in PARITY_DIMS:
            started = time.perf_counter()
            with progress_bar(iterations, f"parity, d = {d}") as bar:
                run = pitfalls.parity_run(d, iterations, seed, test_size=PARITY_TEST_SIZE, progress=bar)
            losses = run["losses"]
            metrics["runs"].append({"label": f"d = {d}", "d": d, "v_star": run["v_star"].int().tolist(),
                                    "losses": losses, "final_loss": float(np.mean(losses[-1000:])),
                                    "final_test_accuracy": run["test_accuracy"],
                                    "seconds": round(time.perf_counter() - started, 3)})
    finally:
        torch.set_num_threads(threads)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plot = out_dir / "parity_loss.png"
    fig, ax = new_figure()
    window = max(1, iterations // 100)
    for index, run in enumerate(metrics["runs"]):
        curve = moving_average(run["losses"], window)
        ax.plot(np.arange(len(curve)) + window, curve, color=f"C{index}",
                label=f"{run['label']} (final accuracy {run['final_test_accuracy']:.3f})")
    ax.set_xlabel("iteration")
    ax.set_ylabel(f"hinge loss (moving average over {window} batches)")
    ax.set_title("ParityNet(d, 10 d), SGD lr 0.001, momentum 0.9, batches of 100")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.savefig(plot, dpi=120, bbox_inches="tight")
    return write_metrics(metrics, {"loss": plot}, out_dir / "parity_metrics.json")


def image_data(data_dir, seed=0):
    """({"train": (images, labels), "val": (images, labels)}, description): CIFAR-10 under data_dir, else digits."""
    if data_dir is None:
        from grader.datasets.digits_images import digits_as_images
        return digits_as_images(seed), {"name": "digits (scikit-learn) as 3x32x32 images", "path": None}
    cifar = reference_module("linear_nets", "cifar_linear")
    try:
        train, val = cifar.load_cifar10(str(data_dir), download=False)
    except RuntimeError as exc:  # torchvision: "Dataset not found or corrupted"
        raise DatasetError(f"no readable CIFAR-10 under {data_dir}: expected {Path(data_dir) / 'cifar-10-batches-py'}/ "
                           f"(the python version of CIFAR-10) ({exc})") from None
    return {"train": train, "val": val}, {"name": "CIFAR-10", "path": str(data_dir)}


def class_names(info):
    cifar = reference_module("linear_nets", "cifar_linear")
    return cifar.CLASSES if info["name"] == "CIFAR-10" else tuple(str(c) for c in range(10))


def run_pca_cca(data_dir=None, device="cpu", out_dir=Path("out"), epochs=None, seed=0):
    """Problem 4(a), (b): PCA and CCA scatter plots, and the linear baseline's accuracies."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    cifar = reference_module("linear_nets", "cifar_linear")
    data, info = image_data(data_dir, seed)
    (train_x, train_y), (val_x, val_y) = data["train"], data["val"]
    shown_x, shown_y = cifar.random_subset(train_x, train_y, EMBEDDED_IMAGES, seed)
    rows = cifar.as_rows(shown_x)
    fig = Figure(figsize=(15, 5.5))
    FigureCanvasAgg(fig)
    names = class_names(info)
    embeddings = {"PCA": cifar.pca_embed(rows), "CCA": cifar.cca_embed(rows, np.eye(10)[shown_y])}
    for ax, (method, Z) in zip(fig.subplots(1, 2), embeddings.items()):
        cifar.plot_embedding(ax, Z, shown_y, f"{method}: {len(shown_y)} training images, {info['name']}", names)
    fig.tight_layout()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plot = out_dir / "pca_cca.png"
    fig.savefig(plot, dpi=120, bbox_inches="tight")
    started = time.perf_counter()
    train_accuracy, val_accuracy = cifar.linear_classifier_accuracy(cifar.as_rows(train_x), train_y,
                                                                    cifar.as_rows(val_x), val_y)
    info.update(train_size=len(train_y), val_size=len(val_y), embedded=len(shown_y))
    metrics = {"assignment": "linear_nets", "experiment": "pca_cca", "dataset": info, "seed": seed,
               "title": "PCA and CCA embeddings, linear least-squares baseline (Problem 4(a), (b))",
               "held_out": "val",
               "runs": [{"label": "linear least squares (one-hot targets, intercept)",
                         "train_accuracy": train_accuracy, "final_val_accuracy": val_accuracy,
                         "final_test_accuracy": val_accuracy, "seconds": round(time.perf_counter() - started, 3)}]}
    print(f"linear baseline on {info['name']}: train accuracy {train_accuracy:.4f}, "
          f"validation accuracy {val_accuracy:.4f}")
    return write_metrics(metrics, {"embeddings": plot}, out_dir / "pca_cca_metrics.json")


def run_resnet18(data_dir=None, device="cpu", out_dir=Path("out"), epochs=None, seed=0, subset_train=None,
                 subset_val=None):
    """Problem 4(e): the ResNet18 trained with the constant, annealed and special rates (one epoch each)."""
    epochs = 1 if epochs is None else epochs
    cifar = reference_module("linear_nets", "cifar_linear")
    device, note = pick_device(device)
    if note:
        print(f"note: {note}", file=sys.stderr)
    data, info = image_data(data_dir, seed)
    train_x, train_y = cifar.random_subset(*data["train"], subset_train, seed)
    val_x, val_y = cifar.random_subset(*data["val"], subset_val, seed + 1)
    train_set = cifar.ImageArrays(train_x, train_y, cifar.train_transform())
    val_set = cifar.ImageArrays(val_x, val_y, cifar.test_transform())
    info.update(train_size=len(train_y), val_size=len(val_y), subset_train=subset_train, subset_val=subset_val)
    metrics = {"assignment": "linear_nets", "experiment": "resnet18", "dataset": info, "epochs": epochs,
               "seed": seed, "device": device, "device_note": note, "held_out": "val",
               "title": "pre-activation ResNet18, three learning-rate schemes (Problem 4(e))",
               "model": "ResNet18 (reference cifar_linear.py)", "batch_size": 128, "runs": []}
    for name in cifar.schemes(epochs):
        run = cifar.train_resnet(train_set, val_set, name, epochs, device, seed, progress=progress_bar)
        last = run["epochs"][-1]
        metrics["runs"].append({"label": f"{name} learning rate", "scheme": name, "history": run["epochs"],
                                "train_loss": last["train_loss"], "train_accuracy": last["train_accuracy"],
                                "final_val_accuracy": last["val_accuracy"],
                                "final_test_accuracy": last["val_accuracy"], "seconds": round(run["seconds"], 3)})
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    table = out_dir / "resnet18_results.md"
    table.write_text(results_table(metrics))
    print(table.read_text())
    return write_metrics(metrics, {"table": table}, out_dir / "resnet18_metrics.json")


def results_table(metrics):
    """The runs of `resnet18` as a Markdown table."""
    info = metrics["dataset"]
    lines = [f"ResNet18 on {info['name']} ({info['train_size']} training, {info['val_size']} validation images), "
             f"{metrics['epochs']} epoch(s) on {metrics['device']}", "",
             "| scheme | train loss | train accuracy | validation accuracy | seconds |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for run in metrics["runs"]:
        lines.append(f"| {run['scheme']} | {run['train_loss']:.3f} | {run['train_accuracy']:.3f} | "
                     f"{run['final_val_accuracy']:.3f} | {run['seconds']:.1f} |")
    return "\n".join(lines) + "\n"


EXPERIMENTS = {"parity": run_parity, "pca_cca": run_pca_cca, "resnet18": run_resnet18}
