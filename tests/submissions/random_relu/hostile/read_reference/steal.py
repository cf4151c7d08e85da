"""Hostile helper: looks everywhere for the reference solution of ASSIGNMENT, and runs it if found.

The submission's files call take(stem, signs, namespace). Routes tried: the grader
package's own folder, GRADER_HOME, every folder above the working folder, the
Gradescope layout, /proc (the parent's and PID 1's cwd, root and environment),
the course repository's git objects, the built autograder zips, and the project's
test fixtures. Whatever could be read is printed (so a leak would show in the
results) and, if it is the reference, used.
"""
import glob
import json
import os
import zipfile
import zlib

ASSIGNMENT = "random_relu"
STEMS = ("answers", "gates", "backprop", "modules", "sign_network", "tests_hidden")
report = []


def _read(path):
    try:
        with open(path, "rb") as stream:
            data = stream.read(1 << 20)
    except OSError as error:
        report.append(f"DENIED {path}: {error.strerror}")
        return None
    report.append(f"READ {path}: {data[:200]!r}")
    return data.decode("utf-8", "replace")


def _listdir(path):
    try:
        names = os.listdir(path)
    except OSError as error:
        report.append(f"DENIED listing {path}: {error.strerror}")
        return []
    report.append(f"LISTED {path}: {sorted(names)[:20]}")
    return names


def _roots():
    """Folders that may be the course repository or GRADER_HOME."""
    roots = []
    try:
        import grader
        roots.append(os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__))))
    except ImportError as error:
        report.append(f"no grader package: {error}")
    if os.environ.get("GRADER_HOME"):
        roots.append(os.environ["GRADER_HOME"])
    folder = os.getcwd()
    while True:
        roots.append(folder)
        if folder == os.path.dirname(folder):
            break
        folder = os.path.dirname(folder)
    roots += ["/autograder/source", "/autograder"]
    for pid in {str(os.getppid()), "1", *[p for p in _listdir("/proc") if p.isdigit()]}:
        roots += [f"/proc/{pid}/cwd", f"/proc/{pid}/root/work/main"]
        environ = _read(f"/proc/{pid}/environ")
        for item in (environ or "").split("\0"):
            if item.startswith("GRADER_HOME="):
                roots.append(item.split("=", 1)[1])
    return list(dict.fromkeys(roots))


def _candidates():
    """(path, text) of every file that might hold the reference."""
    for root in _roots():
        _listdir(root)
        for stem in STEMS:
            path = os.path.join(root, "solutions", ASSIGNMENT, f"{stem}.py")
            text = _read(path)
            if text:
                yield path, text
        for path in glob.glob(os.path.join(root, ".git", "objects", "??", "*")):
            try:
                with open(path, "rb") as stream:
                    text = zlib.decompress(stream.read()).decode("utf-8", "replace")
                text = text.split("\0", 1)[-1]  # "blob SIZE\0" comes first
            except (OSError, zlib.error) as error:
                report.append(f"DENIED {path}: {error}")
                continue
            report.append(f"READ git object {path}: {text[:120]!r}")
            yield path, text
        for path in glob.glob(os.path.join(root, "dist", "*.zip")):
            try:
                with zipfile.ZipFile(path) as archive:
                    for name in archive.namelist():
                        if name.endswith(".py"):
                            text = archive.read(name).decode("utf-8", "replace")
                            report.append(f"READ {path}!{name}: {text[:120]!r}")
                            yield f"{path}!{name}", text
            except (OSError, zipfile.BadZipFile) as error:
                report.append(f"DENIED {path}: {error}")
        for path in glob.glob(os.path.join(root, "tests", "submissions", "**", "*.py"), recursive=True):
            text = _read(path)
            if text:
                yield path, text


def _looks_like(text, signs):
    return all(sign in text for sign in signs)


def take(stem, signs, namespace):
    """Fill `namespace` with the reference's `stem`.py if found; print what was read and denied."""
    found = False
    for path, text in _candidates():
        if _looks_like(text, signs):
            report.append(f"FOUND the reference in {path}")
            exec(compile(text, path, "exec"), namespace)
            found = True
            break
    found_lines = [line for line in report if not line.startswith("DENIED")]
    denied = [line for line in report if line.startswith("DENIED")]
    print(json.dumps({"stem": stem, "read": found_lines, "denied": denied}, indent=0))
    report.clear()
    return found
