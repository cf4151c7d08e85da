"""Training-epoch time of mlp_numpy networks on Omniglot-sized data, numpy or PyTorch.

    python benchmarks/mlp_epoch.py --lib numpy --net two --variant reference=solutions/mlp_numpy/mlp.py
    python benchmarks/mlp_epoch.py --lib torch --net single --variant torch --variant torch+input-grad

One process, one library. The data are synthetic but shaped like the
homework's Omniglot set: 6660 x 11025 float64 inputs in [0, 1), 12 classes.
An epoch is one pass of minibatch SGD, batch 64, in a fresh random order,
exactly as solutions/mlp_numpy/experiments.py trains (the evaluation passes
are not timed). The variants of one process take turns epoch by epoch, so a
slow moment of a shared machine hits them alike. BLAS threads come from the
environment (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS), set by
the caller before numpy is imported; PyTorch gets torch.set_num_threads of
the same number. Prints one JSON object.
"""
import argparse
import ctypes
import glob
import importlib.util
import json
import math
import os
import time

import numpy as np

ROWS, FEATURES, CLASSES, BATCH = 6660, 11025, 12, 64
NETS = {"two": [150, 150], "single": [60]}
MOMENTUM, DROPOUT, LR = 0.4, 0.2, 0.001


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lib", choices=["numpy", "torch"], required=True)
    parser.add_argument("--net", choices=sorted(NETS), required=True)
    parser.add_argument("--variant", action="append", required=True,
                        help="numpy: NAME=PATH of an mlp.py; torch: torch or torch+input-grad")
    parser.add_argument("--batches", type=int, default=0, help="batches per timed epoch (0: all 105)")
    parser.add_argument("--reps", type=int, default=1, help="timed epochs per variant")
    return parser.parse_args()


def numpy_blas_threads():
    """OpenBLAS's own thread count, asked from the library numpy loaded (None if not found)."""
    folder = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    for path in glob.glob(os.path.join(folder, "*openblas*")):
        lib = ctypes.CDLL(path)
        for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                     "openblas_get_num_threads"):
            if hasattr(lib, name):
                return int(getattr(lib, name)())
    return None


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def numpy_trainer(mlp, hidden):
    """A function that runs one SGD step of the mlp.py network on a batch; returns the loss."""
    np.random.seed(0)
    if len(hidden) == 1:
        model = mlp.SingleLayerMLP(FEATURES, CLASSES, hiddenlayer=hidden[0], alpha=MOMENTUM,
                                   dropout_chance=DROPOUT, lr=LR)
    else:
        model = mlp.TwoLayerMLP(FEATURES, CLASSES, hiddenlayers=hidden, alpha=MOMENTUM,
                                dropout_chance=DROPOUT, lr=LR)
    loss_fn = mlp.SoftmaxCrossEntropyLoss()

    def train_step(x, y):
        model.zerograd()
        loss = loss_fn.forward(model.forward(x, train=True), mlp.labels2onehot(y, CLASSES))
        model.backward(loss_fn.backward())
        model.step()
        return loss
    return train_step


def torch_trainer(hidden, input_grad):
    """The same network in PyTorch, float64: Linear, ReLU, Dropout; SGD with momentum.

    torch's SGD keeps buf = momentum * buf + grad and does param -= lr * buf,
    the reference's G_M = alpha G_M + G. With input_grad (the variant
    torch+input-grad, the fair baseline), the input has requires_grad=True and
    autograd also computes its .grad, the gradient wrt the input that the
    reference's backward must return (the first layer's too): the same
    arithmetic as the reference. Plain torch skips that product.
    """
    import torch
    torch.manual_seed(0)
    layers, sizes = [], [FEATURES, *hidden]
    for indim, outdim in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(indim, outdim), torch.nn.ReLU(), torch.nn.Dropout(DROPOUT)]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(sizes[-1], CLASSES)).double().train()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    loss_fn = torch.nn.CrossEntropyLoss()

    def train_step(x, y):
        optimizer.zero_grad()
        inputs = torch.from_numpy(x).requires_grad_(input_grad)
        loss = loss_fn(model(inputs), torch.from_numpy(y))
        loss.backward()
        if input_grad and inputs.grad is None:  # the reference's contract: backward returns it
            raise RuntimeError("autograd did not compute the gradient wrt the input")
        optimizer.step()
        return loss.item()
    return train_step


def first_layer_products(lib, hidden, rng):
    """Best-of-20 milliseconds of the first layer's three products on one batch."""
    x, W = rng.random((BATCH, FEATURES)), rng.random((hidden[0], FEATURES))
    g = rng.random((BATCH, hidden[0]))
    if lib == "torch":
        import torch
        x, W, g = map(torch.from_numpy, (x, W, g))
        products = {"forward x W^T": lambda: torch.nn.functional.linear(x, W),
                    "grad of W: g^T x": lambda: g.T @ x, "grad of x: g W": lambda: g @ W}
    else:
        products = {"forward x W^T": lambda: x @ W.T,
                    "grad of W: g^T x": lambda: g.T @ x, "grad of x: g W": lambda: g @ W}
    found = {}
    for name, product in products.items():
        product()
        times = []
        for _ in range(20):
            start = time.perf_counter()
            product()
            times.append(time.perf_counter() - start)
        found[name] = min(times) * 1000
    return found


def main():
    args = parse()
    threads = int(os.environ.get("OPENBLAS_NUM_THREADS", "0")) or os.cpu_count()
    info = {"lib": args.lib, "net": args.net, "hidden": NETS[args.net],
            "numpy_blas_threads": numpy_blas_threads()}
    if args.lib == "torch":
        import torch
        torch.set_num_threads(threads)
        info["torch_threads"] = torch.get_num_threads()
        trainers = {name: torch_trainer(NETS[args.net], name == "torch+input-grad") for name in args.variant}
    else:
        trainers = {}
        for number, spec in enumerate(args.variant):
            name, path = spec.split("=", 1)
            trainers[name] = numpy_trainer(load_module(path, f"_bench_mlp_{number}"), NETS[args.net])

    rng = np.random.default_rng(0)
    x = rng.random((ROWS, FEATURES))
    y = rng.integers(0, CLASSES, ROWS)
    batches = args.batches or math.ceil(ROWS / BATCH)

    def epoch(train_step, order, count=batches):
        """(wall seconds, CPU seconds of this process, last loss) of one pass."""
        start, cpu, loss = time.perf_counter(), time.process_time(), float("nan")
        for first in range(0, min(ROWS, count * BATCH), BATCH):
            rows = order[first:first + BATCH]
            loss = train_step(x[rows], y[rows])
        return time.perf_counter() - start, time.process_time() - cpu, loss

    for train_step in trainers.values():  # warm-up: first-touch of buffers, BLAS set-up
        epoch(train_step, rng.permutation(ROWS), count=5)
    seconds = {name: [] for name in trainers}
    cpu_seconds = {name: [] for name in trainers}
    last_loss = {}
    for _ in range(args.reps):
        order = rng.permutation(ROWS)
        for name, train_step in trainers.items():
            took, cpu, last_loss[name] = epoch(train_step, order)
            seconds[name].append(took)
            cpu_seconds[name].append(cpu)
    info["matmul_ms"] = first_layer_products(args.lib, NETS[args.net], rng)
    print(json.dumps({**info, "batches": batches, "seconds": seconds, "cpu_seconds": cpu_seconds,
                      "last_loss": last_loss}))


if __name__ == "__main__":
    main()
