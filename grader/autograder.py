"""The Gradescope autograder: dist/ID-autograder.zip.

Gradescope unpacks the zip to /autograder/source and runs setup.sh there once,
as root, to build its image; then, for each submission, run_autograder with
the student's files in /autograder/submission, expecting
/autograder/results/results.json. The zip holds this package, pyproject.toml and
MANIFEST.in (which puts the package's data files in the installed copy),
solutions/ID/ (reference and tests, hidden ones included) and a README.md for
the instructor (what to upload, which container to choose, from the numbers
`grader measure ID --write` stored in assignment.toml), and nothing else.
"""
import ast
import math
import os
import re
import tomllib
import zipfile
from pathlib import Path

from grader import paths

# What grading needs is pyproject.toml's [project] dependencies (numpy, pytest, ...), plus the
# extras' torch, torchvision and scikit-learn where the assignment's code needs them; the rest of the
# extras (plots) serve experiments.
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
TORCH_PACKAGES = ["torch", "torchvision"]
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
# Imports that load scikit-learn's bundled digits (grader.datasets.embedded).
DIGITS_USERS = ("grader.datasets.embedded", "grader.datasets.load_digits_split", "grader.datasets.fashion_mnist",
                "grader.datasets.digits_images")
SKIPPED = {"__pycache__"}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same sources give the same zip, byte for byte

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, with the zip unpacked in /autograder/source.
set -euo pipefail
ROOT="${{GRADER_AUTOGRADER_ROOT:-/autograder}}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip ca-certificates

# The grader needs Python 3.11 or later (tomllib); older images get it from their archive or deadsnakes.
PYTHON=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    PYTHON=python3.11
    if ! apt-get install -y --no-install-recommends python3.11 python3.11-venv; then
        apt-get install -y --no-install-recommends software-properties-common
        add-apt-repository -y ppa:deadsnakes/ppa
        apt-get update
        apt-get install -y --no-install-recommends python3.11 python3.11-venv
    fi
fi

# A virtual environment of its own: newer images refuse pip installs into the system Python.
"$PYTHON" -m venv "$ROOT/venv"
{installs}
"$ROOT/venv/bin/pip" install --no-cache-dir --no-deps "$ROOT/source"

# The reference and hidden tests: readable by root alone, never by the sandboxed student code.
chmod -R go-rwx "$ROOT/source"
"""

GRADESCOPE_DEFAULT_MB = 768  # Gradescope's default container: 768 MB, 1/2 vCPU, 10 minute timeout
GRADESCOPE_MAX_TIMEOUT_MIN = 40
START_MARGIN_S = 60  # the grader's and the first worker's start, unpacking, writing results
MEMORY_HEADROOM = 1.5  # a student's code may use more than the reference's

README_MD = """\
# Gradescope autograder for `{id}`

{title}. Built by `grader build {id}` from the course's sources.

## Setting it up

1. In the assignment's *Configure Autograder*, upload this zip (Zip file upload).
2. Under *Autograder Settings*, choose the container size and timeout below.
3. Gradescope runs `setup.sh` once to build the image ({installs}), then
   `run_autograder` for each submission, which writes `results.json` with every
   check (the hidden ones are shown after the grades are published).

## Container

{sizing}

Each check runs in a sandboxed worker limited to {seconds_per_test} and {memory_mb} MB
({rlimit}); a check that goes over scores 0 with a message. The {checks} checks together
have a budget of {budget:g} s: when it is spent, the checks still waiting score 0 with a
message saying so, so a submission that hangs in every check is graded within
{worst_minutes} minutes (the budget and the grader's start): {timeout}
"""

SIZING_MEASURED = """\
Grading the reference solution needs about {memory_mb} MB and {seconds:g} s; choose a Gradescope
container of at least {recommended} of memory (Gradescope's default, 768 MB, is {default_verdict}).
{memory_mb} MB is the peak resident memory summed over the grader's processes (the grader and
its sandboxed workers, polled every 20 ms), {seconds:g} s the wall time ({cpu_seconds:g} s of CPU
time), measured by `grader measure {id} --write` on {measured_on}. At Gradescope's default
1/2 vCPU expect about {half_cpu_seconds:g} s per submission."""

SIZING_UNMEASURED = """\
Not measured yet: run `grader measure {id} --write`, then `grader build {id}`, and this
section will say how much memory and time grading the reference takes."""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for each submission. GRADER_AUTOGRADER_ROOT moves /autograder (for tests).
ROOT="${{GRADER_AUTOGRADER_ROOT:-/autograder}}"
export GRADER_HOME="$ROOT/source"  # where solutions/{id}/ is
PYTHON="$ROOT/venv/bin/python"
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
cd "$ROOT"
# -I: the package comes from the installed copy, never from the current folder.
"$PYTHON" -I -m grader.cli grade {id} "$ROOT/submission" --out "$RESULTS"
status=$?
# Any score is a success; only a run that wrote no results is a failure Gradescope should show.
[ -s "$RESULTS" ] && exit 0
exit "$status"
"""


def build_autograder(assignment, dist=None):
    """Write DIST/ID-autograder.zip for `assignment`; returns its path."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", assignment.id):
        raise ValueError(f"assignment id {assignment.id!r} cannot be used in a shell script")
    dist = Path(dist or paths.DIST)
    dist.mkdir(parents=True, exist_ok=True)
    target = dist / f"{assignment.id}-autograder.zip"
    temporary = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        add_text(archive, "setup.sh", setup_script(assignment), executable=True)
        add_text(archive, "run_autograder", RUN_AUTOGRADER.format(id=assignment.id), executable=True)
        add_text(archive, "README.md", autograder_readme(assignment))
        package = Path(__file__).resolve().parent
        add_file(archive, PYPROJECT, "pyproject.toml")
        add_file(archive, PYPROJECT.with_name("MANIFEST.in"), "MANIFEST.in")  # grader/checks/pytest.ini
        add_tree(archive, package, "grader")
        add_tree(archive, Path(assignment.directory), f"solutions/{assignment.id}")
    os.replace(temporary, target)
    return target


def recommended_memory_mb(measured_mb):
    """The measured peak with headroom, rounded up to half a GB."""
    return math.ceil(measured_mb * MEMORY_HEADROOM / 512) * 512


def sizing(assignment):
    """The README's sentences on memory and time: from [gradescope] in assignment.toml, or how to get them."""
    measured = assignment.gradescope
    if "memory_mb_measured" not in measured or "seconds_measured" not in measured:
        return SIZING_UNMEASURED.format(id=assignment.id)
    memory_mb, seconds = int(measured["memory_mb_measured"]), float(measured["seconds_measured"])
    cpu_seconds = float(measured.get("cpu_seconds_measured", seconds))
    recommended = recommended_memory_mb(memory_mb)
    return SIZING_MEASURED.format(
        id=assignment.id, memory_mb=memory_mb, seconds=seconds, cpu_seconds=cpu_seconds,
        measured_on=measured.get("measured_on", "the course's machine"),
        recommended=f"{recommended / 1024:g} GB",
        default_verdict="enough" if recommended <= GRADESCOPE_DEFAULT_MB else "too small",
        half_cpu_seconds=round(max(seconds, 2 * cpu_seconds)))


def autograder_readme(assignment):
    """README.md of the zip: how to set the autograder up, and the container it needs."""
    checks = len(assignment.checks())
    worst_minutes = math.ceil((assignment.seconds_total + START_MARGIN_S) / 60)
    own = sorted({p.seconds_per_test for p in assignment.parts.values() if p.seconds_per_test})
    seconds_per_test = f"{assignment.limits.seconds_per_test:g} s" + \
        (f" (some parts {', '.join(f'{s:g}' for s in own)} s)" if own else "")
    if worst_minutes <= 10:
        timeout = "Gradescope's default timeout of 10 minutes covers that."
    elif worst_minutes <= GRADESCOPE_MAX_TIMEOUT_MIN:
        timeout = f"set the timeout to {worst_minutes} minutes."
    else:
        timeout = (f"set the timeout to Gradescope's maximum, {GRADESCOPE_MAX_TIMEOUT_MIN} minutes; a submission "
                   "that hangs everywhere is stopped there and scores 0.")
    rlimit = ("private writable memory, with a watchdog on resident memory"
              if assignment.limits.memory_rlimit == "data" else "address space")
    wanted = requirements(assignment)
    plain = [f"`{spec}`" for spec in wanted if package_name(spec) not in TORCH_PACKAGES]
    torch = [f"`{spec}`" for spec in wanted if package_name(spec) in TORCH_PACKAGES]
    installs = "Python 3.11 or later, " + ", ".join(plain)
    if torch:
        installs += ", and PyTorch's CPU build: " + ", ".join(torch)
    return README_MD.format(id=assignment.id, title=assignment.title, installs=installs,
                            sizing=sizing(assignment), seconds_per_test=seconds_per_test,
                            budget=assignment.seconds_total,
                            memory_mb=assignment.limits.memory_mb, rlimit=rlimit, checks=checks,
                            worst_minutes=worst_minutes, timeout=timeout)


def setup_script(assignment):
    """setup.sh with the pip installs this assignment needs, versions as pyproject.toml allows."""
    wanted = requirements(assignment)
    plain = [spec for spec in wanted if package_name(spec) not in TORCH_PACKAGES]
    torch = [spec for spec in wanted if package_name(spec) in TORCH_PACKAGES]
    lines = [f'"$ROOT/venv/bin/pip" install --no-cache-dir {quote_all(plain)}']
    if torch:  # Gradescope has no GPU: the CPU wheels, a fraction of the CUDA build's size
        lines.append(f'"$ROOT/venv/bin/pip" install --no-cache-dir {quote_all(torch)} --index-url {TORCH_CPU_INDEX}')
    return SETUP_SH.format(installs="\n".join(lines))


def requirements(assignment):
    """What grading this assignment imports: pyproject.toml's [project] dependencies; torch and
    torchvision where its code imports them, pinned to the release pyproject.toml allows; scikit-learn
    where its checks train on the bundled digits. Other versions as pyproject.toml declares them.
    (The handout's README names the extras that hold these: grader.distribution.extras_for.)"""
    imported = imported_packages(grading_sources(assignment))
    core, optional = declared_requirements()
    names = [package_name(d) for d in core] + [p for p in TORCH_PACKAGES if p in imported]
    if "sklearn" in imported or any(name.startswith(DIGITS_USERS) for name in imported):
        names.append("scikit-learn")
    specs = {package_name(d): d.replace(" ", "") for d in [*core, *(d for ds in optional.values() for d in ds)]}
    return [pinned(specs.get(name, name)) if name in TORCH_PACKAGES else specs.get(name, name) for name in names]


def declared_requirements():
    """pyproject.toml's ([project] dependencies, {extra: its dependencies})."""
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    return project["dependencies"], project.get("optional-dependencies", {})


def pinned(spec):
    """'torch<=2.14.1' or 'torch==2.14.1' -> 'torch==2.14.1': the release the course is built with."""
    found = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:<=|==)([0-9][A-Za-z0-9.+]*)", spec)
    if not found:
        raise ValueError(f"pyproject.toml must pin {package_name(spec)} with == or bound it with <= "
                         f"(the Gradescope image installs that release), got {spec!r}")
    return f"{found[1]}=={found[2]}"


def package_name(spec):
    """'numpy>=1.24' -> 'numpy'."""
    return re.split(r"[<>=!~ \[;]", spec, maxsplit=1)[0].lower()


def grading_sources(assignment):
    """The .py files grading runs: the reference, the checks and the worker code (not experiments)."""
    worker = sorted(assignment.worker_code.glob("*.py")) if assignment.worker_code.is_dir() else []
    return [assignment.directory / name for name in assignment.files] + assignment.check_files() + worker


def imported_packages(sources):
    """The modules imported by the .py files `sources`: top-level names ('torch') and, for
    imports from this package, the dotted ones too ('grader.datasets.cifar10')."""
    found = set()
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found.add(alias.name.split(".")[0])
                    found.add(alias.name)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def quote_all(words):
    return " ".join(f'"{w}"' for w in words)


def add_tree(archive, folder, name):
    """Every file under `folder` as `name/...`, sorted, without caches and dotfiles."""
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(p in SKIPPED or p.startswith(".") for p in relative.parts) \
                or path.suffix == ".pyc" or path.name.endswith(".partial") or not path.is_file():
            continue
        add_file(archive, path, f"{name}/{relative.as_posix()}")


def add_file(archive, path, name):
    add_text(archive, name, path.read_bytes(), executable=os.access(path, os.X_OK))


def add_text(archive, name, content, executable=False):
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    archive.writestr(info, content)
