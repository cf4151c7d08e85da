"""linear_nets' experiments run on the embedded data and write what the homework asks for."""
import json

import pytest

from grader.experiments import ExperimentError, run_experiment


@pytest.mark.slow
def test_parity_curves_for_d_5_10_30(tmp_path):
    metrics = run_experiment("linear_nets", "parity", out_dir=tmp_path, epochs=1)
    assert [run["label"] for run in metrics["runs"]] == ["d = 5", "d = 10", "d = 30"]
    assert (tmp_path / "parity_loss.png").stat().st_size > 0


@pytest.mark.slow
def test_resnet18_trains_one_epoch_per_scheme_on_subsets(tmp_path):
    metrics = run_experiment("linear_nets", "resnet18", out_dir=tmp_path, subset_train=64, subset_val=64)
    assert [run["label"] for run in metrics["runs"]] == ["constant learning rate", "annealed learning rate",
                                                         "special learning rate"]
    saved = json.loads((tmp_path / "resnet18_metrics.json").read_text())
    assert saved["runs"][0]["final_test_accuracy"] is not None
    table = (tmp_path / "resnet18_results.md").read_text()
    assert table.count("|") > 10 and "special" in table


def test_an_option_an_experiment_does_not_take_is_refused(tmp_path):
    with pytest.raises(ExperimentError, match="takes no option --subset-train"):
        run_experiment("mlp_numpy", "2.1", out_dir=tmp_path, subset_train=5)
