"""Example submissions stored as diffs: they apply exactly, and a stale diff says where."""
import pytest

from grader.corpus import CorpusError, apply_diff, submission_files

BASE = "a = 1\nb = 2\nc = 3\n"
DIFF = "--- _base/x.py\n+++ bug/x.py\n@@ -1,3 +1,3 @@\n a = 1\n-b = 2\n+b = 20\n c = 3\n"


def test_a_diff_applies_to_its_base():
    assert apply_diff(BASE, DIFF, "bug/x.py.diff") == "a = 1\nb = 20\nc = 3\n"


def test_a_diff_that_no_longer_matches_its_base_names_the_line():
    with pytest.raises(CorpusError, match=r"bug/x.py.diff: line 2 of the base"):
        apply_diff(BASE.replace("b = 2", "b = 3"), DIFF, "bug/x.py.diff")


def test_a_folder_reads_whole_files_and_diffs_against_its_base(tmp_path):
    (tmp_path / "_base").mkdir()
    (tmp_path / "_base" / "x.py").write_text(BASE)
    (tmp_path / "bug").mkdir()
    (tmp_path / "bug" / "x.py.diff").write_text(DIFF)
    (tmp_path / "bug" / "y.py").write_text("y = 1\n")
    assert submission_files(tmp_path / "bug") == {"x.py": "a = 1\nb = 20\nc = 3\n", "y.py": "y = 1\n"}
