"""The PyTorch part of relu_nets as a Jupyter notebook: `modules.ipynb`.

    write_modules_notebook("assignments/relu_nets/modules.ipynb")

The homework works in a notebook (questions 10 to 15), so the handout offers
one: markdown cells with the questions, code cells with the stubs of
modules.py, one top-level class or function per cell. A student may hand it in
instead of modules.py: the grader then grades the code of its code cells, in
order (grader/submission.py converts it). The last cell, the training curves
of Questions 12 and 15, runs only inside the notebook (`if __name__ ==
"__main__":`), never when the grader imports the code.
"""
import ast
from pathlib import Path

import nbformat

from grader import paths

ASSIGNMENT_ID = "relu_nets"
SOURCE_NAME = "modules.py"
# The handout's stub of modules.py, rendered into the handout like every submitted file.
STUB_TEMPLATE = f"{ASSIGNMENT_ID}/{SOURCE_NAME}.j2"

TITLE = """# CIFAR-10 classification with hand-written backward passes

Questions 10, 11 and 14 of the homework (12 points with the training curves of
Questions 12, 13 and 15, which you write up in your PDF).

**How this notebook is graded.** Hand in this notebook as `modules.ipynb` (or
its code as `modules.py`). The grader takes the code cells, in order, as one
Python file and calls the classes and functions by name, so keep their names
and signatures. Code that trains or plots must stay under
`if __name__ == "__main__":`, as in the last cell: the grader imports your code,
and a training run at import time would not finish within its time limit.
Run the public checks with `grader check relu_nets .` (on `modules.py`, or on
this notebook in a folder of its own)."""

QUESTIONS = {
    "Linear": """## Question 10: building neural networks (4 points)

Complete the forward and backward definitions of the modules, each in at most 5
lines: (a) `Linear.forward`, (b) `Linear.backward`, (c) `ReLU.backward`,
(d) `CrossEntropyLoss.backward`, 1 point each. For a linear layer the forward
pass is $out = W x + b$ (with batches as rows: `x @ W.T + b`); the backward
pass gets $\\frac{dL}{d\\,out}$ and needs $\\frac{dL}{dx}$, $\\frac{dL}{dW}$ and
$\\frac{dL}{db}$. No autograd: the grader runs your backward methods with
autograd switched off and compares them with PyTorch's own gradients.""",
    "train_epoch": """## Question 11: the training loop (2 points)

Complete `train_epoch` and `evaluate`, each in at most 5 lines. `train_epoch`
takes one SGD step per batch (`model.forward`, `loss_fn.forward`,
`loss_fn.backward`, `model.backward`, `sgd_step`) and returns the mean batch
loss and the accuracy, a fraction in [0, 1] counted from each batch's logits
before its step. `evaluate` returns the same two numbers and changes nothing.
The grader checks them with its own layers, and also trains an MLP made of
your modules on a small data set of digits (reported, not scored).""",
    "make_datasets": """## Question 14: data augmentation (1 point)

Create the training and validation datasets, where only the training set has
a random cropping augmentation: `transforms.RandomCrop(32, padding=4)`, then
`transforms.ToTensor()`; the validation set gets `ToTensor()` alone. Visualise
the effect of the augmentation in your write-up. The grader runs
`make_datasets` on a small CIFAR-10 folder of its own.""",
}

EXPERIMENTS_TEXT = """## Questions 12, 13 and 15: training curves (written up in your PDF)

Train for 30 epochs and plot the learning curves, first on the plain training
set (Question 12), then on the augmented one (Question 15). This cell runs in
the notebook only."""

EXPERIMENTS_CODE = '''if __name__ == "__main__":  # runs in this notebook, never when the grader imports the code
    import matplotlib.pyplot as plt
    from torch.utils.data import DataLoader

    class Flat:
        """A loader of image batches (b, 3, 32, 32) as rows (b, 3072) for the MLP."""
        def __init__(self, loader):
            self.loader = loader
        def __iter__(self):
            return ((x.flatten(1), y) for x, y in self.loader)

    train_set, val_set = make_datasets("./data", download=True)
    train_loader = Flat(DataLoader(train_set, batch_size=64, shuffle=True))
    val_loader = Flat(DataLoader(val_set, batch_size=256))
    model = Sequential(Linear(3072, 512), ReLU(), Linear(512, 10))
    loss_fn = CrossEntropyLoss()
    curves = {"train": [], "val": []}
    for epoch in range(30):
        curves["train"].append(train_epoch(model, loss_fn, train_loader, lr=0.01))
        curves["val"].append(evaluate(model, loss_fn, val_loader))
        print(epoch + 1, curves["train"][-1], curves["val"][-1])
    for index, name in enumerate(["loss", "accuracy"]):
        plt.figure()
        for split, values in curves.items():
            plt.plot([v[index] for v in values], label=split)
        plt.xlabel("epoch"), plt.ylabel(name), plt.legend()
    plt.show()
'''


def modules_stub_source(templates=None):
    """The handout's modules.py: templates/relu_nets/modules.py.j2 rendered for the assignment."""
    from grader import assignments
    from grader.handout import environment

    assignment = assignments.load(ASSIGNMENT_ID)
    env = environment(templates or paths.TEMPLATES)
    return env.get_template(STUB_TEMPLATE).render(assignment=assignment)


def code_chunks(source):
    """[(name or None, code)]: the module's head (docstring, imports), then one chunk per
    top-level class or function with the comments just above it."""
    lines = source.splitlines(keepends=True)
    nodes = [n for n in ast.parse(source).body if isinstance(n, (ast.ClassDef, ast.FunctionDef))]
    chunks, start = [], 0
    for node, following in zip(nodes, nodes[1:] + [None]):
        first = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
        while first > start and lines[first - 1].lstrip().startswith("#"):
            first -= 1  # the comments right above a definition go with it
        if not chunks:
            chunks.append((None, "".join(lines[start:first])))
        elif first > start:  # anything between two definitions joins the earlier one
            name, code = chunks[-1]
            chunks[-1] = (name, code + "".join(lines[start:first]))
        end = node.end_lineno if following is not None else len(lines)
        chunks.append((node.name, "".join(lines[first:end])))
        start = end
    if not nodes:
        chunks.append((None, source))
    return [(name, code.strip("\n") + "\n") for name, code in chunks if code.strip()]


def modules_notebook(source):
    """The notebook for a modules.py source (the stubs, or a full solution)."""
    cells = [nbformat.v4.new_markdown_cell(TITLE)]
    for name, code in code_chunks(source):
        if name in QUESTIONS:
            cells.append(nbformat.v4.new_markdown_cell(QUESTIONS[name]))
        cells.append(nbformat.v4.new_code_cell(code.rstrip("\n")))
    cells += [nbformat.v4.new_markdown_cell(EXPERIMENTS_TEXT), nbformat.v4.new_code_cell(EXPERIMENTS_CODE.rstrip("\n"))]
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


# The notebooks a handout can offer (handout.toml: `notebook = "modules.py"`), by
# (assignment, file): each makes the notebook from the file's rendered stub.
NOTEBOOKS = {(ASSIGNMENT_ID, SOURCE_NAME): modules_notebook}


def handout_notebook(assignment_id, filename, source):
    """The text of the notebook that stands for `filename` (its stub is `source`), or None
    when no notebook is known for that assignment and file."""
    make = NOTEBOOKS.get((assignment_id, filename))
    return None if make is None else notebook_text(make(source))


def write_modules_notebook(path, source=None):
    """Write modules.ipynb to `path` from `source` (default: the handout's stub of modules.py)."""
    notebook = modules_notebook(modules_stub_source() if source is None else source)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = notebook_text(notebook)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path
