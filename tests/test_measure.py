"""grader measure: peak memory summed over a process tree, and the numbers kept in assignment.toml."""
import shutil
import sys
import textwrap

from click.testing import CliRunner

from grader import assignments, paths
from grader.cli import main
from grader.measure import Measurement, measure_command, write_measurement

# A parent holding ~40 MB that starts a child holding ~80 MB, both alive together for a while.
TREE = textwrap.dedent("""
    import subprocess, sys, time
    block = bytearray(40 << 20)
    child = subprocess.Popen([sys.executable, "-c",
                              "import time; block = bytearray(80 << 20); time.sleep(0.6)"])
    child.wait()
""")


def test_the_peak_is_summed_over_the_process_tree():
    peak, seconds, cpu, most = measure_command([sys.executable, "-c", TREE])
    assert peak >= 120 << 20, peak >> 20  # both blocks at once: more than either process alone
    assert most >= 2 and seconds >= 0.6 and cpu > 0


def test_the_measurement_is_written_once_and_read_back(tmp_path):
    folder = tmp_path / "relu_nets"
    shutil.copytree(paths.SOLUTIONS / "relu_nets", folder)
    assignment = assignments.load_from(folder, "relu_nets")
    for memory in (1234, 1500):  # writing again replaces the section
        write_measurement(assignment, Measurement(memory_mb=memory, seconds=6.5, cpu_seconds=4.0, processes=3,
                                                  machine="2 CPU cores (x86_64), no GPU"))
    text = (folder / "assignment.toml").read_text()
    assert text.count("[gradescope]") == 1 and text.count("[limits]") == 1
    again = assignments.load_from(folder, "relu_nets")
    assert again.gradescope == {"memory_mb_measured": 1500, "seconds_measured": 6.5, "cpu_seconds_measured": 4.0,
                                "measured_on": "2 CPU cores (x86_64), no GPU"}
    assert again.limits == assignment.limits


def test_the_command_measures_a_reference():
    result = CliRunner().invoke(main, ["measure", "mlp_numpy"])
    assert result.exit_code == 0, result.output
    points = assignments.load("mlp_numpy").points()
    assert f"mlp_numpy: score {points:g}, peak memory" in result.output and "MB" in result.output
