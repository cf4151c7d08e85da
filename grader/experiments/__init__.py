"""Reference experiments the instructor runs: `grader experiment ID NAME`.

An assignment has experiments when solutions/ID/experiments.py exists; its
EXPERIMENTS maps a name to a callable
`(data_dir=None, device="cpu", out_dir=Path("out"), epochs=None, seed=0) -> metrics dict`
that writes its plots and metrics JSON into out_dir. The metrics' "runs" each
have a "label" and a "final_test_accuracy" (or None), which the command prints.
"""
import importlib.util
import inspect
import sys
from pathlib import Path

from grader import paths

DEVICES = ("cpu", "cuda")
FILE = "experiments.py"


class ExperimentError(KeyError):
    """An unknown assignment, experiment or option; the message lists the valid choices."""

    def __str__(self):
        # KeyError's own str() quotes its message; this one reads as plain text.
        return str(self.args[0]) if self.args else ""


def module_of(assignment_id):
    """solutions/ID/experiments.py, imported once under a private name; None when there is none."""
    path = paths.solution_dir(assignment_id) / FILE
    if not path.is_file():
        return None
    name = f"_grader_experiments_{assignment_id}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def experiments_of(assignment_id):
    """EXPERIMENTS of solutions/ID/experiments.py, or {} when the assignment has none."""
    module = module_of(assignment_id)
    return {} if module is None else module.EXPERIMENTS


def all_experiments():
    """{assignment_id: EXPERIMENTS} for every assignment that has some."""
    found = {p.parent.name: experiments_of(p.parent.name) for p in sorted(paths.SOLUTIONS.glob(f"*/{FILE}"))}
    return {aid: names for aid, names in found.items() if names}


def describe_experiments():
    """{assignment_id: {name: first line of the experiment's docstring}}."""
    return {aid: {name: (fn.__doc__ or "").strip().split("\n")[0] for name, fn in names.items()}
            for aid, names in all_experiments().items()}


def get_experiment(assignment_id, name):
    """The callable of experiment `name` of `assignment_id`; ExperimentError lists valid ones."""
    experiments = experiments_of(assignment_id)
    if not experiments:
        raise ExperimentError(f"no experiments for assignment {assignment_id!r}; "
                              f"assignments with experiments: {', '.join(all_experiments())}")
    if name not in experiments:
        raise ExperimentError(f"unknown experiment {name!r} for {assignment_id}; "
                              f"valid names: {', '.join(experiments)}")
    return experiments[name]


def run_experiment(assignment_id, name, data_dir=None, device="cpu", out_dir=Path("out"),
                   epochs=None, seed=0, **options):
    """Run one reference experiment; writes plots and metrics into out_dir and returns the metrics.

    `options` (the homework script's own, such as subset_train) go to the experiments that take
    them. Raises ExperimentError for an unknown id, name or device, a non-positive epoch count or
    an option the experiment does not take, and grader.datasets.DatasetError when the data
    cannot be read.
    """
    experiment = get_experiment(assignment_id, name)
    if str(device).split(":")[0] not in DEVICES:
        raise ExperimentError(f"unknown device {device!r}; use one of: {', '.join(DEVICES)}")
    if epochs is not None and (int(epochs) != epochs or epochs < 1):
        raise ExperimentError(f"epochs must be a positive integer, got {epochs!r}")
    taken = inspect.signature(experiment).parameters
    unknown = [k for k in options if k not in taken]
    if unknown:
        raise ExperimentError(f"{assignment_id} {name} takes no option {', '.join('--' + k.replace('_', '-') for k in unknown)}")
    return experiment(data_dir=None if data_dir is None else Path(data_dir), device=device,
                      out_dir=Path(out_dir), epochs=None if epochs is None else int(epochs),
                      seed=seed, **options)
