"""What the grader's own work costs at the limits this hardening allows: peak memory and time.

    .venv/bin/python benchmarks/limits.py            # every figure, as JSON lines
    .venv/bin/python benchmarks/limits.py truth      # one of them: truth / unpack / unpack-notebook / grade

(benchmarks/run.py --only limits puts them in its table, row 11.)

Each figure is measured in a fresh interpreter (its own peak resident size, ru_maxrss, and
wall time), so that one measure's memory does not hide another's:

- truth: expect_decision on the costliest network the truth tables accept (exact work just
  under MAX_EXACT_COST, every point in doubt), on the public OR check's points;
- unpack: the largest submission the unpacker accepts, unpacked and read as the grader reads
  it (prepare_submission, read_sources, and every static check on every source): mlp_numpy
  with both sources just under MAX_SOURCE_BYTES of the costliest Python to parse, a helper of
  as much, and data files up to MAX_BYTES; and relu_nets with modules.ipynb at
  MAX_NOTEBOOK_BYTES, just under MAX_NOTEBOOK_VALUES and MAX_SOURCE_BYTES of code;
- grade: `grade()` of that mlp_numpy submission, every check (the grader process alone; its
  workers are processes of their own, under their own limits).
"""
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def costliest_allowed_network():
    """(layers, points, exact cost) of a correct OR network whose exact work is just under the limit:
    relu(x1) + relu(x2), two layers of 1e300 (float64 overflows: every point with f > 0 is in
    doubt) and two of 1e-300, then square layers of positive weights, as deep as the limit allows."""
    from grader.checks.truth_table import (MAX_EXACT_BITS, MAX_EXACT_COST, _evaluate_with_error, as_weight_list,
                                           corners, exact_cost, grid)
    points = np.vstack([corners(), grid()])
    width = 24

    def network(depth):
        layers = [(np.eye(2), np.zeros(2)), (np.array([[1.0, 1.0]]), np.zeros(1))]
        layers += [(np.array([[1e300]]), np.zeros(1))] * 2 + [(np.array([[1e-300]]), np.zeros(1))] * 2
        layers += [(np.full((width, 1), 1.5), np.zeros(width))]
        layers += [(np.full((width, width), 0.75), np.zeros(width))] * depth
        return as_weight_list(layers + [(np.ones((1, width)), np.zeros(1))], "or_gate()")

    def cost(depth):
        layers = network(depth)
        doubtful = _evaluate_with_error(layers, points, "relu")[1]
        per_point, bits, _ = exact_cost(layers, points[doubtful])
        return per_point * doubtful.sum() if bits <= MAX_EXACT_BITS else float("inf")

    low, high = 0, 1
    while cost(high) <= MAX_EXACT_COST:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if cost(middle) <= MAX_EXACT_COST else (low, middle)
    return network(low), points, cost(low)


def largest_mlp_submission(folder):
    """mlp_numpy at the unpacker's limits (see the module's docstring); its folder."""
    from grader import assignments
    from grader.submission import MAX_BYTES, MAX_SOURCE_BYTES
    assignment = assignments.load("mlp_numpy")
    folder = Path(folder)
    folder.mkdir(parents=True)
    for name in assignment.files:  # still correct code: a list of names is what costs ast.parse most
        text = (assignment.directory / name).read_text() + "\na = 0\nDATA = ["
        (folder / name).write_text(text + "a," * ((MAX_SOURCE_BYTES - len(text.encode()) - 3) // 2) + "]\n")
    (folder / "helper.py").write_text("a = 0\nDATA = [" + "a," * ((MAX_SOURCE_BYTES - 20) // 2) + "]\n")
    used = sum(p.stat().st_size for p in folder.iterdir())
    np.save(folder / "data.npy", np.zeros((MAX_BYTES - used - 4096) // 8))
    return folder


def largest_notebook_submission(folder):
    """relu_nets with modules.ipynb at the notebook limits; its folder."""
    from grader import assignments
    from grader.submission import MAX_NOTEBOOK_BYTES, MAX_NOTEBOOK_VALUES, MAX_SOURCE_BYTES
    assignment = assignments.load("relu_nets")
    folder = Path(folder)
    folder.mkdir(parents=True)
    for name in assignment.files:
        if name != "modules.py":
            shutil.copy(assignment.directory / name, folder / name)
    code = (assignment.directory / "modules.py").read_text()
    # just under the limit once converted: the cell's mark and the file's encoding line count too
    code += "\na = 0\nDATA = [" + "a," * ((MAX_SOURCE_BYTES - len(code.encode()) - 200) // 2) + "]\n"
    lines = int(MAX_NOTEBOOK_VALUES * 0.95)
    text = "x" * ((MAX_NOTEBOOK_BYTES - 4 * lines - len(code) - 4096) // lines)
    cells = [{"cell_type": "code", "metadata": {}, "source": code, "execution_count": 1,
              "outputs": [{"output_type": "stream", "name": "stdout", "text": [text] * lines}]}]
    raw = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    (folder / "modules.ipynb").write_text(raw)
    return folder


def unpack_and_read(folder, assignment_id):
    """The grader's own work on a submission before and besides its worker: unpack, read, parse.
    {step: seconds}."""
    from grader import assignments
    from grader.checks import static
    from grader.grading import read_sources
    from grader.submission import prepare_submission
    assignment = assignments.load(assignment_id)
    steps = {}
    with tempfile.TemporaryDirectory() as work:
        started = time.monotonic()
        prepare_submission(Path(folder), Path(work), assignment.files)
        steps["unpack_s"] = round(time.monotonic() - started, 2)
        started = time.monotonic()
        sources = read_sources(Path(work), assignment.files)
        for name, source in sources.items():
            static.syntax_problem(source, name)
        steps["compile_each_source_s"] = round(time.monotonic() - started, 2)
        started = time.monotonic()
        for name, source in sources.items():
            static.imported_modules(source), static.autograd_uses(source), static.python_loops(source, "forward")
        steps["three_static_checks_each_s"] = round(time.monotonic() - started, 2)
    return steps


def measure(what):
    """{"seconds", "peak_mb"} of one measure, in this interpreter (run it in a fresh one)."""
    with tempfile.TemporaryDirectory() as root:
        started = time.monotonic()
        if what == "truth":
            from grader.checks.truth_table import expect_decision
            layers, points, cost = costliest_allowed_network()
            built = time.monotonic()
            expect_decision(layers, _or_rule(), points, "or_gate()")
            extra = {"exact_cost": round(cost), "layers": len(layers), "seconds_building": round(built - started, 2)}
            started = built
        elif what == "unpack":
            folder = largest_mlp_submission(Path(root) / "mlp")
            started = time.monotonic()
            extra = {"bytes": sum(p.stat().st_size for p in folder.iterdir()), **unpack_and_read(folder, "mlp_numpy")}
        elif what == "unpack-notebook":
            folder = largest_notebook_submission(Path(root) / "nb")
            started = time.monotonic()
            extra = {"bytes": sum(p.stat().st_size for p in folder.iterdir()), **unpack_and_read(folder, "relu_nets")}
        elif what == "grade":
            from grader import assignments
            from grader.grading import grade
            folder = largest_mlp_submission(Path(root) / "mlp")
            started = time.monotonic()
            results = grade(assignments.load("mlp_numpy"), folder, out=Path(root) / "results.json")
            extra = {"score": results.score, "max": results.max_score}
        else:
            raise SystemExit(f"unknown measure {what!r}")
        seconds = time.monotonic() - started
    return {"measure": what, "seconds": round(seconds, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), **extra}


def baseline_mb():
    """The peak of an interpreter that imports the grader and numpy and does nothing."""
    code = "import resource, grader.grading, grader.checks.truth_table; " \
           "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              cwd=REPO).stdout)


def run(what):
    """One measure in a fresh interpreter."""
    done = subprocess.run([sys.executable, __file__, "--one", what], capture_output=True, text=True, cwd=REPO)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _or_rule():
    from grader.checks.truth_table import Rule
    return Rule("x1 > 0 or x2 > 0", lambda X: (X[:, 0] > 0) | (X[:, 1] > 0))


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure(sys.argv[2])))
    else:
        print(f"baseline (imports only): {baseline_mb()} MB")
        for name in sys.argv[1:] or ["truth", "unpack", "unpack-notebook", "grade"]:
            print(json.dumps(run(name)))
