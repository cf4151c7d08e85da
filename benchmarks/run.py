"""Benchmarks of the grader and of the course's references; prints a markdown table, writes results.md.

    benchmarks/run.sh                      # everything, about 15 minutes on 2 cores (the hang grade 5 of them)
    benchmarks/run.sh --quick              # one round, one thread count, 20-batch epochs, 1 grade per
                                           #   assignment in 10: about 10 minutes
    benchmarks/run.sh --only grade,memory  # some sections: grade, memory, sandbox, pytest, epoch, relu,
                                           #   relu_memory, gpu, hang, assignments
    benchmarks/run.sh --threads 1,2        # epochs with 1 and with 2 BLAS threads

1. grade: seconds of `grader grade mlp_numpy solutions/mlp_numpy` as a subprocess, best of 3,
   on all cores and pinned to one (taskset -c 0).
2. memory: the peak, over one grade, of the memory of all its processes together (grader,
   launchers, workers), polled every 10 ms through /proc: the sum of PSS (shared pages such
   as numpy's libraries split between the processes that map them) and of RSS.
3. sandbox: the checks' time (grading.run_pytest) with the `student` fixture sandboxed (the
   normal grade) over their time with `student` bound in-process to the same files
   (benchmarks/check_time.py), best of 3 each, fresh processes taking turns.
4. epoch: one SGD epoch of the reference TwoLayerMLP [150, 150] and SingleLayerMLP 60 on
   6660 x 11025 float64 inputs, against the same network in PyTorch on the CPU
   (benchmarks/mlp_epoch.py), at the same BLAS thread count in both.
5. relu: the relu_nets short training run alone on this CPU (the reference's modules.py through
   solutions/relu_nets/worker/training.py run_training, as the digits checks call it:
   benchmarks/gpu_training.py --device cpu, best of 3 runs in one process), and
   `grader grade relu_nets solutions/relu_nets` end to end, best of 3.
6. relu_memory: the peak memory of all processes of one relu_nets grade, as in 2.
7. gpu: the same training run on a GPU, read from benchmarks/gpu_training.json when it exists
   (written by `python benchmarks/gpu_training.py` on a GPU machine; nothing is run here).
8. pytest: what pytest adds to one mlp_numpy grade: the whole grading.grade (checks under
   pytest) over the same checks called directly, without pytest, with the same sandboxed
   fixtures (check_time.py sandbox / direct), best of 3 each, fresh processes taking turns.
9. hang: one `grader grade relu_nets` of a submission that hangs in every function (the
   handout assignments/relu_nets/ with every `raise NotImplementedError(...)` in a function
   made `while True: pass`), against the assignment's budget seconds_total.
10. assignments: grading time (best of 3, 1 with --quick) and peak memory (as in 2) of the
   reference of every assignment of grader.assignments.all_ids(); one whose reference does
   not grade full marks is skipped with a note.

Every grade runs with its own sandbox uid (GRADER_SANDBOX_UID_BASE), so that a grade
running beside it on the same machine, with the default uid, and this one never kill
each other's workers.
"""
import argparse
import ast
import contextlib
import datetime
import importlib.metadata
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
BASELINE_REV = "460cd0e"  # the plain mlp.py reference as first committed
FAIR_TORCH = "torch+input-grad"  # the PyTorch variant that does the reference's arithmetic
GOALS = {"grade": 60.0, "grade_better": 20.0, "memory_mb": 700.0, "sandbox": 1.2, "epoch": 1.2,
         "training_s": 30.0,  # TRAINING_BUDGET_S of solutions/relu_nets/tests_public.py
         "pytest": 1.10,  # a grade under pytest / the same checks called directly
         "hang_margin_s": 60.0,  # a hanging submission's grade: at most seconds_total + this
         "gradescope_s": 600.0}  # Gradescope's default timeout of an autograder run
GPU_RESULTS = HERE / "gpu_training.json"
SECTIONS = "grade,memory,sandbox,pytest,epoch,relu,relu_memory,gpu,hang,assignments,limits"
HANG_TIMEOUT_S = 900  # the hanging grade is killed after this (it would miss both goals)


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=SECTIONS,
                        help="comma-separated sections to run (default: all)")
    parser.add_argument("--quick", action="store_true",
                        help="1 round, the first thread count only, 20-batch epochs")
    parser.add_argument("--threads", default="1",
                        help="BLAS thread counts for the epochs, e.g. 1,2 (default 1: the sandbox's count, and "
                             "steady on a shared machine, where 2 threads on 2 cores are at the mercy of other work)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="numpy/torch processes per network and thread count, taking turns")
    parser.add_argument("--batches", type=int, default=0, help="batches per timed epoch (default all 105)")
    parser.add_argument("--baseline", default=BASELINE_REV,
                        help="git revision of an mlp.py to time beside the current one ('' for none)")
    parser.add_argument("--uid-base", type=int, default=62000 + os.getpid() % 2000,
                        help="GRADER_SANDBOX_UID_BASE of every grade run here")
    parser.add_argument("--grades", type=int, default=3, help="grades per assignment in section 10 (best counts)")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.batches = 1, args.batches or 20
        args.grades = 1
        args.threads = args.threads.split(",")[0]
    args.only = set(args.only.split(","))
    unknown = args.only - set(SECTIONS.split(","))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; choose from {SECTIONS}")
    args.threads = [int(t) for t in args.threads.split(",")]
    return args


# -- the machine ------------------------------------------------------------------------


def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(name):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"
    return {"cpu": cpu, "cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)),
            "python": platform.python_version(), "numpy": version("numpy"), "torch": version("torch"),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "load_before": os.getloadavg()}


# -- 1. grading time --------------------------------------------------------------------


def grader_command(out, assignment="mlp_numpy"):
    script = Path(PYTHON).with_name("grader")
    command = [str(script)] if script.exists() else [PYTHON, "-m", "grader.cli"]
    return command + ["grade", assignment, f"solutions/{assignment}", "--out", str(out)]


def grade_environment(args):
    return {**os.environ, "GRADER_SANDBOX_UID_BASE": str(args.uid_base)}


def score_of(output):
    found = re.search(r"Score: ([\d.]+) / ([\d.]+)", output)
    return f"{found.group(1)}/{found.group(2)}" if found else "no score printed"


def grade_once(args, prefix=(), assignment="mlp_numpy"):
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        done = subprocess.run([*prefix, *grader_command(Path(folder) / "results.json", assignment)], cwd=ROOT,
                              env=grade_environment(args), capture_output=True, text=True)
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"grader grade failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, score_of(done.stdout)


def grading_time(args):
    runs = {"all cores": ()}
    if shutil.which("taskset"):
        runs["one core (taskset -c 0)"] = ("taskset", "-c", "0")
    found = {}
    for name, prefix in runs.items():
        times, scores = [], set()
        for _ in range(3):
            seconds, score = grade_once(args, prefix)
            times.append(seconds)
            scores.add(score)
        found[name] = {"best": min(times), "all": times, "score": ", ".join(sorted(scores))}
        progress(f"grade, {name}: best {min(times):.2f} s of {fmt_list(times)}, score {found[name]['score']}")
    return found


# -- 2. peak memory ---------------------------------------------------------------------


def process_tree(root):
    """`root` and all its descendants, found through the parent pid of every /proc/PID/stat."""
    children = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        parent = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def memory_of(pid):
    """(PSS, RSS) in MB from /proc/PID/smaps_rollup, and what the process is; None once it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            fields = dict(line.split(":", 1) for line in f if line.startswith(("Rss:", "Pss:")))
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            command = f.read().decode(errors="replace")
    except (OSError, ValueError):
        return None
    kind = ("launcher" if "grader.sandbox.launch" in command or "launch.py" in command else
            "worker" if "grader.sandbox.worker" in command else "grader")
    return int(fields["Pss"].split()[0]) / 1024, int(fields["Rss"].split()[0]) / 1024, kind


def peak_memory(args, assignment="mlp_numpy"):
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen(grader_command(Path(folder) / "results.json", assignment), cwd=ROOT,
                                   env=grade_environment(args), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        peak = {"pss": 0.0, "rss": 0.0, "processes": {}, "samples": 0, "most_processes": 0}
        while process.poll() is None:
            sample = [m for m in map(memory_of, process_tree(process.pid)) if m]
            pss, rss = sum(m[0] for m in sample), sum(m[1] for m in sample)
            peak["samples"] += 1
            peak["most_processes"] = max(peak["most_processes"], len(sample))
            if pss > peak["pss"]:
                kinds = {}
                for one in sample:
                    count, mb = kinds.get(one[2], (0, 0.0))
                    kinds[one[2]] = (count + 1, mb + one[0])
                peak.update(pss=pss, processes=kinds, rss_then=rss)
            peak["rss"] = max(peak["rss"], rss)
            time.sleep(0.01)
        output = process.stdout.read()
    peak["score"] = score_of(output)
    progress(f"memory of a {assignment} grade: peak PSS {peak['pss']:.0f} MB, peak RSS {peak['rss']:.0f} MB over "
             f"{peak['samples']} samples, score {peak['score']}")
    return peak


# -- 3. sandbox overhead ----------------------------------------------------------------


def check_time_runs(args, modes, rounds=3):
    """{mode: [check_time.py's JSON of each run]}, `rounds` fresh processes per mode taking turns."""
    runs = {mode: [] for mode in modes}
    for _ in range(rounds):
        for mode in modes:
            done = subprocess.run([PYTHON, str(HERE / "check_time.py"), mode], cwd=ROOT,
                                  env=grade_environment(args), capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"check_time.py {mode} failed:\n{done.stderr}")
            runs[mode].append(json.loads(done.stdout.strip().splitlines()[-1]))
    return runs


def best_per_check(runs, modes):
    """{check id: (best seconds in each of `modes`)}, over the checks every run timed."""
    names = set.intersection(*(set(r["per_check"]) for mode in modes for r in runs[mode]))
    return {name: tuple(min(r["per_check"][name] for r in runs[mode]) for mode in modes)
            for name in runs[modes[0]][0]["per_check"] if name in names}


def sandbox_overhead(args):
    runs = check_time_runs(args, ("in-process", "sandbox"))
    best = {mode: min(found, key=lambda r: r["checks"]) for mode, found in runs.items()}
    for mode, found in runs.items():
        progress(f"sandbox overhead, {mode}: checks {fmt_list([r['checks'] for r in found])} s, "
                 f"score {best[mode]['score']:g}/{best[mode]['max_score']:g}")
    steady = {mode: min(r["steady"] for r in found) for mode, found in runs.items()}
    return {"best": best, "ratio": best["sandbox"]["checks"] / best["in-process"]["checks"],
            "steady": steady, "ratio_steady": steady["sandbox"] / steady["in-process"],
            "per_check": best_per_check(runs, ("sandbox", "in-process")),
            "all": {m: [r["checks"] for r in f] for m, f in runs.items()}}


# -- 4. epochs --------------------------------------------------------------------------


def baseline_file(args, folder):
    """The mlp.py of revision args.baseline in `folder`, or None if there is none or it is the same."""
    if not args.baseline:
        return None
    done = subprocess.run(["git", "show", f"{args.baseline}:solutions/mlp_numpy/mlp.py"], cwd=ROOT,
                          capture_output=True, text=True)
    current = (ROOT / "solutions/mlp_numpy/mlp.py").read_text()
    if done.returncode != 0 or done.stdout == current:
        return None
    path = Path(folder) / "mlp_baseline.py"
    path.write_text(done.stdout)
    return path


def epoch_process(args, lib, net, threads, variants):
    command = [PYTHON, str(HERE / "mlp_epoch.py"), "--lib", lib, "--net", net,
               "--batches", str(args.batches)] + [a for v in variants for a in ("--variant", v)]
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads),
                   "MKL_NUM_THREADS": str(threads)}
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"mlp_epoch.py {lib} {net} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def epochs(args):
    found = {}
    with tempfile.TemporaryDirectory() as folder:
        baseline = baseline_file(args, folder)
        numpy_variants = ["reference=solutions/mlp_numpy/mlp.py"]
        if baseline:
            numpy_variants.append(f"reference at {args.baseline}={baseline}")
        for threads in args.threads:
            for net in ("two", "single"):
                seconds, cpu, info = {}, {}, {}
                for _ in range(args.rounds):
                    for lib, variants in (("numpy", numpy_variants), ("torch", ["torch", "torch+input-grad"])):
                        result = epoch_process(args, lib, net, threads, variants)
                        info[lib] = result
                        for name, times in result["seconds"].items():
                            seconds.setdefault(name, []).extend(times)
                            cpu.setdefault(name, []).extend(result["cpu_seconds"][name])
                best = {name: min(times) for name, times in seconds.items()}
                cpu_of_best = {name: cpu[name][times.index(best[name])] for name, times in seconds.items()}
                # The goal's baseline is torch+input-grad: the reference's backward must return the
                # gradient wrt its input (the first layer's too), so PyTorch computes it as well.
                found[(threads, net)] = {"best": best, "all": seconds, "cpu_of_best": cpu_of_best, "info": info,
                                         "ratio": best["reference"] / best[FAIR_TORCH],
                                         "ratio_plain": best["reference"] / best["torch"]}
                progress(f"epoch {net} layer(s), {threads} thread(s): " + ", ".join(
                    f"{name} {s:.2f} s" for name, s in best.items())
                    + f"; numpy/{FAIR_TORCH} {found[(threads, net)]['ratio']:.2f}"
                    + f", numpy/torch {found[(threads, net)]['ratio_plain']:.2f}")
    return found


# -- 5. to 7. relu_nets ------------------------------------------------------------------


def relu_training(args):
    """The short training run on this CPU (gpu_training.py --device cpu), and relu_nets grades."""
    done = subprocess.run([PYTHON, str(HERE / "gpu_training.py"), "--device", "cpu", "--repeats", "3"], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"gpu_training.py --device cpu failed ({done.returncode}):\n{done.stderr}")
    run = json.loads(done.stdout.strip().splitlines()[-1])
    progress(f"relu_nets training run on the CPU: best {run['seconds']:.3f} s of {run['all_seconds']} "
             f"(whole run_training {run['wall']:.3f} s), accuracy {run['accuracy']:.1%}")
    times, scores = [], set()
    for _ in range(3):
        seconds, score = grade_once(args, assignment="relu_nets")
        times.append(seconds)
        scores.add(score)
    grade = {"best": min(times), "all": times, "score": ", ".join(sorted(scores))}
    progress(f"grade relu_nets: best {grade['best']:.2f} s of {fmt_list(times)}, score {grade['score']}")
    return {"training": run, "grade": grade}


def gpu_training_results():
    """benchmarks/gpu_training.json as written by gpu_training.py on a GPU machine, or None."""
    if not GPU_RESULTS.exists():
        progress(f"gpu: no {GPU_RESULTS.relative_to(ROOT)} (run benchmarks/gpu_training.py on a GPU machine)")
        return None
    found = json.loads(GPU_RESULTS.read_text())
    progress(f"gpu: {found.get('device_name')} {found.get('seconds')} s, from {GPU_RESULTS.relative_to(ROOT)}")
    return found


# -- 8. what pytest adds ----------------------------------------------------------------


def pytest_overhead(args):
    """One mlp_numpy grade under pytest against the same checks called directly (check_time.py)."""
    runs = check_time_runs(args, ("sandbox", "direct"))
    best = {mode: min(found, key=lambda r: r["grade"]) for mode, found in runs.items()}
    for mode, found in runs.items():
        progress(f"pytest overhead, {mode}: grade {fmt_list([r['grade'] for r in found])} s, "
                 f"score {best[mode]['score']:g}/{best[mode]['max_score']:g}")
    # pytest's own share of a grade: the grade less the time inside the check functions
    outside = {mode: min(r["grade"] - sum(r["per_check"].values()) for r in found) for mode, found in runs.items()}
    return {"best": best, "ratio": best["sandbox"]["grade"] / best["direct"]["grade"], "outside": outside,
            "collect": min(r["collect"] for r in runs["direct"]),
            "per_check": best_per_check(runs, ("sandbox", "direct")),
            "all": {m: [r["grade"] for r in f] for m, f in runs.items()}}


# -- 9. a submission that hangs everywhere ------------------------------------------------


class HangEverywhere(ast.NodeVisitor):
    """The (start, end) positions of every `raise NotImplementedError...` inside a function."""

    def __init__(self):
        self.spans, self.depth = [], 0

    def visit_FunctionDef(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Raise(self, node):
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        if self.depth and isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
            self.spans.append(((node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)))


def hanging_source(text):
    """`text` with every raise NotImplementedError(...) statement in a function (possibly spanning
    lines) replaced by `while True: pass`; module-level code as it is. (new text, how many).

    A raise that follows other code on its line becomes the same endless loop as an
    expression, any(iter(int, 1)): a `while` cannot follow `if bad:` on one line."""
    finder = HangEverywhere()
    finder.visit(ast.parse(text))
    lines = [line.encode() for line in text.splitlines(keepends=True)]  # ast's columns count bytes
    for (line, col), (end_line, end_col) in sorted(finder.spans, reverse=True):
        before = lines[line - 1][:col]
        loop = b"while True: pass" if not before.strip() else b"any(iter(int, 1))"
        lines[line - 1:end_line] = [before + loop + lines[end_line - 1][end_col:]]
    new = b"".join(lines).decode()
    ast.parse(new)
    return new, len(finder.spans)


def hanging_submission(folder, assignment="relu_nets"):
    """The handout assignments/ID/ made to hang in every function; {file: statements replaced}."""
    handout = ROOT / "assignments" / assignment
    manifest = tomllib.loads((ROOT / "solutions" / assignment / "assignment.toml").read_text())
    replaced = {}
    for name in manifest["files"]:
        text, replaced[name] = hanging_source((handout / name).read_text())
        (Path(folder) / name).write_text(text)
    return replaced, float(manifest.get("limits", {}).get("seconds_total", 600))


def run_bounded(command, environment, timeout):
    """(output, exit status or "killed") of `command`, stopped after `timeout` seconds: an
    interrupt first (the grader then stops its workers), then a kill of every process it started."""
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = process.communicate(timeout=timeout)
        return output, process.returncode
    except subprocess.TimeoutExpired:
        started = process_tree(process.pid)
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            output = ""
        for pid in reversed(started):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait()
        return output, "killed"


def hanging_grade(args, assignment="relu_nets"):
    """One `grader grade` of the hanging submission, with its own sandbox uid base, timed."""
    with tempfile.TemporaryDirectory() as folder:
        submission = Path(folder) / "hangs"
        submission.mkdir()
        replaced, budget = hanging_submission(submission, assignment)
        out = Path(folder) / "results.json"
        command = grader_command(out, assignment)
        command[command.index(f"solutions/{assignment}")] = str(submission)
        # its own uids: the killed workers' uid is killed whole (runner.kill_all_of)
        environment = {**os.environ, "GRADER_SANDBOX_UID_BASE": str(args.uid_base + 16)}
        progress(f"hang: grading {assignment} that hangs in {sum(replaced.values())} functions "
                 f"(budget {budget:g} s; this takes about that long)")
        start = time.perf_counter()
        output, code = run_bounded(command, environment, HANG_TIMEOUT_S)
        seconds = time.perf_counter() - start
        tests = json.loads(out.read_text()).get("tests", []) if out.exists() else []
    found = {"seconds": seconds, "budget": budget, "replaced": replaced, "exit": code, "score": score_of(output),
             "checks": len(tests), "timed_out": sum("did not finish within" in t.get("output", "") for t in tests),
             "unrun": sum(t.get("output", "").startswith("not run:") for t in tests),
             "passed": sum(t.get("status") == "passed" for t in tests)}
    progress(f"hang: {seconds:.0f} s (budget {budget:g} s), exit {code}, {found['checks']} checks: "
             f"{found['timed_out']} timed out, {found['unrun']} not run, {found['passed']} passed")
    return found


# -- 10. every assignment ------------------------------------------------------------------


def every_assignment(args):
    """{id: grading time and peak memory of its reference, or a note why it was skipped}."""
    from grader.assignments import all_ids
    found = {}
    for assignment in all_ids():
        try:
            times, scores = [], set()
            for _ in range(args.grades):
                seconds, score = grade_once(args, assignment=assignment)
                times.append(seconds)
                scores.add(score)
        except RuntimeError as failed:
            found[assignment] = {"skipped": f"`grader grade` failed: {str(failed).strip().splitlines()[-1][:200]}"}
            progress(f"assignment {assignment}: skipped, {found[assignment]['skipped']}")
            continue
        score = worst_score(scores)
        if score.split("/")[0] != score.split("/")[-1]:
            found[assignment] = {"skipped": f"its reference scored {score}, not full marks"}
            progress(f"assignment {assignment}: skipped, {found[assignment]['skipped']}")
            continue
        found[assignment] = {"best": min(times), "all": times, "score": score,
                             "memory": peak_memory(args, assignment)}
        progress(f"assignment {assignment}: best {min(times):.2f} s of {fmt_list(times)}, score {score}")
    return found


# -- report -----------------------------------------------------------------------------


def progress(line):
    print(line, file=sys.stderr, flush=True)


def fmt_list(values):
    return "[" + ", ".join(f"{v:.2f}" for v in values) + "]"


def worst_score(scores):
    """A score of `scores` short of full marks if there is one, else any."""
    return next((x for x in sorted(scores) if x.split("/")[0] != x.split("/")[1]), next(iter(scores)))


def met(ok, score="1/1"):
    """The Met column: a goal counts only for a grade that scored full marks."""
    got, _, full = score.partition("/")
    if got != full:
        return f"**no** (score {score}: the grade itself failed)"
    return "yes" if ok else "**no**"


NET_NAMES = {"two": "TwoLayerMLP [150, 150]", "single": "SingleLayerMLP 60"}


def report(args, info, results):
    lines = ["# Benchmarks of the grader and the course's references", "",
             f"Machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable); "
             f"Python {info['python']}, numpy {info['numpy']}, torch {info['torch']}; {info['date']}. "
             f"Load average before / after: {info['load_before'][0]:.2f} / {info['load_after'][0]:.2f} "
             "(other work on a shared machine makes every time here longer, never shorter; "
             "best-of counts are used for that reason).",
             "", "Run: `benchmarks/run.sh " + " ".join(sys.argv[1:]) + "`", "", *busy_warning(info, results),
             "| # | Measure | Result | Goal | Met |", "|---|---|---|---|---|"]
    if "grade" in results:
        for name, r in results["grade"].items():
            lines.append(f"| 1 | `grader grade` reference mlp_numpy end to end, {name}, best of 3 "
                         f"(score {r['score']}) | {r['best']:.2f} s | < {GOALS['grade']:g} s "
                         f"(better < {GOALS['grade_better']:g} s) | {met(r['best'] < GOALS['grade_better'], r['score'])} |")
    if "memory" in results:
        m = results["memory"]
        kinds = ", ".join(f"{n} {k}{'s' if n > 1 else ''} {mb:.0f} MB"
                          for k, (n, mb) in sorted(m["processes"].items()))
        lines.append(f"| 2 | Peak memory of all grading processes together during one grade, sum of PSS "
                     f"({kinds} at the peak; sum of RSS {m['rss']:.0f} MB) | {m['pss']:.0f} MB "
                     f"| < {GOALS['memory_mb']:g} MB | {met(m['pss'] < GOALS['memory_mb'], m['score'])} |")
    if "sandbox" in results:
        s = results["sandbox"]
        sb, ip = s["best"]["sandbox"]["checks"], s["best"]["in-process"]["checks"]
        scores = {f"{r['score']:g}/{r['max_score']:g}" for r in s["best"].values()}
        lines.append(f"| 3 | Check time of all mlp_numpy checks, `student` sandboxed / in-process, best of 3 "
                     f"(score {', '.join(sorted(scores))}) | {sb:.2f} s / {ip:.2f} s = **{s['ratio']:.2f}** "
                     f"| <= {GOALS['sandbox']:g} | {met(s['ratio'] <= GOALS['sandbox'], worst_score(scores))} |")
        st = s["steady"]
        lines.append(f"| 3 | The same in the steady state: the checks after the first (which waits for the worker "
                     f"to start), best of 3 | {st['sandbox']:.2f} s / {st['in-process']:.2f} s = "
                     f"**{s['ratio_steady']:.2f}** | <= {GOALS['sandbox']:g} "
                     f"| {met(s['ratio_steady'] <= GOALS['sandbox'], worst_score(scores))} |")
    if "epoch" in results:
        for (threads, net), e in results["epoch"].items():
            b = e["best"]
            lines.append(f"| 4 | Epoch of {NET_NAMES[net]} (batch 64, {e['info']['numpy']['batches']} batches), "
                         f"numpy reference / PyTorch computing the gradient wrt the input too (`{FAIR_TORCH}`: "
                         f"the reference's backward must return it), {threads} thread(s) | {b['reference']:.2f} s / "
                         f"{b[FAIR_TORCH]:.2f} s = **{e['ratio']:.2f}** | <= {GOALS['epoch']:g} "
                         f"| {met(e['ratio'] <= GOALS['epoch'])} |")
            lines.append(f"| 4 | (information) the same, numpy reference / plain PyTorch (no gradient wrt the "
                         f"input), {threads} thread(s) | {b['reference']:.2f} s / {b['torch']:.2f} s = "
                         f"{e['ratio_plain']:.2f} | none | - |")
    lines += relu_rows(results)
    lines += new_rows(results)
    lines += details(args, results)
    return "\n".join(lines) + "\n"


def relu_rows(results):
    lines = []
    if "relu" in results:
        run, grade = results["relu"]["training"], results["relu"]["grade"]
        lines.append(f"| 5 | relu_nets short training run alone on this CPU: the reference's modules.py through "
                     f"solutions/relu_nets/worker/training.py run_training as the digits checks call it, {run['epochs']} epochs of "
                     f"train_epoch over {run['train_samples']} training samples (batches of {run['batch_size']}, "
                     f"a {'-'.join(map(str, run['sizes']))} MLP, float32, 1 torch thread), best of 3 "
                     f"(accuracy on the {run['test_samples']} held-out samples {run['accuracy']:.1%}; the whole "
                     f"run_training call with evaluation {run['wall']:.3f} s) | {run['seconds']:.3f} s "
                     f"| <= {GOALS['training_s']:g} s (the check's budget) | {met(run['seconds'] <= GOALS['training_s'])} |")
        lines.append(f"| 5 | `grader grade` reference relu_nets end to end, all cores, best of 3 "
                     f"(score {grade['score']}) | {grade['best']:.2f} s | < {GOALS['grade']:g} s "
                     f"(better < {GOALS['grade_better']:g} s) "
                     f"| {met(grade['best'] < GOALS['grade_better'], worst_score(grade['score'].split(', ')))} |")
    if "relu_memory" in results:
        m = results["relu_memory"]
        kinds = ", ".join(f"{n} {k}{'s' if n > 1 else ''} {mb:.0f} MB"
                          for k, (n, mb) in sorted(m["processes"].items()))
        lines.append(f"| 6 | Peak memory of all grading processes together during one relu_nets grade (the grader "
                     f"and its workers import torch), sum of PSS ({kinds} at the peak; sum of RSS then "
                     f"{m['rss_then']:.0f} MB, largest sum of RSS {m['rss']:.0f} MB) | {m['pss']:.0f} MB "
                     f"| none (information; mlp_numpy's goal is < {GOALS['memory_mb']:g} MB) "
                     f"| {'-' if m['score'].split('/')[0] == m['score'].split('/')[-1] else met(True, m['score'])} |")
    if "gpu" in results:
        g = results["gpu"]
        if g is None:
            lines.append("| 7 | relu_nets short training run on a GPU | not measured: no "
                         f"benchmarks/{GPU_RESULTS.name} (run `python benchmarks/gpu_training.py` on a GPU "
                         "machine and commit the JSON it writes) | none | - |")
        else:
            lines.append(f"| 7 | relu_nets short training run on a GPU ({g.get('device_name', '?')}; "
                         f"{g.get('epochs', '?')} epochs, {g.get('train_samples', '?')} samples, best of "
                         f"{len(g.get('all_seconds', [])) or '?'}; accuracy {g.get('accuracy', float('nan')):.1%}; "
                         f"torch {g.get('torch', '?')}, measured {g.get('date', '?')}, from "
                         f"benchmarks/{GPU_RESULTS.name}) | {g['seconds']:.3f} s "
                         f"| <= {GOALS['training_s']:g} s (the check's budget) | {met(g['seconds'] <= GOALS['training_s'])} |")
    return lines


def new_rows(results):
    return pytest_rows(results) + hang_rows(results) + assignment_rows(results) + limit_rows(results)


LIMIT_MEASURES = {  # limits.py's measures: what each is
    "truth": "the truth tables on the costliest network they accept (OR with layers scaling by 1e300 and "
             "1e-300, exact arithmetic just under MAX_EXACT_COST, every point in doubt)",
    "unpack": "unpacking and reading the largest mlp_numpy submission the unpacker accepts (both sources just "
              "under MAX_SOURCE_BYTES of the costliest Python to parse, a helper, data files up to MAX_BYTES), "
              "with every static check on every source",
    "unpack-notebook": "the same for relu_nets' modules.ipynb at the notebook limits",
    "grade": "`grade()` of that largest mlp_numpy submission, every check (the grader process; its workers "
             "have limits of their own)",
}


def grader_at_the_limits():
    """limits.py's figures, each measured in a fresh interpreter: {measure: {"seconds", "peak_mb", ...}}."""
    found = {}
    for name in LIMIT_MEASURES:
        done = subprocess.run([PYTHON, str(HERE / "limits.py"), "--one", name], cwd=ROOT, capture_output=True,
                              text=True)
        if done.returncode:
            raise RuntimeError(f"limits.py {name} failed:\n{done.stderr[-2000:]}")
        found[name] = json.loads(done.stdout.strip().splitlines()[-1])
        progress(f"limits {name}: {found[name]['seconds']} s, {found[name]['peak_mb']} MB")
    return found


def limit_rows(results):
    return [f"| 11 | The grader's own work at the limits it allows: {LIMIT_MEASURES[name]}; a fresh interpreter's "
            f"peak resident size (ru_maxrss) | {r['seconds']:.1f} s; {r['peak_mb']} MB | bounded: no more than "
            f"a check's time limit, memory information | - |" for name, r in results.get("limits", {}).items()]


def pytest_rows(results):
    if "pytest" not in results:
        return []
    p = results["pytest"]
    under, direct = p["best"]["sandbox"]["grade"], p["best"]["direct"]["grade"]
    scores = {f"{r['score']:g}/{r['max_score']:g}" for r in p["best"].values()}
    with_collect = under / (direct + p["collect"])
    return [f"| 8 | What pytest adds to one mlp_numpy grade: the whole `grading.grade` (the checks under pytest) / "
            f"the same checks called directly, without pytest, with the same sandboxed fixtures and deadlines "
            f"(check_time.py direct: open_submission to the sandbox's stop), best of 3 "
            f"(score {', '.join(sorted(scores))}) | {under:.2f} s / {direct:.2f} s = **{p['ratio']:.2f}** "
            f"| <= {GOALS['pytest']:g} | {met(p['ratio'] <= GOALS['pytest'], worst_score(scores))} |",
            f"| 8 | (information) the same, the direct loop charged with finding its checks too (a pytest "
            f"--collect-only run, {p['collect']:.2f} s, which it does before its clock starts) | {under:.2f} s / "
            f"{direct + p['collect']:.2f} s = {with_collect:.2f} | none | - |"]


def hang_rows(results):
    if "hang" not in results:
        return []
    h = results["hang"]
    limit = h["budget"] + GOALS["hang_margin_s"]
    ok = h["exit"] == 0 and h["seconds"] <= limit and h["seconds"] < GOALS["gradescope_s"]
    outcome = (f"killed after {HANG_TIMEOUT_S} s" if h["exit"] == "killed" else
               f"score {h['score']}; of {h['checks']} checks {h['timed_out']} timed out, {h['unrun']} not run "
               f"(the budget was spent), {h['passed']} passed" + (f"; exit {h['exit']}" if h["exit"] else ""))
    return [f"| 9 | `grader grade relu_nets` of a submission that hangs in every function (the handout "
            f"assignments/relu_nets/ with its {sum(h['replaced'].values())} `raise NotImplementedError(...)` made "
            f"`while True: pass`), once ({outcome}) | {h['seconds']:.0f} s | <= {h['budget']:g} + "
            f"{GOALS['hang_margin_s']:g} = {limit:g} s (the budget seconds_total plus {GOALS['hang_margin_s']:g} s) "
            f"and < {GOALS['gradescope_s']:g} s (Gradescope's default timeout) | {'yes' if ok else '**no**'} |"]


def assignment_rows(results):
    lines = []
    for assignment, a in results.get("assignments", {}).items():
        if "skipped" in a:
            lines.append(f"| 10 | `grader grade` reference {assignment} end to end | skipped: {a['skipped']} "
                         "| - | - |")
            continue
        m = a["memory"]
        memory_goal = f"< {GOALS['memory_mb']:g} MB" if assignment == "mlp_numpy" else "information"
        memory_ok = m["pss"] < GOALS["memory_mb"] if assignment == "mlp_numpy" else True
        lines.append(f"| 10 | `grader grade` reference {assignment} end to end, all cores, best of {len(a['all'])} "
                     f"(score {a['score']}); peak memory of all its processes together, sum of PSS (sum of RSS "
                     f"then {m['rss_then']:.0f} MB, {m['most_processes']} processes at most) | {a['best']:.2f} s; "
                     f"{m['pss']:.0f} MB | < {GOALS['grade']:g} s (better < {GOALS['grade_better']:g} s); "
                     f"memory {memory_goal} | {met(a['best'] < GOALS['grade_better'] and memory_ok, m['score'])} |")
    return lines


def new_details(results):
    lines = []
    if "pytest" in results:
        p = results["pytest"]
        lines += ["", "## 8. What pytest adds to a grade", "",
                  f"Whole-grade seconds, under pytest {fmt_list(p['all']['sandbox'])}, direct "
                  f"{fmt_list(p['all']['direct'])}; the direct loop's collection beforehand (pytest "
                  f"--collect-only, excluded from its grade) {p['collect']:.2f} s at best. Outside the check "
                  f"functions (the grade less the sum of the checks' calls, best of 3): under pytest "
                  f"{p['outside']['sandbox']:.2f} s, direct {p['outside']['direct']:.2f} s (preparing the "
                  "submission, the results, the sandbox's stop; under pytest also its start-up, the "
                  "collection and import of the check files, and its teardown).", "",
                  "Checks that take longest under pytest against direct calls (best of 3 each, ms):", "",
                  "| check | pytest | direct | difference |", "|---|---|---|---|"]
        ranked = sorted(p["per_check"].items(), key=lambda kv: kv[1][0] - kv[1][1], reverse=True)
        for name, (under, direct) in ranked[:8]:
            lines.append(f"| {name} | {under * 1000:.1f} | {direct * 1000:.1f} | {(under - direct) * 1000:+.1f} |")
    if "hang" in results:
        h = results["hang"]
        lines += ["", "## 9. A submission that hangs in every function", "",
                  "Made from the handout assignments/relu_nets/ (module-level code as it is): "
                  + ", ".join(f"{name} {count} statement(s)" for name, count in h["replaced"].items())
                  + f". One `grader grade` with GRADER_SANDBOX_UID_BASE of its own: {h['seconds']:.1f} s, exit "
                  f"{h['exit']}, score {h['score']}; {h['checks']} checks in results.json, {h['timed_out']} "
                  f"timed out, {h['unrun']} not run once the budget of {h['budget']:g} s was spent, "
                  f"{h['passed']} passed, {h['checks'] - h['timed_out'] - h['unrun'] - h['passed']} failed without "
                  "timing out."]
    if "assignments" in results:
        lines += ["", "## 10. Every assignment", ""]
        for assignment, a in results["assignments"].items():
            if "skipped" in a:
                lines.append(f"- {assignment}: skipped, {a['skipped']}")
                continue
            m = a["memory"]
            kinds = ", ".join(f"{n} {k}{'s' if n > 1 else ''} {mb:.0f} MB"
                              for k, (n, mb) in sorted(m["processes"].items()))
            lines.append(f"- {assignment}: grades {fmt_list(a['all'])} s; peak sum of PSS {m['pss']:.0f} MB "
                         f"({kinds}), largest sum of RSS {m['rss']:.0f} MB, over {m['samples']} samples")
    return lines


def busy_warning(info, results):
    """A warning when other work shared the machine: a high load, or epochs short of their core."""
    shares = [e["cpu_of_best"][name] / wall for (threads, _), e in results.get("epoch", {}).items()
              if threads == 1 for name, wall in e["best"].items()]
    signs = []
    if max(info["load_before"][0], info["load_after"][0]) > 2.0:  # this run alone adds about 1
        signs.append(f"load average up to {max(info['load_before'][0], info['load_after'][0]):.1f} on "
                     f"{info['cores']} cores")
    if shares and min(shares) < 0.9:
        signs.append(f"a one-thread epoch had its core for only {min(shares):.0%} of its best wall time")
    if not signs:
        return []
    return [f"**Warning: the machine was busy** ({'; '.join(signs)}): the times below are longer, "
            "and their ratios noisier, than on a quiet machine.", ""]


def details(args, results):
    lines = []
    if "grade" in results:
        lines += ["", "## 1. Grading time", ""]
        for name, r in results["grade"].items():
            lines.append(f"- {name}: {fmt_list(r['all'])} s")
    if "memory" in results:
        m = results["memory"]
        lines += ["", "## 2. Peak memory", "",
                  f"{m['samples']} samples of the whole process tree (up to {m['most_processes']} processes); "
                  f"sum of PSS at its peak {m['pss']:.0f} MB (sum of RSS then {m['rss_then']:.0f} MB); "
                  f"the largest sum of RSS seen {m['rss']:.0f} MB. RSS counts numpy's shared libraries once "
                  "per process, PSS splits them."]
    if "sandbox" in results:
        s = results["sandbox"]
        lines += ["", "## 3. Sandbox overhead", "",
                  f"Checks' seconds (grading.run_pytest: pytest's collection and every check), in-process {fmt_list(s['all']['in-process'])}, "
                  f"sandboxed {fmt_list(s['all']['sandbox'])}. Whole grade() of the best runs: "
                  f"in-process {s['best']['in-process']['grade']:.2f} s, "
                  f"sandboxed {s['best']['sandbox']['grade']:.2f} s.", "",
                  "Checks that take longest sandboxed (best of 3 each, ms):", "",
                  "| check | sandboxed | in-process | difference |", "|---|---|---|---|"]
        ranked = sorted(s["per_check"].items(), key=lambda kv: kv[1][0] - kv[1][1], reverse=True)
        for name, (sandboxed, in_process) in ranked[:8]:
            lines.append(f"| {name} | {sandboxed * 1000:.1f} | {in_process * 1000:.1f} "
                         f"| {(sandboxed - in_process) * 1000:+.1f} |")
        requests = s["best"]["sandbox"]["requests"]
        lines += ["", "Requests to the workers in the best sandboxed run (count, total ms; an "
                  "`import` is the first request to a fresh worker and waits for it to start):", ""]
        lines += [f"- {op}: {r['count']}, {r['seconds'] * 1000:.1f} ms" for op, r in requests.items()]
    if "epoch" in results:
        lines += ["", "## 4. Epochs, numpy reference vs PyTorch", "",
                  "Synthetic Omniglot-sized data: 6660 x 11025 float64 inputs in [0, 1), 12 classes; "
                  "momentum 0.4, dropout 0.2, lr 0.001, batch 64 in a fresh order each epoch, as "
                  "solutions/mlp_numpy/experiments.py trains (evaluation not timed). PyTorch: float64 "
                  "nn.Linear + ReLU + Dropout, CrossEntropyLoss, SGD(momentum=0.4). Thread counts: "
                  "OPENBLAS/OMP/MKL_NUM_THREADS and torch.set_num_threads. `torch+input-grad` also "
                  "computes the gradient wrt the input, as the reference's backward must (its contract: "
                  "backward returns the gradient wrt x, the first layer's too), so it does the same arithmetic: "
                  "its input has requires_grad=True and loss.backward() fills the input's .grad. It is the "
                  "goal's baseline; plain `torch` skips the first layer's g W product and is shown for "
                  "information.", "",
                  "The CPU seconds of the process over the best epoch show how much of its wall time "
                  "it had the core (with 1 thread, CPU s well under the wall s means other work took it).", "",
                  f"| threads | network | variant | best epoch s (CPU s) | all | ms/batch | / {FAIR_TORCH} | / torch |",
                  "|---|---|---|---|---|---|---|---|"]
        for (threads, net), e in results["epoch"].items():
            batches = e["info"]["numpy"]["batches"]
            blas = e["info"]["numpy"]["numpy_blas_threads"]
            for name, best in e["best"].items():
                lines.append(f"| {threads} (OpenBLAS says {blas}, torch {e['info']['torch']['torch_threads']}) "
                             f"| {NET_NAMES[net]} | {name} | {best:.2f} ({e['cpu_of_best'][name]:.2f}) | {fmt_list(e['all'][name])} "
                             f"| {best / batches * 1000:.1f} | {best / e['best'][FAIR_TORCH]:.2f} "
                             f"| {best / e['best']['torch']:.2f} |")
        matmul = [(t, n, e["info"]) for (t, n), e in results["epoch"].items() if "matmul_ms" in e["info"]["numpy"]]
        if matmul:
            lines += ["", "The first layer's three products of one batch, best of 20 (ms):", "",
                      "| threads | network | product | numpy (OpenBLAS) | torch (MKL) |", "|---|---|---|---|---|"]
            for threads, net, info in matmul:
                for name, ms in info["numpy"]["matmul_ms"].items():
                    lines.append(f"| {threads} | {NET_NAMES[net]} | {name} | {ms:.2f} "
                                 f"| {info['torch']['matmul_ms'].get(name, float('nan')):.2f} |")
    if "relu" in results:
        run, grade = results["relu"]["training"], results["relu"]["grade"]
        lines += ["", "## 5. relu_nets on the CPU", "",
                  f"Training run (benchmarks/gpu_training.py --device cpu): train_epoch seconds "
                  f"{run['all_seconds']}, whole run_training {run['all_wall']}; lr {run['lr']}, torch {run['torch']}. "
                  f"`grader grade relu_nets`: {fmt_list(grade['all'])} s."]
    if "relu_memory" in results:
        m = results["relu_memory"]
        lines += ["", "## 6. Peak memory of a relu_nets grade", "",
                  f"{m['samples']} samples of the whole process tree (up to {m['most_processes']} processes); "
                  f"sum of PSS at its peak {m['pss']:.0f} MB (sum of RSS then {m['rss_then']:.0f} MB); "
                  f"the largest sum of RSS seen {m['rss']:.0f} MB (`grader measure`, which sums RSS, stored "
                  "its own measurement in solutions/relu_nets/assignment.toml)."]
    lines += new_details(results)
    return lines


def main():
    args = parse()
    info = machine()
    results = {}
    started = time.perf_counter()
    if "grade" in args.only:
        results["grade"] = grading_time(args)
    if "memory" in args.only:
        results["memory"] = peak_memory(args)
    if "sandbox" in args.only:
        results["sandbox"] = sandbox_overhead(args)
    if "epoch" in args.only:
        results["epoch"] = epochs(args)
    if "relu" in args.only:
        results["relu"] = relu_training(args)
    if "relu_memory" in args.only:
        results["relu_memory"] = peak_memory(args, "relu_nets")
    if "gpu" in args.only:
        results["gpu"] = gpu_training_results()
    if "pytest" in args.only:
        results["pytest"] = pytest_overhead(args)
    if "hang" in args.only:
        results["hang"] = hanging_grade(args)
    if "assignments" in args.only:
        results["assignments"] = every_assignment(args)
    if "limits" in args.only:
        results["limits"] = grader_at_the_limits()
    info["load_after"] = os.getloadavg()
    text = report(args, info, results)
    text += f"\nThe whole run took {time.perf_counter() - started:.0f} s.\n"
    print(text)
    args.out.write_text(text)
    progress(f"written to {args.out}")


if __name__ == "__main__":
    main()
