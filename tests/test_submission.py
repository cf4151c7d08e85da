"""Preparing submissions: folders, zips, notebooks, and hostile input."""
import os
import stat
import time
import zipfile

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader import submission
from grader.submission import SubmissionError, prepare_submission

EXPECTED = ["mlp.py", "answers.py"]
MLP = "def forward(x):\n    return 2 * x\n"
ANSWERS = "Q1 = True\n"


@pytest.fixture
def workdir(tmp_path):
    path = tmp_path / "grading" / "work"
    path.mkdir(parents=True)
    return path


def make_zip(path, members):
    """members: {name: text or bytes}, or a list of (ZipInfo or name, data)."""
    items = members.items() if isinstance(members, dict) else members
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items:
            zf.writestr(name, data)
    return path


def make_folder(path, files):
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    return path


def notebook(*cells):
    nb = new_notebook(cells=[new_markdown_cell("# Homework 1")]
                      + [new_code_cell(src) for src in cells])
    return nbformat.writes(nb)


def all_files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir())


def test_folder_copies_expected_helpers_and_data_but_not_other_files(tmp_path, workdir):
    src = make_folder(tmp_path / "sub", {
        "mlp.py": MLP, "answers.py": ANSWERS, "utils.py": "X = 1\n",
        "data/train.csv": "1,2\n", "report.pdf": "%PDF", ".DS_Store": "junk",
        "__pycache__/mlp.cpython-311.pyc": "junk"})
    got = prepare_submission(src, workdir, EXPECTED)
    assert all_files(workdir) == ["answers.py", "data/train.csv", "mlp.py", "utils.py"]
    assert (workdir / "mlp.py").read_text() == MLP
    assert got.present == EXPECTED and got.missing == []
    assert any("report.pdf" in n and "not needed" in n for n in got.notes)


def test_zip_with_files_at_top_level(tmp_path, workdir):
    src = make_zip(tmp_path / "submission.zip", {"mlp.py": MLP, "answers.py": ANSWERS})
    got = prepare_submission(src, workdir, EXPECTED)
    assert all_files(workdir) == ["answers.py", "mlp.py"]
    assert got.present == EXPECTED and got.notes == []


def test_zip_with_single_wrapping_folder_is_flattened(tmp_path, workdir):
    src = make_zip(tmp_path / "submission.zip", {
        "hw1/mlp.py": MLP, "hw1/answers.py": ANSWERS, "hw1/helpers/util.py": "",
        "__MACOSX/hw1/._mlp.py": "junk", "hw1/.DS_Store": "junk"})
    got = prepare_submission(src, workdir, EXPECTED)
    assert all_files(workdir) == ["answers.py", "helpers/util.py", "mlp.py"]
    assert got.missing == []
    assert any("hw1/" in n for n in got.notes)


def test_expected_file_in_another_folder_is_found_and_noted(tmp_path, workdir):
    src = make_zip(tmp_path / "submission.zip", {
        "answers.py": ANSWERS, "code/mlp.py": MLP, "code/mlp_utils.py": ""})
    got = prepare_submission(src, workdir, EXPECTED)
    assert (workdir / "mlp.py").read_text() == MLP
    assert (workdir / "mlp_utils.py").exists()  # mlp.py may import it
    assert "found mlp.py in folder code/ and used it" in got.notes


def test_file_that_is_a_zip_is_accepted_whatever_its_extension(tmp_path, workdir):
    src = make_zip(tmp_path / "upload.bin", {"mlp.py": MLP})
    got = prepare_submission(src, workdir, EXPECTED)
    assert got.present == ["mlp.py"] and got.missing == ["answers.py"]


def test_zip_inside_an_otherwise_empty_folder_is_unpacked(tmp_path, workdir):
    (tmp_path / "sub").mkdir()
    make_zip(tmp_path / "sub" / "hw1.zip", {"mlp.py": MLP, "answers.py": ANSWERS})
    got = prepare_submission(tmp_path / "sub", workdir, EXPECTED)
    assert got.present == EXPECTED


def test_single_python_file_is_accepted(tmp_path, workdir):
    (tmp_path / "mlp.py").write_text(MLP)
    got = prepare_submission(tmp_path / "mlp.py", workdir, EXPECTED)
    assert got.present == ["mlp.py"] and got.missing == ["answers.py"]


def test_zip_members_with_escaping_paths_never_land_outside(tmp_path):
    workdir = tmp_path / "a" / "b" / "work"
    workdir.mkdir(parents=True)
    evil = ["../evil.py", "../../evil2.py", "/abs.py", "..\\evil3.py",
            "C:/drive.py", "C:evil4.py", "hw/../../evil5.py", "\\\\server\\share\\unc.py"]
    src = make_zip(tmp_path / "submission.zip", {name: "BAD = 1\n" for name in evil}
                   | {"mlp.py": MLP})
    got = prepare_submission(src, workdir, EXPECTED)
    assert all_files(tmp_path) == ["a/b/work/mlp.py", "submission.zip"]
    assert not os.path.exists("/abs.py")
    assert any("unsafe path" in n and "../evil.py" in n for n in got.notes)


def test_backslashes_in_zip_names_are_folder_separators(tmp_path, workdir):
    src = make_zip(tmp_path / "submission.zip", {"hw1\\mlp.py": MLP, "hw1\\answers.py": ANSWERS})
    got = prepare_submission(src, workdir, EXPECTED)
    assert all_files(workdir) == ["answers.py", "mlp.py"]
    assert got.missing == []


def test_zip_symlink_member_is_not_created(tmp_path, workdir):
    link = zipfile.ZipInfo("mlp.py")
    link.create_system = 3  # unix
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    src = make_zip(tmp_path / "submission.zip", [(link, "/etc/passwd"), ("answers.py", ANSWERS)])
    got = prepare_submission(src, workdir, EXPECTED)
    assert not os.path.lexists(workdir / "mlp.py")
    assert got.missing == ["mlp.py"]
    assert any("symbolic link" in n and "mlp.py" in n for n in got.notes)


def test_zip_bomb_is_rejected_before_inflating(tmp_path, workdir, monkeypatch):
    path = tmp_path / "submission.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("data.npy", "w") as f:
            for _ in range(200):
                f.write(bytes(2**20))
    zf_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("inflated"))
    start = time.monotonic()
    with pytest.raises(SubmissionError) as err:
        prepare_submission(path, workdir, EXPECTED)
    assert time.monotonic() - start < 1
    monkeypatch.setattr(zipfile.ZipFile, "open", zf_open)
    assert str(err.value) == ("submission.zip: data.npy would unpack to 200.0 MB "
                              "(limit 50.0 MB in all)")
    assert all_files(workdir) == []


def test_zip_that_understates_a_size_is_stopped_while_streaming(tmp_path, workdir):
    path = make_zip(tmp_path / "submission.zip", {"data.npy": bytes(5 * 2**20)})
    raw = bytearray(path.read_bytes())
    central = raw.index(b"PK\x01\x02")
    raw[central + 24:central + 28] = (100).to_bytes(4, "little")  # declared size: 100
    path.write_bytes(bytes(raw))
    with pytest.raises(SubmissionError, match="not a readable zip file: data.npy"):
        prepare_submission(path, workdir, EXPECTED)
    assert all_files(workdir) == []


def test_streamed_bytes_are_capped_even_when_declared_sizes_pass(tmp_path, workdir,
                                                               monkeypatch):
    # Stands in for a header that lies in a way zipfile itself would not catch.
    monkeypatch.setattr(submission, "_check_caps", lambda *args: None)
    monkeypatch.setattr(submission, "MAX_BYTES", 2**20)
    src = make_zip(tmp_path / "submission.zip", {"data.npy": bytes(5 * 2**20)})
    with pytest.raises(SubmissionError) as err:
        prepare_submission(src, workdir, EXPECTED)
    assert str(err.value) == "submission.zip: data.npy unpacks to more than the 1.0 MB limit"
    assert all_files(workdir) == []


def test_too_many_files_are_rejected(tmp_path, workdir):
    src = make_zip(tmp_path / "submission.zip",
                   {f"helper{i}.py": "" for i in range(submission.MAX_FILES + 1)})
    with pytest.raises(SubmissionError, match="201 files to grade .limit 200."):
        prepare_submission(src, workdir, EXPECTED)


def test_truncated_zip_gives_one_line_message(tmp_path, workdir):
    path = make_zip(tmp_path / "submission.zip", {"mlp.py": MLP * 100, "answers.py": ANSWERS})
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(SubmissionError) as err:
        prepare_submission(path, workdir, EXPECTED)
    message = str(err.value)
    assert message.startswith("submission.zip is not a readable zip file: ")
    assert "\n" not in message and str(tmp_path) not in message


def test_notebook_is_converted_and_ipython_lines_dropped(tmp_path, workdir):
    nb = notebook("%matplotlib inline\nimport math\n!pip install torch",
                  MLP,
                  "for i in range(2):\n    %time forward(i)\nok = (1\n      != 2)",
                  "%%bash\necho hi",
                  "%%time\nSQUARE = forward(3)")
    src = make_zip(tmp_path / "submission.zip", {"mlp.ipynb": nb, "answers.py": ANSWERS})
    got = prepare_submission(src, workdir, EXPECTED)
    code = (workdir / "mlp.py").read_text()
    scope = {}
    exec(compile(code, "mlp.py", "exec"), scope)
    assert scope["forward"](4) == 8 and scope["ok"] is True and scope["SQUARE"] == 6
    assert "!pip" not in code.replace("# [grader] removed: !pip", "")
    assert got.present == EXPECTED
    assert got.notes[0].startswith("mlp.py was taken from mlp.ipynb (5 code cells)")


def test_a_cells_encoding_declaration_runs_as_jupyter_runs_it(tmp_path, workdir):
    """Jupyter ignores "# coding:" in a cell; so does Python reading the converted file."""
    make_folder(tmp_path / "sub", {"mlp.ipynb": notebook("# coding: unicode_escape\n# a comment\\nHIDDEN = 1", MLP)})
    prepare_submission(tmp_path / "sub", workdir, EXPECTED)
    scope = {}  # compiled from bytes, as an import compiles it
    exec(compile((workdir / "mlp.py").read_bytes(), "mlp.py", "exec"), scope)
    assert "forward" in scope and "HIDDEN" not in scope


def test_notebook_cell_that_is_not_python_is_left_out(tmp_path, workdir):
    make_folder(tmp_path / "sub", {"mlp.ipynb": notebook(MLP, "def broken(:\n")})
    got = prepare_submission(tmp_path / "sub", workdir, EXPECTED)
    scope = {}
    exec((workdir / "mlp.py").read_text(), scope)
    assert "forward" in scope
    assert "left out cell(s) not valid Python: 3 (line 1 of the cell: invalid syntax)" in got.notes[0]


def test_notebook_that_is_not_json_is_rejected(tmp_path, workdir):
    make_folder(tmp_path / "sub", {"hw1/mlp.ipynb": "this is not json"})
    with pytest.raises(SubmissionError) as err:
        prepare_submission(tmp_path / "sub", workdir, EXPECTED)
    assert str(err.value) == ("hw1/mlp.ipynb is not a notebook: "
                              "Expecting value: line 1 column 1 (char 0)")


def test_json_that_is_not_a_notebook_is_rejected(tmp_path, workdir):
    make_folder(tmp_path / "sub", {"mlp.ipynb": '{"hello": [1, 2]}'})
    with pytest.raises(SubmissionError, match=r"^mlp.ipynb is not a notebook: ") as err:
        prepare_submission(tmp_path / "sub", workdir, EXPECTED)
    assert "\n" not in str(err.value)


def test_python_file_wins_over_notebook_of_same_name(tmp_path, workdir):
    src = make_zip(tmp_path / "submission.zip", {"mlp.py": MLP, "mlp.ipynb": "not json"})
    got = prepare_submission(src, workdir, EXPECTED)
    assert (workdir / "mlp.py").read_text() == MLP
    assert any(n.startswith("found both mlp.py and mlp.ipynb; graded mlp.py") for n in got.notes)


def test_missing_expected_files_are_listed_not_an_error(tmp_path, workdir):
    make_folder(tmp_path / "sub", {"answers.py": ANSWERS, "notes.txt": "hi"})
    got = prepare_submission(tmp_path / "sub", workdir, EXPECTED)
    assert got.present == ["answers.py"] and got.missing == ["mlp.py"]


def test_symlinks_inside_a_folder_are_not_followed(tmp_path, workdir):
    src = make_folder(tmp_path / "sub", {"answers.py": ANSWERS})
    os.symlink("/etc/passwd", src / "mlp.py")
    os.symlink("/etc", src / "data")
    got = prepare_submission(src, workdir, EXPECTED)
    assert all_files(workdir) == ["answers.py"]
    assert got.missing == ["mlp.py"]
    assert any("symbolic link" in n and "mlp.py" in n and "data" in n for n in got.notes)


def test_a_path_that_is_neither_folder_zip_nor_code_is_rejected(tmp_path, workdir):
    (tmp_path / "essay.docx").write_text("hello")
    with pytest.raises(SubmissionError, match="^essay.docx is not a folder, a zip file"):
        prepare_submission(tmp_path / "essay.docx", workdir, EXPECTED)


STUB = "def forward(x):\n    raise NotImplementedError('return 2 x')\n"


@pytest.mark.parametrize("uploaded", ["answers (1).py", "Answers.py", "answers-final.py", "answers_v2.py",
                                      "Copy of answers.py"])
def test_a_near_miss_of_a_name_is_graded_as_the_name_and_said_so(tmp_path, workdir, uploaded):
    make_folder(tmp_path / "sub", {"mlp.py": MLP, uploaded: ANSWERS})
    got = prepare_submission(tmp_path / "sub", workdir, EXPECTED)
    assert (workdir / "answers.py").read_text() == ANSWERS and got.missing == []
    assert f"graded {uploaded} as answers.py, the name the assignment expects" in got.notes


def test_two_near_misses_are_not_guessed_between(tmp_path, workdir):
    make_folder(tmp_path / "sub", {"mlp.py": MLP, "answers (1).py": ANSWERS, "Answers.py": ANSWERS})
    got = prepare_submission(tmp_path / "sub", workdir, EXPECTED)
    assert got.missing == ["answers.py"]
    assert any(n.startswith("missing answers.py: ") and "rename the one to grade" in n for n in got.notes)


def test_a_finished_notebook_beside_the_untouched_stub_is_the_one_graded(tmp_path, workdir):
    make_folder(tmp_path / "sub", {"mlp.py": STUB, "mlp.ipynb": notebook(MLP), "answers.py": ANSWERS})
    got = prepare_submission(tmp_path / "sub", workdir, EXPECTED)
    assert "NotImplementedError" not in (workdir / "mlp.py").read_text()
    assert any("graded mlp.ipynb, which holds the work" in n for n in got.notes), got.notes


def test_a_finished_py_beside_the_untouched_notebook_is_the_one_graded(tmp_path, workdir):
    make_folder(tmp_path / "sub", {"mlp.py": MLP, "mlp.ipynb": notebook(STUB), "answers.py": ANSWERS})
    got = prepare_submission(tmp_path / "sub", workdir, EXPECTED)
    assert (workdir / "mlp.py").read_text() == MLP
    assert "found both mlp.py and mlp.ipynb; graded mlp.py" in got.notes
