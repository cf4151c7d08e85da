"""What every assignment's experiments share: the reference's modules, devices, plots, metrics files."""
import importlib.util
import json
import math

import numpy as np

from grader.paths import solution_dir


def reference_module(assignment_id, stem):
    """solutions/ID/STEM.py imported under a private name, leaving sys.modules alone."""
    path = solution_dir(assignment_id) / f"{stem}.py"
    if not path.is_file():
        raise FileNotFoundError(f"reference solution not found: {path}")
    spec = importlib.util.spec_from_file_location(f"_grader_reference_{assignment_id}_{stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pick_device(device):
    """(device, note): "cuda" when asked for and available, else "cpu" with a note saying why."""
    import torch

    if str(device).startswith("cuda"):
        if torch.cuda.is_available():
            return device, None
        return "cpu", f"device {device!r} asked for but no GPU is available: running on the CPU"
    return "cpu", None


def finite(value):
    """`value` with every non-finite float replaced by None, recursively (strict JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(item) for item in value]
    return value


def write_metrics(metrics, files, path):
    """`metrics` with the paths of `files` ({kind: path}), made finite and written as JSON to `path`."""
    metrics = finite({**metrics, "files": {key: str(p) for key, p in {**files, "metrics": path}.items()}})
    with open(path, "w") as f:
        json.dump(metrics, f, indent=1, allow_nan=False)
    return metrics


def new_figure(size=(9, 5)):
    """A matplotlib Figure with one Axes, no pyplot: no global backend or open figures."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def plot_curves(path, epochs, series, ylabel, title, legend_title=None):
    """Per-epoch curves: `series` is [(label, values, "-" or "--", colour index)]."""
    from matplotlib.ticker import MaxNLocator

    fig, ax = new_figure()
    x = np.arange(1, epochs + 1)
    marker = "o" if epochs <= 20 else None  # so a few epochs still show points
    for label, values, style, colour in series:
        ax.plot(x, values, style, color=f"C{colour}", marker=marker, ms=3, label=label)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(title=legend_title, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.savefig(path, dpi=120, bbox_inches="tight")
