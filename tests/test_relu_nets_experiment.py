"""`grader experiment relu_nets curves`: Questions 12 and 15 with the reference modules.py (2 epochs here)."""
import json

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from grader.cli import main
from grader.datasets import DatasetError, cifar10
from grader.experiments import module_of
from grader.experiments.common import pick_device, reference_module

curves_experiment = module_of("relu_nets")
from grader.experiments import run_experiment

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
KEYS = ("train_loss", "val_loss", "train_accuracy", "val_accuracy")


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("curves")
    return out, run_experiment("relu_nets", "curves", out_dir=out, epochs=2)


@pytest.fixture
def cifar_folder(tmp_path):
    """A CIFAR-10 folder in the real format, 20 training and 6 test images, that torchvision accepts."""
    root = cifar10.write_cifar10_folder(tmp_path / "cifar", seed=5, per_batch=4, test=6)
    saved = cifar10.trust_folder(root)  # torchvision checks the real data set's md5 sums
    yield root
    cifar10.restore_sums(saved)


def assert_outputs(out, metrics, epochs):
    for quantity in ("loss", "accuracy"):
        assert (out / f"curves_{quantity}.png").read_bytes()[:8] == PNG_MAGIC
    saved = json.loads((out / "curves_metrics.json").read_text())
    assert saved == json.loads(json.dumps(metrics))
    assert [run["kind"] for run in saved["runs"]] == ["plain", "augmented"]
    for run in saved["runs"]:
        assert all(len(run[key]) == epochs for key in KEYS)
        assert all(0 <= a <= 1 for a in run["train_accuracy"] + run["val_accuracy"])
        assert run["final_val_accuracy"] == run["val_accuracy"][-1]
    return saved


def test_digits_curves_with_and_without_augmentation(digits_run):
    out, metrics = digits_run
    saved = assert_outputs(out, metrics, epochs=2)
    assert saved["dataset"]["name"].startswith("digits") and saved["dataset"]["image_shape"] == [1, 8, 8]
    assert saved["dataset"]["augmentation"] == "RandomCrop(8, padding=1)"
    assert saved["runs"][1]["label"] == "with augmentation (RandomCrop(8, padding=1))"
    assert saved["model"].startswith("64-128-10") and saved["device"] == "cpu"
    plain = saved["runs"][0]
    assert plain["train_loss"][1] < plain["train_loss"][0] and plain["val_accuracy"][1] > 0.5


def test_the_runs_are_reproducible_and_leave_the_torch_stream_alone(tmp_path, digits_run):
    _, first = digits_run
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    again = run_experiment("relu_nets", "curves", out_dir=tmp_path, epochs=2)
    assert torch.equal(torch.rand(3), expected)  # the caller's torch random stream is left alone
    for one, two in zip(first["runs"], again["runs"]):
        assert all(one[key] == two[key] for key in KEYS)


def test_the_digits_augmentation_is_a_random_one_pixel_crop():
    sets, _ = curves_experiment.digits_sets(seed=0)
    image = sets["plain"][3][0]
    padded = torch.nn.functional.pad(image, (1, 1, 1, 1))
    windows = {(dy, dx): padded[:, dy:dy + 8, dx:dx + 8] for dy in range(3) for dx in range(3)}
    torch.manual_seed(0)
    seen = set()
    for _ in range(40):
        crop, label = sets["augmented"][3]
        assert label == sets["plain"][3][1]
        seen.add(next(offset for offset, window in windows.items() if torch.equal(window, crop)))
    assert len(seen) > 3
    assert torch.equal(sets["val"][0][0], sets["val"][0][0])  # no transform on validation


def test_cifar10_curves_from_the_reference_make_datasets(tmp_path, cifar_folder):
    metrics = run_experiment("relu_nets", "curves", data_dir=cifar_folder, out_dir=tmp_path, epochs=2)
    saved = assert_outputs(tmp_path, metrics, epochs=2)
    assert saved["dataset"]["name"] == "CIFAR-10" and saved["dataset"]["image_shape"] == [3, 32, 32]
    assert (saved["dataset"]["train_size"], saved["dataset"]["val_size"]) == (20, 6)
    assert saved["dataset"]["augmentation"] == "RandomCrop(32, padding=4)"
    assert saved["model"].startswith("3072-512-10")


def test_cifar10_plain_training_set_is_not_augmented(cifar_folder):
    modules = reference_module("relu_nets", "modules")
    sets, _ = curves_experiment.cifar10_sets(modules, cifar_folder)
    images, labels = cifar10.folder_contents(5, 4, 6)["train"]
    first = sets["plain"][2][0].numpy()
    np.testing.assert_allclose(first, images[2].transpose(2, 0, 1) / 255, atol=1e-6)
    assert sets["plain"][2][1] == sets["augmented"][2][1] == labels[2]
    torch.manual_seed(1)
    assert any(not torch.equal(sets["augmented"][2][0], sets["plain"][2][0]) for _ in range(5))


def test_a_folder_without_cifar10_is_a_dataset_error(tmp_path):
    with pytest.raises(DatasetError, match="no readable CIFAR-10 under .*cifar-10-batches-py"):
        run_experiment("relu_nets", "curves", data_dir=tmp_path, out_dir=tmp_path / "out", epochs=1)


def test_cuda_without_a_gpu_falls_back_to_the_cpu():
    device, note = pick_device("cuda")
    if torch.cuda.is_available():
        assert device == "cuda" and note is None
    else:
        assert device == "cpu" and "no GPU" in note
    assert pick_device("cpu") == ("cpu", None)


def test_the_command_line_runs_it(tmp_path):
    result = CliRunner().invoke(main, ["experiment", "relu_nets", "curves", "--epochs", "1",
                                       "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "with augmentation (RandomCrop(8, padding=1))" in result.output
    assert "final validation accuracy" in result.output
    assert (tmp_path / "curves_metrics.json").is_file()
