"""`grader gradebook`: one CSV row per student, in parallel, resumable after kill -9."""
import csv
import dataclasses
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile

import pytest

from grader import assignments, paths
from grader.gradebook import GradebookError, columns, grade_in_child, results_folder, run_gradebook, students

REFERENCE = paths.SOLUTIONS / "mlp_numpy"


@pytest.fixture(scope="module")
def assignment():
    return assignments.load("mlp_numpy")


def reference_folder(folder):
    folder.mkdir(parents=True)
    for name in ("mlp.py", "answers.py"):
        shutil.copy(REFERENCE / name, folder / name)
    return folder


def reference_zip(path):
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("mlp.py", "answers.py"):
            archive.write(REFERENCE / name, name)
    return path


def class_of_four(root):
    """alice: the reference; bob: mlp.py broken; carol: the reference zipped; dave: a broken zip."""
    submissions = root / "submissions"
    reference_folder(submissions / "alice")
    (reference_folder(submissions / "bob") / "mlp.py").write_text("def broken(:\n")
    reference_zip(submissions / "carol.zip")
    (submissions / "dave.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    return submissions


def read_rows(csv_path):
    with open(csv_path, newline="") as stream:
        header, *rows = list(csv.reader(stream))
    return header, {row[0]: dict(zip(header, row)) for row in rows}, [row[0] for row in rows]


@pytest.fixture(scope="module")
def graded(tmp_path_factory, assignment):
    root = tmp_path_factory.mktemp("gradebook")
    submissions = class_of_four(root)
    summary = run_gradebook(assignment, submissions, root / "grades.csv", jobs=2, progress=False)
    return root, submissions, summary


def test_every_student_gets_exactly_one_row(graded, assignment):
    root, _, summary = graded
    header, rows, order = read_rows(root / "grades.csv")
    assert header == columns(assignment)
    assert order == ["alice", "bob", "carol", "dave"]  # by student, whatever order they finished in
    assert summary.graded == 4 and summary.already == 0


def test_columns_are_total_max_then_parts_in_check_order(assignment):
    header = columns(assignment)
    assert header[:3] == ["student", "total", "max"]
    parts = [c.part or c.name for c in assignment.checks()]
    assert header[3:] == sorted(set(parts), key=parts.index)


def test_the_reference_scores_full_marks_in_every_part(graded, assignment):
    root, _, _ = graded
    _, rows, _ = read_rows(root / "grades.csv")
    full = f"{assignment.points():g}"
    for student in ("alice", "carol"):
        assert rows[student]["total"] == rows[student]["max"] == full
    by_part = {}
    for check in assignment.checks():
        part = check.part or check.name
        by_part[part] = by_part.get(part, 0) + check.points
    assert {p: float(rows["alice"][p]) for p in by_part} == pytest.approx(by_part)


def test_a_broken_file_costs_only_the_parts_that_need_it(graded, assignment):
    root, _, _ = graded
    _, rows, _ = read_rows(root / "grades.csv")
    bob = rows["bob"]
    assert bob["max"] == f"{assignment.points():g}"
    assert bob["LinearMap"] == "0"  # lives in mlp.py
    assert 0 < float(bob["total"]) < assignment.points()  # answers.py still counts


def test_a_broken_zip_gets_a_row_of_zeros_saying_why(graded, assignment):
    root, _, _ = graded
    _, rows, _ = read_rows(root / "grades.csv")
    assert rows["dave"]["total"] == "0" and rows["dave"]["max"] == f"{assignment.points():g}"
    dave = json.loads((root / "grades.results" / "dave.json").read_text())
    assert "not a readable zip" in dave["output"]


def test_a_grader_that_crashes_still_yields_zeros_saying_so(tmp_path, assignment):
    unknown = dataclasses.replace(assignment, id="no_such_assignment")  # the child cannot load it
    result = tmp_path / "alice.json"
    data = grade_in_child(unknown, reference_folder(tmp_path / "alice"), result, slot=1, hide=[])
    assert data["score"] == 0 and len(data["tests"]) == len(assignment.checks())
    assert "the grader failed on this submission (exit code 1" in data["output"]
    assert json.loads(result.read_text()) == data


def test_each_students_results_json_is_private(graded):
    root, _, _ = graded
    for student in ("alice", "bob", "carol", "dave"):
        mode = stat.S_IMODE(os.stat(root / "grades.results" / f"{student}.json").st_mode)
        assert mode == 0o600
    assert stat.S_IMODE(os.stat(root / "grades.csv").st_mode) == 0o600


def test_a_second_run_grades_nobody_again(graded, assignment):
    root, submissions, _ = graded
    before = (root / "grades.csv").read_bytes()
    summary = run_gradebook(assignment, submissions, root / "grades.csv", jobs=2, progress=False)
    assert (summary.graded, summary.already) == (0, 4)
    assert (root / "grades.csv").read_bytes() == before


def test_a_torn_last_line_is_dropped_and_its_student_regraded(tmp_path, assignment):
    submissions = tmp_path / "submissions"
    reference_folder(submissions / "alice")
    reference_folder(submissions / "bob")
    out = tmp_path / "grades.csv"
    full = f"{assignment.points():g}"
    header = ",".join(columns(assignment))
    out.write_text(f"{header}\nalice,{full},{full}" + ",0" * (len(columns(assignment)) - 3) + "\nbob,4")
    summary = run_gradebook(assignment, submissions, out, jobs=1, progress=False)
    assert summary.graded == 1
    _, rows, order = read_rows(out)
    assert order == ["alice", "bob"] and rows["bob"]["total"] == full


def test_a_csv_with_other_columns_is_refused(tmp_path, assignment):
    reference_folder(tmp_path / "submissions" / "alice")
    out = tmp_path / "grades.csv"
    out.write_text("student,total,max,something else\n")
    with pytest.raises(GradebookError, match="choose another --out"):
        run_gradebook(assignment, tmp_path / "submissions", out, progress=False)


def test_entries_that_are_not_submissions_are_ignored(tmp_path, assignment):
    submissions = tmp_path / "submissions"
    reference_folder(submissions / "alice")
    reference_zip(submissions / "alice.zip")  # a second entry for alice
    (submissions / "notes.txt").write_text("not a submission")
    (submissions / ".DS_Store").write_text("")
    summary = run_gradebook(assignment, submissions, tmp_path / "grades.csv", progress=False)
    assert summary.graded == 1
    assert sorted(summary.ignored) == [".DS_Store", "alice.zip", "notes.txt"]


def test_the_gradebooks_own_files_among_the_submissions_are_no_students(tmp_path):
    reference_folder(tmp_path / "alice")
    (tmp_path / "grades.csv").write_text("")
    (tmp_path / "grades.results").mkdir()
    found, ignored = students(tmp_path, own=(tmp_path / "grades.csv", tmp_path / "grades.results"))
    assert list(found) == ["alice"] and ignored == []


def test_kill_9_then_restart_leaves_every_student_once_with_the_right_score(tmp_path, assignment):
    submissions = tmp_path / "submissions"
    students = [f"student{i}" for i in range(6)]
    for student in students[:-1]:
        reference_folder(submissions / student)
    (reference_folder(submissions / students[-1]) / "mlp.py").write_text("raise SystemExit\n")
    out = tmp_path / "grades.csv"
    command = [sys.executable, "-m", "grader.cli", "gradebook", "mlp_numpy", str(submissions),
               "--out", str(out), "--jobs", "1"]
    first = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and first.poll() is None and \
            (not out.exists() or out.read_bytes().count(b"\n") < 2):
        time.sleep(0.01)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert out.read_bytes().count(b"\n") - 1 < len(students), "killed too late to test a restart"

    subprocess.run(command[:-1] + ["3"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, rows, order = read_rows(out)
    assert sorted(order) == students
    full = f"{assignment.points():g}"
    assert all(rows[s]["total"] == full for s in students[:-1])
    assert float(rows[students[-1]]["total"]) < assignment.points()


# -- order, --regrade, where results.json goes ---------------------------------------------------


def full_row(assignment, student):
    full = f"{assignment.points():g}"
    return f"{student},{full},{full}" + ",0" * (len(columns(assignment)) - 3)


def test_a_resumed_csv_out_of_order_is_sorted_by_student(tmp_path, assignment):
    submissions = tmp_path / "submissions"
    for student in ("carol", "alice", "bob"):
        reference_folder(submissions / student)
    out = tmp_path / "grades.csv"
    header = ",".join(columns(assignment))
    out.write_text(f"{header}\n{full_row(assignment, 'carol')}\n{full_row(assignment, 'alice')}\n"
                   f"{full_row(assignment, 'bob')}\n")
    summary = run_gradebook(assignment, submissions, out, progress=False)
    assert (summary.graded, summary.already) == (0, 3)
    _, _, order = read_rows(out)
    assert order == ["alice", "bob", "carol"]
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600 and not (tmp_path / "grades.csv.partial").exists()


def test_regrade_grades_the_named_students_again_and_replaces_their_rows(tmp_path, assignment):
    submissions = tmp_path / "submissions"
    reference_folder(submissions / "alice")
    (reference_folder(submissions / "bob") / "mlp.py").write_text("def broken(:\n")
    out = tmp_path / "grades.csv"
    run_gradebook(assignment, submissions, out, progress=False)
    _, before, _ = read_rows(out)
    assert before["bob"]["total"] != before["bob"]["max"]
    alice_line = [line for line in out.read_text().splitlines() if line.startswith("alice,")]

    shutil.copy(REFERENCE / "mlp.py", submissions / "bob" / "mlp.py")  # bob's fixed submission
    summary = run_gradebook(assignment, submissions, out, progress=False, regrade=["bob"])
    assert (summary.graded, summary.regraded, summary.already) == (1, 1, 1)
    _, after, order = read_rows(out)
    assert order == ["alice", "bob"]  # one row each, in order
    assert after["bob"]["total"] == after["bob"]["max"] == f"{assignment.points():g}"
    assert [line for line in out.read_text().splitlines() if line.startswith("alice,")] == alice_line
    bob = json.loads((tmp_path / "grades.results" / "bob.json").read_text())
    assert bob["score"] == assignment.points()


def test_regrade_of_a_student_without_a_submission_is_refused(tmp_path, assignment):
    reference_folder(tmp_path / "submissions" / "alice")
    out = tmp_path / "grades.csv"
    with pytest.raises(GradebookError, match="--regrade zed: no such student"):
        run_gradebook(assignment, tmp_path / "submissions", out, progress=False, regrade=["zed"])
    assert not out.exists()


def gradebook_command(*args, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "GRADER_"))}
    return subprocess.run([sys.executable, "-m", "grader.cli", "gradebook", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_command_line_regrades_each_student_named_and_says_where_results_go(tmp_path):
    submissions = tmp_path / "submissions"
    for student in ("alice", "bob", "carol"):
        reference_folder(submissions / student)
    first = gradebook_command("mlp_numpy", submissions, "--jobs", "2", cwd=tmp_path)  # --out: grades.csv here
    assert first.returncode == 0, first.stderr
    assert "3 graded now, 0 already in grades.csv; results.json files in grades.results/" in first.stdout
    again = gradebook_command("mlp_numpy", submissions, "--regrade", "carol", "--regrade", "alice", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "2 graded now (2 regraded), 1 already in grades.csv" in again.stdout
    _, rows, order = read_rows(tmp_path / "grades.csv")
    assert order == ["alice", "bob", "carol"]


def test_help_says_where_the_results_json_files_really_go(tmp_path):
    help_text = " ".join(gradebook_command("--help", cwd=tmp_path).stdout.split())
    assert "grades.csv: grades.results/STUDENT.json" in help_text
    assert "named as OUT with '.results' for its extension" in help_text
    assert results_folder(tmp_path / "grades.csv") == tmp_path / "grades.results"
    assert results_folder(tmp_path / "marks") == tmp_path / "marks.results"
    assert results_folder(tmp_path / "fall.2026.csv") == tmp_path / "fall.2026.results"
    # and the gradebook writes them there
    reference_folder(tmp_path / "submissions" / "alice")
    done = gradebook_command("mlp_numpy", tmp_path / "submissions", "--out", tmp_path / "marks", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "marks.results" / "alice.json").read_text())["tests"]
