"""A grading run killed half-way leaves a valid results.json of what it finished."""
import json
import os
import signal
import subprocess
import sys
import time

from grader import assignments

ASSIGNMENT = assignments.load("mlp_numpy")


def slow_submission(folder):
    """The reference, with each LinearMap.forward taking 0.3 s: slow enough to kill mid-run."""
    for name in ASSIGNMENT.files:
        source = (ASSIGNMENT.directory / name).read_text()
        (folder / name).write_text(source.replace(
            "    def forward(self, x):\n", "    def forward(self, x):\n        __import__('time').sleep(0.3)\n"))


def test_killed_grading_leaves_the_finished_results(tmp_path):
    submission = tmp_path / "submission"
    submission.mkdir()
    slow_submission(submission)
    out = tmp_path / "results.json"
    grader = [sys.executable, "-m", "grader.cli", "grade", "mlp_numpy", str(submission), "--out", str(out)]
    process = subprocess.Popen(grader, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (out.exists() and json.loads(out.read_text())["tests"]):
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    data = json.loads(out.read_text())
    assert 1 <= len(data["tests"]) < len(ASSIGNMENT.checks()), "expected a partial, valid results file"
    assert data["score"] == sum(t["score"] for t in data["tests"])


def test_a_killed_graders_folder_is_removed_by_the_next_grader(tmp_path):
    import tempfile
    from pathlib import Path

    from grader.grading import grade
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    abandoned = Path(tempfile.gettempdir()) / f"grader-{dead}-abandoned"
    (abandoned / "submission").mkdir(parents=True)
    (abandoned / "submission" / "mlp.py").write_text("# an earlier student's work\n")
    submission = tmp_path / "submission"
    submission.mkdir()
    grade(ASSIGNMENT, submission)
    assert not abandoned.exists(), "a killed grader's copy of a submission was left for the next one"
