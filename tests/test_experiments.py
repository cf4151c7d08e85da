"""The reference experiments of mlp_numpy and their data loaders."""
import json
import pickle

import numpy as np
import pytest

from grader.datasets import (DatasetError, OMNIGLOT_FEATURES, load_digits_split,
                             load_omniglot, save_omniglot_pickle)
from grader.experiments import ExperimentError, run_experiment
from grader.experiments import module_of
from grader.experiments.common import reference_module

mlp_experiments = module_of("mlp_numpy")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def small_omniglot(train_size=40, test_size=10, seed=0):
    """Binary images (n, 105*105) and labels cycling through the 12 alphabets."""
    rng = np.random.default_rng(seed)
    split = lambda n: ((rng.random((n, OMNIGLOT_FEATURES)) < 0.2).astype(np.float64),
                       np.arange(n) % 12)
    return split(train_size), split(test_size)


@pytest.fixture(scope="module")
def omniglot_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("omniglot")
    save_omniglot_pickle(folder / "omniglot_12.pkl", *small_omniglot())
    return folder


@pytest.fixture(scope="module")
def sweep_2_1(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return out, run_experiment("mlp_numpy", "2.1", out_dir=out, epochs=2)


def write_pickle(path, obj):
    with open(path, "wb") as f:
        pickle.dump(obj, f)
    return path


def test_digits_split_is_scaled_80_20_and_reproducible():
    (train_x, train_y), (test_x, test_y) = load_digits_split(seed=0)
    assert train_x.shape[1] == test_x.shape[1] == 64
    assert (len(train_y), len(test_y)) == (train_x.shape[0], test_x.shape[0])
    assert abs(len(test_y) / (len(train_y) + len(test_y)) - 0.2) < 0.01
    assert 0.0 <= min(train_x.min(), test_x.min()) and max(train_x.max(), test_x.max()) == 1.0
    assert set(np.unique(train_y)) == set(np.unique(test_y)) == set(range(10))
    np.testing.assert_array_equal(load_digits_split(seed=0)[1][1], test_y)


@pytest.mark.parametrize("seed, fraction", [(0, 0.2), (3, 0.2), (7, 0.33), (11, 0.1)])
def test_digits_split_is_the_one_scikit_learn_makes(seed, fraction):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    digits = load_digits()
    (train_x, train_y), (test_x, test_y) = load_digits_split(seed=seed, test_fraction=fraction)
    want_train_x, want_test_x, want_train_y, want_test_y = train_test_split(
        digits.data / 16.0, digits.target, test_size=fraction, random_state=seed, stratify=digits.target)
    for got, want in [(train_x, want_train_x), (test_x, want_test_x), (train_y, want_train_y), (test_y, want_test_y)]:
        np.testing.assert_array_equal(got, want)


def test_omniglot_loader_reads_the_homework_format(omniglot_dir):
    (train_x, train_y), (test_x, test_y) = load_omniglot(omniglot_dir / "omniglot_12.pkl")
    assert train_x.shape == (40, 105 * 105) and test_x.shape == (10, 105 * 105)
    assert train_y.shape == (40,) and test_y.shape == (10,)
    assert train_y.dtype.kind == "i" and train_y.max() == 11
    np.testing.assert_array_equal(train_x, small_omniglot()[0][0])


def test_omniglot_missing_file_says_where(tmp_path):
    with pytest.raises(DatasetError, match="not found.*omniglot_12.pkl"):
        load_omniglot(tmp_path / "omniglot_12.pkl")


def test_omniglot_garbage_bytes_is_not_a_pickle(tmp_path):
    path = tmp_path / "omniglot_12.pkl"
    path.write_bytes(b"this is not a pickle\x00\xff" * 10)
    with pytest.raises(DatasetError, match="not a readable pickle"):
        load_omniglot(path)


@pytest.mark.parametrize("obj, message", [
    ({"train": 1}, "expected \\(\\(trainX, trainY\\), \\(testX, testY\\)\\)"),
    (((np.zeros((4, 100)), np.zeros(4, int)), (np.zeros((2, 100)), np.zeros(2, int))),
     "shape \\(n, 11025\\)"),
    (((np.zeros((4, 11025)), np.zeros(3, int)), (np.zeros((2, 11025)), np.zeros(2, int))),
     "labels must have shape \\(4,\\)"),
    (((np.zeros((4, 11025)), np.full(4, 12)), (np.zeros((2, 11025)), np.zeros(2, int))),
     "labels must lie in 0..11"),
    (((np.zeros((4, 11025)), np.full(4, 0.5)), (np.zeros((2, 11025)), np.zeros(2, int))),
     "labels must be integers"),
], ids=["not-a-pair", "wrong-width", "label-count", "label-range", "fractional-labels"])
def test_omniglot_wrong_structure_is_named(tmp_path, obj, message):
    path = write_pickle(tmp_path / "omniglot_12.pkl", obj)
    with pytest.raises(DatasetError, match=message) as info:
        load_omniglot(path)
    assert "\n" not in str(info.value)


def test_sweep_writes_both_plots(sweep_2_1):
    out, _ = sweep_2_1
    for quantity in ("loss", "accuracy"):
        assert (out / f"2.1_{quantity}.png").read_bytes()[:8] == PNG_MAGIC


def test_sweep_metrics_hold_four_runs_per_epoch(sweep_2_1):
    out, metrics = sweep_2_1
    saved = json.loads((out / "2.1_metrics.json").read_text())
    assert saved == json.loads(json.dumps(metrics))
    assert [run["label"] for run in saved["runs"]] == [
        "(60, 0, 0, 0.001)", "(60, 0.4, 0, 0.001)", "(60, 0.4, 0.2, 0.001)", "(150, 0.4, 0.2, 0.001)"]
    for run in saved["runs"]:
        for key in ("train_loss", "test_loss", "train_accuracy", "test_accuracy"):
            assert len(run[key]) == 2
        assert run["final_test_accuracy"] == run["test_accuracy"][-1]


def test_sweep_runs_on_the_omniglot_pickle(omniglot_dir, tmp_path):
    metrics = run_experiment("mlp_numpy", "2.4", data_dir=omniglot_dir, out_dir=tmp_path, epochs=1)
    assert metrics["dataset"]["features"] == 105 * 105 and metrics["dataset"]["classes"] == 12
    assert metrics["dataset"]["train_size"] == 40 and len(metrics["runs"]) == 3
    assert (tmp_path / "2.4_loss.png").exists()


def test_missing_omniglot_in_data_dir_is_a_dataset_error(tmp_path):
    with pytest.raises(DatasetError, match="not found"):
        run_experiment("mlp_numpy", "2.1", data_dir=tmp_path, out_dir=tmp_path, epochs=1)


def test_unknown_experiment_lists_valid_names(tmp_path):
    with pytest.raises(ExperimentError) as info:
        run_experiment("mlp_numpy", "2.9", out_dir=tmp_path)
    assert str(info.value) == "unknown experiment '2.9' for mlp_numpy; valid names: 2.1, 2.2, 2.3, 2.4"
    assert isinstance(info.value, KeyError)


def test_unknown_assignment_lists_valid_ids(tmp_path):
    with pytest.raises(ExperimentError, match="assignments with experiments: .*mlp_numpy"):
        run_experiment("relu_netz", "2.1", out_dir=tmp_path)


def test_experiment_leaves_numpy_random_state_alone(tmp_path):
    np.random.seed(123)
    expected = np.random.get_state()[1].copy()
    run_experiment("mlp_numpy", "2.4", out_dir=tmp_path, epochs=1)
    np.testing.assert_array_equal(np.random.get_state()[1], expected)


def test_loss_decreases_on_digits():
    mlp = reference_module("mlp_numpy", "mlp")
    train, test, info = mlp_experiments.load_data(None)
    setting = mlp_experiments.SWEEPS["2.3"].settings[0]  # two layers of 150, lr 0.01
    curves = mlp_experiments.train_run(mlp, setting, train, test, info["classes"], epochs=4)
    assert curves["train_loss"][-1] < curves["train_loss"][0] - 0.1
    assert curves["test_loss"][-1] < curves["test_loss"][0]
