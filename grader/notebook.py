"""A stub handed out as a Jupyter notebook too: `modules.py` -> `modules.ipynb`.

Where a homework works in a notebook, the manifest lists the file under
`notebooks` and gives the text cells under `[notebook."FILE"]`: a `title`, and
`before.NAME`, the markdown above the code cell that defines NAME
(`before.__main__`: above the `if __name__ == "__main__":` block). The code
cells are the stub itself, its head (docstring, imports) first, then one
top-level class, function or main block per cell. A student may hand in the
notebook instead of the file: the grader then grades the code of its code
cells, in order (grader/submission.py converts it).
"""
import ast

import nbformat

MAIN = "__main__"


def is_main_guard(node):
    """`if __name__ == "__main__":`"""
    return isinstance(node, ast.If) and isinstance(node.test, ast.Compare) \
        and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__"


def code_chunks(source):
    """[(name or None, code)]: the module's head (docstring, imports), then one chunk per
    top-level class, function or main block, with the comments just above it."""
    lines = source.splitlines(keepends=True)
    nodes = [n for n in ast.parse(source).body
             if isinstance(n, (ast.ClassDef, ast.FunctionDef)) or is_main_guard(n)]
    chunks, start = [], 0
    for node, following in zip(nodes, nodes[1:] + [None]):
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
        while first > start and lines[first - 1].lstrip().startswith("#"):
            first -= 1  # the comments right above a definition go with it
        if not chunks:
            chunks.append((None, "".join(lines[start:first])))
        elif first > start:  # anything between two definitions joins the earlier one
            name, code = chunks[-1]
            chunks[-1] = (name, code + "".join(lines[start:first]))
        end = node.end_lineno if following is not None else len(lines)
        chunks.append((MAIN if is_main_guard(node) else node.name, "".join(lines[first:end])))
        start = end
    if not nodes:
        chunks.append((None, source))
    return [(name, code.strip("\n") + "\n") for name, code in chunks if code.strip()]


def stub_notebook(source, text):
    """The notebook of a stub `source`, with the manifest's `text` ({"title", "before": {NAME: md}})."""
    before = text.get("before", {})
    cells = [nbformat.v4.new_markdown_cell(text["title"].strip())] if text.get("title") else []
    for name, code in code_chunks(source):
        if name in before:
            cells.append(nbformat.v4.new_markdown_cell(before[name].strip()))
        cells.append(nbformat.v4.new_code_cell(code.rstrip("\n")))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{number}"  # stable ids: writing again changes nothing
    nbformat.validate(notebook)
    return notebook


def notebook_text(notebook):
    """The .ipynb file's text: the same notebook gives the same bytes."""
    return nbformat.writes(notebook)
