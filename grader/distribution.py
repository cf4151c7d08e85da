"""What a student gets: dist/ID-handout.zip, the handout and the checker as a wheel.

    ID/README.md  ID/pytest.ini  ID/<stubs>  [ID/<notebooks>]  ID/tests/...   (assignments/ID/)
    ID/course_grader-VERSION-py3-none-any.whl                                 (this package)

The wheel is built offline from this checkout's pyproject.toml, MANIFEST.in and grader/
alone (setuptools' build_meta in a staging copy, so the checkout gets no build/ or
egg-info): no solutions/, hence no reference code and no hidden check. Its core
dependencies are what a numpy assignment's checks need; the extras in pyproject.toml
add PyTorch or scikit-learn, and the README names those the assignment's checks need
(`extras_for`, from the same reading of its imports as the Gradescope setup).
"""
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

from grader import paths
from grader.autograder import (PYPROJECT, TORCH_CPU_INDEX, TORCH_PACKAGES, add_text, declared_requirements,
                               package_name, pinned, requirements)

CHECKOUT = PYPROJECT.parent
SOURCE_DATE_EPOCH = "315532800"  # 1980-01-01, as in the zips: the same sources give the same wheel
EVERY_EXTRA = "all"  # the project's own setup


class DistributionError(RuntimeError):
    """The wheel cannot be built, or the handout zip would hold what it must not."""


def project():
    return tomllib.loads(PYPROJECT.read_text())["project"]


def wheel_name():
    """course_grader-0.1.0-py3-none-any.whl: the file name setuptools gives this package's wheel."""
    meta = project()
    return f"{re.sub(r'[-_.]+', '_', meta['name']).lower()}-{meta['version']}-py3-none-any.whl"


def python_version():
    """'3.11' from requires-python '>=3.11'."""
    found = re.fullmatch(r"\s*>=\s*([0-9.]+)\s*", project().get("requires-python", ""))
    if not found:
        raise DistributionError(f"pyproject.toml: requires-python must read '>=X.Y', "
                                f"got {project().get('requires-python')!r}")
    return found[1]


def extras_for(assignment):
    """The extras of pyproject.toml the assignment's checks and reference need (those holding the
    packages `grader.autograder.requirements` adds to the core ones), smallest first, sorted."""
    core, optional = declared_requirements()
    have = {package_name(d) for d in core}
    chosen = []
    for name in (package_name(spec) for spec in requirements(assignment)):
        if name in have:
            continue
        holding = sorted((extra for extra, specs in optional.items()
                          if extra != EVERY_EXTRA and name in {package_name(s) for s in specs}),
                         key=lambda extra: (len(optional[extra]), extra))
        if not holding:
            raise DistributionError(f"pyproject.toml: no extra holds {name}, which {assignment.id}'s checks import")
        chosen.append(holding[0])
        have.update(package_name(s) for s in optional[holding[0]])
    return sorted(chosen)


def install_command(assignment):
    """The one command the handout's README gives: pip install of the wheel beside it, with its extras."""
    extras = extras_for(assignment)
    if not extras:
        return f"pip install ./{wheel_name()}"
    return f'pip install "./{wheel_name()}[{",".join(extras)}]"'


def install_facts(assignment):
    """What the README says of the install: the Python version, the wheel, what gets installed."""
    core, optional = declared_requirements()
    extras = extras_for(assignment)
    added = []
    for extra in extras:
        added += [spec for spec in optional[extra] if spec not in added]
    return {"python": python_version(), "wheel": wheel_name(), "extras": extras, "torch_index": TORCH_CPU_INDEX,
            "packages": and_list([package_name(d) for d in core]),
            "extra_packages": and_list([pretty(spec) for spec in added]),
            "torch_cpu": " ".join(f'"{pinned(s)}"' for s in added if package_name(s) in TORCH_PACKAGES)}


def pretty(spec):
    """'torch<=2.14.1' -> 'torch 2.14.1 or older'; 'scikit-learn>=1.3' -> 'scikit-learn'."""
    found = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(<=|==)\s*([0-9][A-Za-z0-9.+]*)", spec)
    if not found:
        return package_name(spec)
    return f"{found[1]} {found[3]}" + (" or older" if found[2] == "<=" else "")


def and_list(words):
    words = list(words)
    return ", ".join(words[:-1]) + f" and {words[-1]}" if len(words) > 1 else "".join(words)


# ------------------------------------------------------------------ the wheel ---

def build_wheel(out_dir):
    """Build this package's wheel into out_dir, offline; returns its path."""
    if importlib.util.find_spec("setuptools") is None:
        raise DistributionError("building the checker's wheel needs setuptools in this Python: "
                                "pip install 'setuptools>=68'")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="grader-wheel-") as scratch:
        staging = Path(scratch) / "source"
        staging.mkdir()
        for name in ("pyproject.toml", "MANIFEST.in"):
            shutil.copy2(CHECKOUT / name, staging / name)
        shutil.copytree(CHECKOUT / "grader", staging / "grader",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "*.partial"))
        built = Path(scratch) / "wheel"
        script = ("import sys\nfrom setuptools import build_meta\n"
                  "print(build_meta.build_wheel(sys.argv[1]))\n")
        env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PYTHONDONTWRITEBYTECODE": "1"}
        try:
            done = subprocess.run([sys.executable, "-c", script, str(built)], cwd=staging, env=env,
                                  capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            raise DistributionError("building the wheel took over 300 s") from None
        if done.returncode != 0:
            said = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no message"]
            raise DistributionError(f"building the checker's wheel failed: {said[0]}")
        wheel = built / done.stdout.strip().splitlines()[-1]
        check_wheel(wheel)
        target = out_dir / wheel.name
        shutil.copy(wheel, target)
    return target


def check_wheel(wheel):
    """The wheel holds this package and its metadata, and nothing of any assignment's."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    stray = [n for n in names if not (n.startswith("grader/") or n.split("/")[0].endswith(".dist-info"))]
    if stray or "grader/checks/pytest.ini" not in names:
        raise DistributionError(f"{wheel.name}: unexpected files {stray[:5]}" if stray else
                                f"{wheel.name}: grader/checks/pytest.ini is missing (MANIFEST.in)")


# ------------------------------------------------------------------ the zip ---

def build_handout_zip(assignment, dist=None, wheel=None, files=None):
    """Write DIST/ID-handout.zip, all under ID/: the handout (`files`, {path in the handout: text or
    bytes}, as `grader build` wrote them to assignments/ID/; rendered here if not given) and the
    wheel (built here unless given); returns its path."""
    if files is None:
        from grader.handout import render_files
        files = render_files(assignment)
    dist = Path(dist or paths.DIST)
    dist.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="grader-wheel-") as scratch:
        wheel = Path(wheel) if wheel is not None else build_wheel(scratch)
        if wheel.name != wheel_name():
            raise DistributionError(f"{wheel.name}: the README installs {wheel_name()}")
        if wheel.name in files:
            raise DistributionError(f"the handout of {assignment.id} has a file named like the wheel, {wheel.name}")
        target = dist / f"{assignment.id}-handout.zip"
        temporary = target.with_name(target.name + ".partial")
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for relative, content in sorted(files.items()):
                data = content.encode("utf-8") if isinstance(content, str) else content
                add_text(archive, f"{assignment.id}/{relative}", data)
            add_text(archive, f"{assignment.id}/{wheel.name}", wheel.read_bytes())
        os.replace(temporary, target)
    return target
