"""Reference experiments of `expressivity`: the FashionMNIST MLP (Question 4) and the approximation (Question 2b).

`fashion` trains the reference `fashion_mlp.py` (build_mlp, then train one
epoch at a time: plain SGD, lr 0.1) and after every epoch
records the training loss `train` returned and the test loss and accuracy of
`evaluate`. It writes `fashion_loss.png` (train and test loss curves, the
final test accuracy in the legend), `fashion_probabilities.png` (three test
images, each beside a bar chart of its predicted class probabilities from
`predict_proba`) and `fashion_metrics.json`.

Data:
- default: scikit-learn's bundled 8x8 digits (no download), scaled to 28x28
  and written in FashionMNIST's own file format (grader.datasets.fashion_mnist),
  then read back through torchvision's FashionMNIST as the real data is;
  1437 training and 360 test images, batches of 16, 20 epochs.
- `--data-dir DIR`: the real FashionMNIST under DIR (DIR/FashionMNIST/raw/,
  as torchvision downloads it), 60000 and 10000 images, batches of 64, 10 epochs.

`approximation` approximates f(x) = sin(2x) + 0.5 exp(-x^2) on [-2, 2] with
the reference `approximate(f, B, n)` and evaluates the step networks with the
homework's step (step(z) = 1 if z > 0): `approximation.png` shows f and the
networks for n = 4, 8, 16 and 32, `approximation_error.png` the sup error
against n on log-log axes with the bound 4 B max|f'| / n the checks allow,
and `approximation_metrics.json` the numbers. It needs no data and no GPU.
"""
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from grader.checks.registry import sibling
from grader.checks.truth_table import evaluate
from grader.datasets import DatasetError, fashion_mnist
from grader.experiments.common import new_figure, pick_device, plot_curves, reference_module, write_metrics

FASHION = {"lr": 0.1, "batch_size": {"digits": 16, "fashion": 64}, "epochs": {"digits": 20, "fashion": 10},
           "samples": 3}
APPROXIMATION = {"B": 2.0, "shown": (4, 8, 16, 32), "ns": tuple(2 ** k for k in range(1, 11))}


def fashion_data(modules, data_dir, seed):
    """(train_loader, test_loader, info) for the digits in FashionMNIST's format, or the real data."""
    if data_dir is None:
        root = fashion_mnist.write_digits_folder(tempfile.mkdtemp(prefix="expressivity-digits-"), seed)
        info = {"name": "digits (scikit-learn, 8x8 scaled to 28x28, in FashionMNIST's format)", "path": None,
                "kind": "digits", "classes": fashion_mnist.DIGIT_CLASSES}
    else:
        root = str(data_dir)
        info = {"name": "FashionMNIST", "path": root, "kind": "fashion", "classes": fashion_mnist.CLASSES}
    try:
        train_loader, test_loader = modules.make_loaders(root, FASHION["batch_size"][info["kind"]], download=False)
    except RuntimeError as exc:  # torchvision: "Dataset not found"
        raise DatasetError(f"no readable FashionMNIST under {root}: expected "
                           f"{fashion_mnist.raw_folder(root)}/ with the four IDX files ({exc})") from None
    info.update(train_size=len(train_loader.dataset), test_size=len(test_loader.dataset))
    return train_loader, test_loader, info


def run_fashion(data_dir=None, device="cpu", out_dir=Path("out"), epochs=None, seed=0):
    """Question 4: train and test loss curves, the final test accuracy, three test images' class probabilities."""
    import torch

    modules = reference_module("expressivity", "fashion_mlp")
    device, note = pick_device(device)
    if note:
        print(f"note: {note}", file=sys.stderr)
    with torch.random.fork_rng(devices=[]):  # the caller's torch random stream is left as it was
        torch.manual_seed(seed)  # the starting weights and the shuffling
        train_loader, test_loader, info = fashion_data(modules, data_dir, seed)
        epochs = FASHION["epochs"][info["kind"]] if epochs is None else epochs
        model = modules.build_mlp()
        curves, started = {"train_loss": [], "test_loss": [], "test_accuracy": []}, time.perf_counter()
        for _ in tqdm(range(epochs), desc="fashion", unit="epoch", file=sys.stderr, disable=None):
            epoch = modules.train(model, train_loader, 1, FASHION["lr"], device)[0]
            curves["train_loss"].append(float(epoch["loss"]))
            test_loss, test_accuracy = modules.evaluate(model, test_loader, device)
            curves["test_loss"].append(test_loss)
            curves["test_accuracy"].append(test_accuracy)
        seconds = time.perf_counter() - started
        samples = sample_predictions(modules, model, test_loader.dataset, seed)
    metrics = {"assignment": "expressivity", "experiment": "fashion",
               "title": "a 784-256-128-64-10 ReLU MLP trained by plain SGD (Question 4)", "dataset": info,
               "epochs": epochs, "lr": FASHION["lr"], "batch_size": FASHION["batch_size"][info["kind"]],
               "seed": seed, "device": device, "device_note": note, "held_out": "test",
               "runs": [{"label": "784-256-128-64-10 MLP", **curves,
                         "final_test_accuracy": curves["test_accuracy"][-1], "seconds": round(seconds, 3)}],
               "samples": samples}
    return write_fashion_outputs(metrics, Path(out_dir))


def sample_predictions(modules, model, dataset, seed):
    """Three test images chosen by the seed: their pixels, labels and predicted class probabilities."""
    import torch

    indices = np.random.default_rng(seed).choice(len(dataset), FASHION["samples"], replace=False)
    images = torch.stack([dataset[int(i)][0] for i in indices])
    probabilities = modules.predict_proba(model, images).cpu().numpy()
    return [{"index": int(i), "label": int(dataset[int(i)][1]), "probabilities": p.tolist(),
             "image": image[0].numpy().tolist()} for i, image, p in zip(indices, images, probabilities)]


def write_fashion_outputs(metrics, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {"loss": out_dir / "fashion_loss.png", "probabilities": out_dir / "fashion_probabilities.png"}
    run = metrics["runs"][0]
    plot_curves(files["loss"], metrics["epochs"],
                [("train loss", run["train_loss"], "-", 0),
                 (f"test loss (final test accuracy {run['final_test_accuracy']:.3f})", run["test_loss"], "--", 1)],
                "mean cross-entropy loss", f"expressivity: {metrics['title']} on {metrics['dataset']['name']}")
    plot_probabilities(files["probabilities"], metrics["samples"], metrics["dataset"]["classes"])
    for sample in metrics["samples"]:
        del sample["image"]  # in the figure; the JSON keeps the numbers
    return write_metrics(metrics, files, out_dir / "fashion_metrics.json")


def plot_probabilities(path, samples, classes):
    """One row per sample: the image, and a bar chart of its predicted class probabilities."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 2.6 * len(samples)))
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(samples), 2, gridspec_kw={"width_ratios": [1, 3]}, squeeze=False)
    for (image_ax, bar_ax), sample in zip(axes, samples):
        image_ax.imshow(np.array(sample["image"]), cmap="gray_r")
        image_ax.set_title(f"test image {sample['index']}: {classes[sample['label']]} (green bar)", fontsize="small")
        image_ax.axis("off")
        colours = ["C2" if k == sample["label"] else "C0" for k in range(len(classes))]
        bar_ax.bar(range(len(classes)), sample["probabilities"], color=colours)
        bar_ax.set_xticks(range(len(classes)), classes, rotation=30, fontsize="small")
        bar_ax.set_ylim(0, 1)
        bar_ax.set_ylabel("predicted probability")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def target(x):
    return np.sin(2 * x) + 0.5 * np.exp(-x ** 2)


def run_approximation(data_dir=None, device="cpu", out_dir=Path("out"), epochs=None, seed=0):
    """Question 2b: f and its step-network approximations, and the sup error against n on log-log axes."""
    checks = sibling(reference_module("expressivity", "box").__file__, "tests_public")
    box, B = reference_module("expressivity", "box"), APPROXIMATION["B"]
    grid = np.linspace(-B, B, 200001)
    slope = float(np.abs(np.gradient(target(grid), grid)).max())
    networks = {n: box.approximate(target, B, n) for n in APPROXIMATION["ns"]}
    errors = [checks.sup_error([(np.asarray(W), np.asarray(b)) for W, b in networks[n]], target, B)
              for n in APPROXIMATION["ns"]]
    metrics = {"assignment": "expressivity", "experiment": "approximation",
               "title": "step networks approximating f(x) = sin(2x) + 0.5 exp(-x^2) on [-2, 2] (Question 2b)",
               "B": B, "max_slope": slope, "ns": list(APPROXIMATION["ns"]), "sup_errors": errors,
               "bounds": [4 * B * slope / n for n in APPROXIMATION["ns"]],
               "hidden_units": [int(np.shape(networks[n][0][0])[0]) for n in APPROXIMATION["ns"]],
               "runs": []}  # `grader experiment` prints the runs' test accuracies: there are none here
    return write_approximation_outputs(metrics, networks, Path(out_dir))


def write_approximation_outputs(metrics, networks, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {"approximation": out_dir / "approximation.png", "error": out_dir / "approximation_error.png"}
    B = metrics["B"]
    x = np.linspace(-B, B, 4001)
    fig, ax = new_figure()
    ax.plot(x, target(x), "k", lw=2, label="f(x) = sin(2x) + 0.5 exp(-x^2)")
    for colour, n in enumerate(APPROXIMATION["shown"]):
        layers = [(np.asarray(W), np.asarray(b)) for W, b in networks[n]]
        ax.plot(x, evaluate(layers, x[:, None], "step")[:, 0], color=f"C{colour}", lw=1,
                label=f"n = {n} ({2 * n} step units)")
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.set_title(f"expressivity: {metrics['title']}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.savefig(files["approximation"], dpi=120, bbox_inches="tight")

    fig, ax = new_figure()
    ax.loglog(metrics["ns"], metrics["sup_errors"], "o-", label="sup error of approximate(f, B, n) on [-B, B]")
    ax.loglog(metrics["ns"], metrics["bounds"], "--", label="4 B max|f'| / n (what the checks allow)")
    ax.set_xlabel("n (boxes; 2n hidden step units)")
    ax.set_ylabel("sup error")
    ax.set_title("expressivity: the error of the step network shrinks like 1/n")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small")
    fig.savefig(files["error"], dpi=120, bbox_inches="tight")
    return write_metrics(metrics, files, out_dir / "approximation_metrics.json")


EXPERIMENTS = {"fashion": run_fashion, "approximation": run_approximation}
