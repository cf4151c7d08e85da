"""Torch through the sandbox: tensors on the wire, torch only where it is used, memory limits that fit it."""
import resource
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from grader import paths
from grader.implementations import ReferenceCode, StudentCode
from grader.sandbox import wire
from grader.sandbox.runner import Limits, Sandbox, SandboxMemory, SandboxTimeout, StudentError

TORCH_LIMITS = Limits(memory_mb=3072, memory_rlimit="data", seconds_per_test=60)

STUDENT = textwrap.dedent('''
    import sys
    import torch

    def double(x):
        return 2 * x

    def kinds(*values):
        return [type(v).__name__ + ":" + str(getattr(v, "dtype", "")) for v in values]

    class Layer:
        def __init__(self):
            self.weight = torch.ones(2, 3)

        def forward(self, x):
            return x @ self.weight.T

    def grad_mode():
        return torch.is_grad_enabled()

    def allocate(n):
        return torch.empty(n).fill_(1.0).sum()
''')

NUMPY_ONLY = textwrap.dedent('''
    import sys
    import numpy as np

    def torch_loaded():
        return "torch" in sys.modules

    def spin():
        while True:
            pass

    def shared_memory(mb):
        import mmap
        block = mmap.mmap(-1, mb << 20)  # shared and anonymous: RLIMIT_DATA does not count it
        for i in range(0, mb << 20, 4096):
            block[i] = 1
        return len(block)
''')


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    folder = tmp_path_factory.mktemp("torch_student")
    (folder / "student.py").write_text(STUDENT)
    with Sandbox(folder, TORCH_LIMITS) as sandbox:
        yield StudentCode(sandbox)


def test_tensors_cross_the_wire_both_ways(student):
    x = np.arange(6, dtype=np.float64).reshape(2, 3)
    got = student.student.double(student.tensor(x))
    assert type(got) is np.ndarray and got.dtype == np.float64
    np.testing.assert_array_equal(got, 2 * x)
    kinds = student.student.kinds(student.tensor(x), student.tensor(np.array([1, 2])), x)
    assert kinds == ["Tensor:torch.float64", "Tensor:torch.int64", "ndarray:float64"]


def test_a_grader_made_tensor_reaches_the_student_as_a_tensor(student):
    import torch
    got = student.student.kinds(torch.ones(2, dtype=torch.float32))
    assert got == ["Tensor:torch.float32"]


def test_attributes_can_be_set_on_remote_objects(student):
    layer = student.student.Layer()
    np.testing.assert_array_equal(layer.forward(student.tensor(np.ones((1, 3), np.float32))), [[3.0, 3.0]])
    layer.weight = student.tensor(np.eye(3)[:2])
    np.testing.assert_array_equal(layer.weight, np.eye(3)[:2])
    np.testing.assert_array_equal(layer.forward(student.tensor(np.array([[1.0, 2.0, 3.0]]))), [[1.0, 2.0]])


def test_runtime_modules_and_grad_mode(student):
    torch_side = student.runtime("torch")
    torch_side.set_grad_enabled(False)
    assert student.student.grad_mode() is False
    torch_side.set_grad_enabled(True)
    assert student.student.grad_mode() is True


def test_a_torch_allocation_over_the_limit_is_out_of_memory(student):
    with pytest.raises(StudentError, match="ran out of memory"):
        student.student.allocate(1_000_000_000)  # 4 GB of float32 against a 3072 MB data limit
    assert float(student.student.allocate(1000)) == 1000.0  # the worker lives on


def test_the_reference_side_gives_real_tensors(tmp_path):
    import torch
    reference = ReferenceCode(tmp_path)
    tensor = reference.tensor(np.ones(3))
    assert isinstance(tensor, torch.Tensor) and tensor.dtype == torch.float64
    assert reference.runtime("torch").zeros(2).dtype == torch.float32  # an installed module, on that side


def test_the_assignments_worker_code_is_the_same_module_on_either_side(tmp_path):
    reference = ReferenceCode(paths.SOLUTIONS / "relu_nets")
    assert reference.worker("training").pick_device("cpu") == "cpu"


def test_the_grader_never_takes_tensor_tags_from_a_worker():
    message = wire.encode(wire.Tensor(np.ones(2)))
    with pytest.raises(wire.WireError):
        wire.decode(message)
    decoded = wire.decode(message, tensors=True)
    assert isinstance(decoded, wire.Tensor) and decoded.array.tolist() == [1.0, 1.0]


def test_non_numeric_tensors_stay_behind_handles():
    torch = pytest.importorskip("torch")
    assert wire._tensor_as_array(torch.ones(2, dtype=torch.bfloat16)) is None
    assert wire.encode(torch.ones(2, 2, requires_grad=True))["__array__"][1] == [2, 2]


def test_a_numpy_only_worker_never_imports_torch_and_shared_memory_is_watched(tmp_path):
    (tmp_path / "plain.py").write_text(NUMPY_ONLY)
    limits = Limits(memory_mb=150, memory_rlimit="data", seconds_per_test=30)
    with Sandbox(tmp_path, limits) as sandbox:
        code = StudentCode(sandbox)
        assert code.plain.torch_loaded() is False
        with pytest.raises(SandboxMemory, match="more than 300 MB"):
            code.plain.shared_memory(1024)


def test_torch_cannot_be_imported_under_an_address_space_limit():
    """Why torch assignments use memory_rlimit = "data": RLIMIT_AS at 2 GB refuses torch itself."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (2048 << 20, 2048 << 20))
    done = subprocess.run([sys.executable, "-c", "import torch"], preexec_fn=limit, capture_output=True, text=True)
    assert done.returncode != 0 and "ImportError" in done.stderr


def test_a_preloading_worker_imports_torch_on_no_requests_clock(tmp_path):
    """torch's import (seconds on a slow machine) is the grader's choice: a request with a 0.5 s
    limit, the first one, still has all of it, and the student's file finds torch loaded."""
    (tmp_path / "plain.py").write_text(NUMPY_ONLY)
    limits = Limits(memory_mb=3072, memory_rlimit="data", seconds_per_test=0.5)
    with Sandbox(tmp_path, limits) as sandbox:
        sandbox.preload = ["torch"]
        code = StudentCode(sandbox)
        assert code.plain.torch_loaded() is True
        with pytest.raises(SandboxTimeout):
            code.plain.spin()
        assert code.plain.torch_loaded() is True, "the fresh worker after a timeout imports torch off the clock too"
        code.restart()
        assert code.plain.torch_loaded() is False, "the rules' fresh worker holds no library"


def test_a_worker_preloads_only_the_slow_libraries_the_files_import_at_their_top_level():
    from grader.grading import libraries_to_preload
    assert libraries_to_preload({"a.py": "import numpy as np\nfrom torchvision import transforms\n",
                                 "b.py": "import torch.nn as nn\n"}) == ["torch", "torchvision"]
    assert libraries_to_preload({"a.py": "def f():\n    import torch\nimport torchaudio\nimport os\n"}) == []
