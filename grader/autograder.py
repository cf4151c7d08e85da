"""The Gradescope autograder: dist/ID-autograder.zip.

Gradescope unpacks the zip to /autograder/source and runs setup.sh there once,
as root, to build its image; then, for each submission, run_autograder with
the student's files in /autograder/submission, expecting
/autograder/results/results.json. The zip holds this package, pyproject.toml
and solutions/ID/ (reference and tests, hidden ones included) and nothing else.
"""
import ast
import os
import re
import tomllib
import zipfile
from pathlib import Path

from grader import paths

# What grading needs; the rest of the project's dependencies (plots, data sets) serve experiments.
BASE_REQUIREMENTS = ["numpy", "nbformat", "jinja2", "click", "tqdm"]
TORCH_PACKAGES = ["torch", "torchvision"]
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
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
        package = Path(__file__).resolve().parent
        add_file(archive, package.parent / "pyproject.toml", "pyproject.toml")
        add_tree(archive, package, "grader")
        add_tree(archive, Path(assignment.directory), f"solutions/{assignment.id}")
    os.replace(temporary, target)
    return target


def setup_script(assignment):
    """setup.sh with the pip installs this assignment needs, versions as pyproject.toml allows."""
    wanted = requirements(assignment)
    plain = [spec for spec in wanted if package_name(spec) not in TORCH_PACKAGES]
    torch = [spec for spec in wanted if package_name(spec) in TORCH_PACKAGES]
    lines = [f'"$ROOT/venv/bin/pip" install --no-cache-dir {quote_all(plain)}']
    if torch:  # Gradescope has no GPU: the CPU wheels are a fraction of the size
        lines.append(f'"$ROOT/venv/bin/pip" install --no-cache-dir --index-url {TORCH_CPU_INDEX} '
                     f'{quote_all(torch)}')
    return SETUP_SH.format(installs="\n".join(lines))


def requirements(assignment):
    """BASE_REQUIREMENTS, plus torch and torchvision where the assignment's code imports them."""
    imported = imported_packages(Path(assignment.directory))
    names = BASE_REQUIREMENTS + [p for p in TORCH_PACKAGES if p in imported]
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    specs = {package_name(d): d.replace(" ", "") for d in declared}
    return [specs.get(name, name) for name in names]


def package_name(spec):
    """'numpy>=1.24' -> 'numpy'."""
    return re.split(r"[<>=!~ \[;]", spec, maxsplit=1)[0].lower()


def imported_packages(directory):
    """Top-level names of the modules imported by the .py files in `directory`."""
    found = set()
    for source in sorted(directory.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
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
