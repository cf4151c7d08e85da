"""Reference experiments the instructor runs: `grader experiment ID NAME`.

EXPERIMENTS maps assignment id -> experiment name -> callable
`(data_dir=None, device="cpu", out_dir=Path("out"), epochs=None, seed=0) -> metrics dict`;
each writes its plots and metrics JSON into out_dir.
"""
from pathlib import Path

from grader.experiments import mlp_numpy, relu_nets

EXPERIMENTS = {
    "mlp_numpy": mlp_numpy.EXPERIMENTS,
    "relu_nets": relu_nets.EXPERIMENTS,
}

DEVICES = ("cpu", "cuda")


class ExperimentError(KeyError):
    """An unknown assignment, experiment or option; the message lists the valid choices."""

    def __str__(self):
        # KeyError's own str() quotes its message; this one reads as plain text.
        return str(self.args[0]) if self.args else ""


def describe_experiments():
    """{assignment_id: {name: first line of the experiment's docstring}}."""
    return {aid: {name: (fn.__doc__ or "").strip().split("\n")[0] for name, fn in names.items()}
            for aid, names in EXPERIMENTS.items()}


def get_experiment(assignment_id, name):
    """The callable of experiment `name` of `assignment_id`; ExperimentError lists valid ones."""
    if assignment_id not in EXPERIMENTS:
        raise ExperimentError(f"no experiments for assignment {assignment_id!r}; "
                              f"assignments with experiments: {', '.join(EXPERIMENTS)}")
    experiments = EXPERIMENTS[assignment_id]
    if name not in experiments:
        raise ExperimentError(f"unknown experiment {name!r} for {assignment_id}; "
                              f"valid names: {', '.join(experiments)}")
    return experiments[name]


def run_experiment(assignment_id, name, data_dir=None, device="cpu", out_dir=Path("out"),
                   epochs=None, seed=0):
    """Run one reference experiment; writes plots and metrics into out_dir and returns the metrics.

    Raises ExperimentError for an unknown id, name or device or a non-positive
    epoch count, and grader.datasets.DatasetError when the data cannot be read.
    """
    experiment = get_experiment(assignment_id, name)
    if str(device).split(":")[0] not in DEVICES:
        raise ExperimentError(f"unknown device {device!r}; use one of: {', '.join(DEVICES)}")
    if epochs is not None and (int(epochs) != epochs or epochs < 1):
        raise ExperimentError(f"epochs must be a positive integer, got {epochs!r}")
    return experiment(data_dir=None if data_dir is None else Path(data_dir), device=device,
                      out_dir=Path(out_dir), epochs=None if epochs is None else int(epochs),
                      seed=seed)
