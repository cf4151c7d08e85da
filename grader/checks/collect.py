"""Finding checks as pytest does, with the options that keep pytest to the grader's own files.

pytest runs in the grader's trusted process: it loads no conftest.py, no plugin
from the environment (autoload off, PYTEST_ADDOPTS and PYTEST_PLUGINS ignored) and
no configuration file but an empty one, and it imports check files by path
without putting any folder on sys.path, so no submitted file can be imported.
"""
import contextlib
import os
import sys
import threading
from functools import lru_cache
from pathlib import Path

import pytest

from grader.checks.registry import Check, check_mark

EMPTY_CONFIG = Path(__file__).with_name("pytest.ini")
IGNORED_ENVIRONMENT = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")
# pytest's own plugins a grading has no use for: results come from the session, checks fail
# through expect() rather than assert (no rewriting), and each costs time in every grade.
UNUSED_PLUGINS = ("cacheprovider", "terminal", "stepwise", "doctest", "pastebin", "junitxml", "logging",
                  "unraisableexception", "threadexception", "setuponly", "setupplan")


def isolated_args(rootdir, files, *extra):
    """pytest's command line for the check `files` under `rootdir`."""
    skipped = [arg for plugin in UNUSED_PLUGINS for arg in ("-p", f"no:{plugin}")]
    return ["-c", str(EMPTY_CONFIG), "--rootdir", str(rootdir), "--noconftest", "--import-mode=importlib",
            "--assert=plain", *skipped, "-W", "ignore", *extra, *map(str, files)]


@contextlib.contextmanager
def plugin_environment():
    """No plugin autoload and no options from the environment while pytest runs."""
    saved = {k: os.environ.get(k) for k in (*IGNORED_ENVIRONMENT, "PYTEST_DISABLE_PLUGIN_AUTOLOAD")}
    for key in IGNORED_ENVIRONMENT:
        os.environ.pop(key, None)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# pytest.main is not thread-safe (sys.modules, os.environ, its own globals): one run at a time
# in a process. Graders that run side by side are processes (the gradebook's are).
ONE_RUN_AT_A_TIME = threading.RLock()


def run_pytest(rootdir, files, plugins, *extra):
    """pytest.main on the check `files`, isolated; its exit code."""
    with ONE_RUN_AT_A_TIME:
        forget_modules(files)
        try:
            with plugin_environment():
                return pytest.main(isolated_args(rootdir, files, *extra), plugins=list(plugins))
        finally:
            forget_modules(files)


def forget_modules(files):
    """Drop the check files' modules: pytest names them by path from the rootdir, and two
    assignments' tests_public.py would otherwise share one module."""
    paths = {Path(f).resolve() for f in files}
    names = {p.name for p in paths}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and os.path.basename(file) in names and Path(file).resolve() in paths:
            del sys.modules[name]


class CheckItems:
    """The hook that makes every function marked `check` a test, whatever its name."""

    def pytest_pycollect_makeitem(self, collector, name, obj):
        if check_mark(obj) is not None:
            return list(collector._genfunctions(name, obj))
        return None


def check_of(item, hidden_files=()):
    """The Check of a collected pytest item."""
    mark = check_mark(item.obj)
    name = mark.kwargs["name"]
    case = getattr(item, "callspec", None)
    if case is not None:
        name += f" [{case.id}]"
    return Check(id=item.nodeid, function=item.obj, name=name, points=mark.kwargs["points"],
                 part=mark.kwargs["part"], hidden=Path(item.path) in hidden_files)


class Collector(CheckItems):
    def __init__(self, hidden_files):
        self.hidden_files, self.checks, self.errors = hidden_files, [], []

    def pytest_collection_modifyitems(self, items):
        self.checks = [check_of(item, self.hidden_files) for item in items]

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(f"{report.nodeid}: {report.longreprtext.strip().splitlines()[-1]}")


class CollectionError(RuntimeError):
    """A check file that pytest cannot collect: the course's own bug."""


def collect_checks(files, rootdir):
    """[Check] of the check `files` (public first), in pytest's order; cached per file version."""
    stamps = tuple((str(f), f.stat().st_mtime_ns) for f in map(Path, files))
    return list(_collect(stamps, str(rootdir)))


@lru_cache(maxsize=32)
def _collect(stamps, rootdir):
    files = [Path(f) for f, _ in stamps]
    hidden = tuple(f for f in files[1:])
    collector = Collector(hidden)
    code = run_pytest(rootdir, files, [collector], "--collect-only")
    if code not in (0, 5) and not collector.errors:
        collector.errors.append(f"pytest could not collect {', '.join(map(str, files))} (exit {code})")
    if collector.errors:
        raise CollectionError("; ".join(collector.errors))
    return tuple(collector.checks)
