"""The relu_nets short training run alone (the reference's modules.py on scikit-learn's 8x8 digits), timed.

    python benchmarks/gpu_training.py                 # on the GPU: prints and writes benchmarks/gpu_training.json
    python benchmarks/gpu_training.py --device cpu    # the same on the CPU; prints only (benchmarks/run.py uses it)

Needs only torch, numpy and scikit-learn: no install of this repository and no sandbox. It
imports solutions/relu_nets/worker/training.py (the module the checks load with
grader.checks.worker_module) and the reference solutions/relu_nets/modules.py by their
paths, with the repository root put first on sys.path for the grader.datasets that
training.py reads the digits with. It runs the same code path as the checks
`train_on_digits` (public) and `training_loop_learns_digits` (hidden):
training.run_training(modules, ...) with the settings of DIGITS in
solutions/relu_nets/tests_public.py (read from that file, not imported, so the grader's
check framework is not needed), dtype float32, the grader's initial weights and shuffle seed.
`seconds` is the time run_training reports for the train_epoch calls (what the check holds
against its budget), best of --repeats runs in this one process (the first run pays for
CUDA's start-up); `wall` is the whole run_training call (data to the device, evaluation too).

With --device cuda it exits with status 2 and a message when torch sees no GPU, and with
status 3 when run_training fell back to the CPU (it does that when the GPU run raises).
"""
import argparse
import ast
import datetime
import importlib.util
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "gpu_training.json"


def digits_settings():
    """DIGITS = dict(...) of tests_public.py, read as a literal."""
    tree = ast.parse((ROOT / "solutions/relu_nets/tests_public.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "DIGITS" for t in node.targets):
            return {k.arg: ast.literal_eval(k.value) for k in node.value.keywords}
    raise SystemExit("DIGITS not found in solutions/relu_nets/tests_public.py")


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, ROOT / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda", help="cuda (default) or cpu")
    parser.add_argument("--repeats", type=int, default=3, help="runs in this process; the best counts (default 3)")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"JSON file to write (default {OUT.relative_to(ROOT)} with --device cuda, none otherwise)")
    args = parser.parse_args()

    import torch
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print(f"no GPU: torch {torch.__version__} sees no CUDA device (torch.cuda.is_available() is False, "
                 f"built for CUDA {torch.version.cuda}). Run this on a machine with a GPU, or pass --device cpu.",
              file=sys.stderr)
        sys.exit(2)
    sys.path.insert(0, str(ROOT))
    training = load("solutions/relu_nets/worker/training.py", "relu_nets_worker_training")

    digits = digits_settings()
    modules = load("solutions/relu_nets/modules.py", "relu_nets_reference_modules")
    train_x, train_y, test_x, test_y = training.digits_data(digits["seed"])
    settings = dict(weights=training.initial_weights(digits["sizes"], digits["seed"]), train_x=train_x,
                    train_y=train_y, lr=digits["lr"], batch_size=digits["batch_size"], epochs=digits["epochs"],
                    shuffle_seed=digits["seed"], predict_x=test_x, layers="student", device=args.device,
                    dtype="float32")
    runs = []
    for _ in range(max(1, args.repeats)):
        start = time.perf_counter()
        run = training.run_training(modules, **settings)
        wall = time.perf_counter() - start
        if run.get("note") or run["device"] != args.device:
            print(f"the run did not stay on {args.device}: device {run['device']}, {run.get('note', '')}",
                  file=sys.stderr)
            sys.exit(3)
        runs.append({"seconds": run["seconds"], "wall": wall, "accuracy": training.accuracy(run["logits"], test_y),
                     "final_train_loss": run["history"][-1][0]})
    best = min(runs, key=lambda r: r["seconds"])
    device_name = (torch.cuda.get_device_name(torch.device(args.device)) if args.device.startswith("cuda")
                   else platform.processor() or platform.machine())
    result = {"device": args.device, "device_name": device_name, "seconds": round(best["seconds"], 4),
              "wall": round(best["wall"], 4), "accuracy": round(best["accuracy"], 4),
              "all_seconds": [round(r["seconds"], 4) for r in runs], "all_wall": [round(r["wall"], 4) for r in runs],
              "epochs": digits["epochs"], "train_samples": len(train_y), "test_samples": len(test_y),
              "batch_size": digits["batch_size"], "sizes": list(digits["sizes"]), "lr": digits["lr"],
              "dtype": "float32", "torch": torch.__version__, "cuda": torch.version.cuda,
              "torch_threads": 1,  # run_training sets 1 thread for the run
              "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    out = args.out or (OUT if args.device.startswith("cuda") else None)
    text = json.dumps(result)
    if out:
        out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"written to {out}", file=sys.stderr)
    print(text)


if __name__ == "__main__":
    main()
