"""Train the same network with course.nn and with PyTorch on CPU, side by side.

    python benchmarks/bench_nn_vs_torch.py [--repeats N] [--no-write]

Both sides start from the same weights (copied from the course.nn network), see
the same mini-batches in the same order, use Adam with the same settings and one
thread each. For every workload the script reports the median wall time of
several repeats (training only: building the optimizer and running the epochs,
logging each step's cost), the ratio course.nn / PyTorch of the medians (and of
the fastest runs, which other jobs on a shared machine disturb least), the dev
accuracy each side reached, and the achieved GFLOP/s of the matrix products
against this machine's float32 matmul peak (one 1024 x 1024 product), measured in
the same run. The table goes into benchmarks/README.md, between the START and END
markers below.

PyTorch is optional: without it, only course.nn is timed. Install the CPU build
with `pip install torch==2.13.0` (a plain `pip install torch` pulls several GB of
GPU packages).
"""

import os

# One thread everywhere, set before NumPy or PyTorch load their thread pools.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import datetime  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import numpy as np  # noqa: E402
from readme_section import cpu_model, write_section  # noqa: E402

from course.data import digits_split, make_spirals  # noqa: E402
from course.nn import Adam, FullyConnectedNet, Trainer  # noqa: E402

try:
    import torch
except ImportError:  # the benchmark still times course.nn alone
    torch = None

INSTALL_HINT = "PyTorch is not installed; install its CPU build with: pip install torch==2.13.0"


@dataclass(frozen=True)
class Workload:
    label: str
    dataset: str  # "digits" or "spirals"
    dims: tuple  # (input, hidden..., classes)
    batch_size: int
    num_epochs: int
    learning_rate: float
    target: float  # the ratio course.nn / PyTorch to stay under


WORKLOADS = [
    Workload("a", "digits", (64, 64, 64, 10), 64, 1, 1e-2, 0.5),
    Workload("b", "digits", (64, 64, 64, 10), 256, 1, 1e-2, 0.5),
    Workload("c", "digits", (64, 256, 256, 10), 64, 1, 1e-2, 0.8),
    Workload("d", "spirals", (2, 16, 16, 2), 1000, 200, 1e-2, 0.5),
]


def load(dataset):
    """(X_train, y_train, X_dev, y_dev) as float32 / int64."""
    if dataset == "digits":
        s = digits_split(seed=0)
        return s.X_train, s.y_train, s.X_dev, s.y_dev
    X, y = make_spirals(1000, rng=0)
    X_dev, y_dev = make_spirals(1000, rng=1)
    return X, y, X_dev, y_dev


def course_net(work, use_batchnorm):
    return FullyConnectedNet(work.dims[0], work.dims[-1], hidden_dims=work.dims[1:-1],
                             use_batchnorm=use_batchnorm, rng=0)


def run_course(work, use_batchnorm, data):
    """Train a fresh course.nn network; return (seconds, dev accuracy)."""
    X, y, X_dev, y_dev = data
    net = course_net(work, use_batchnorm)
    start = time.perf_counter()
    trainer = Trainer(net, Adam(work.learning_rate), X, y, batch_size=work.batch_size, rng=1,
                      eval_every=0)
    trainer.run(work.num_epochs)
    seconds = time.perf_counter() - start
    return seconds, net.accuracy(X_dev, y_dev)


def torch_copy(net):
    """A torch.nn.Sequential with the same layers and starting weights as `net`."""
    layers, p = [], net.params
    with torch.no_grad():
        for l in range(1, net.num_layers + 1):
            W = torch.from_numpy(p[f"W{l}"].copy())
            hidden = l < net.num_layers
            linear = torch.nn.Linear(*W.shape, bias=not (hidden and net.use_batchnorm))
            linear.weight.copy_(W.T)
            layers.append(linear)
            if hidden and net.use_batchnorm:
                norm = torch.nn.BatchNorm1d(W.shape[1], eps=net.bn_eps,
                                            momentum=1 - net.bn_momentum)
                norm.weight.copy_(torch.from_numpy(p[f"gamma{l}"]))
                norm.bias.copy_(torch.from_numpy(p[f"beta{l}"]))
                layers.append(norm)
            else:
                linear.bias.copy_(torch.from_numpy(p[f"b{l}"]))
            if hidden:
                layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def run_torch(work, use_batchnorm, data):
    """Train the same network in PyTorch; return (seconds, dev accuracy)."""
    X, y, X_dev, y_dev = (torch.from_numpy(np.ascontiguousarray(a)) for a in data)
    model = torch_copy(course_net(work, use_batchnorm))
    model.train()
    loss_fn = torch.nn.CrossEntropyLoss()
    order_rng = np.random.default_rng(1)  # the Trainer's rng: the same epoch orders
    n, costs = len(y), []
    start = time.perf_counter()
    optimizer = torch.optim.Adam(model.parameters(), lr=work.learning_rate, betas=(0.9, 0.999),
                                 eps=1e-8)
    for _ in range(work.num_epochs):
        if work.batch_size >= n:  # as the Trainer does: one batch needs no shuffling
            X_epoch, y_epoch = X, y
        else:
            order = torch.from_numpy(order_rng.permutation(n))
            X_epoch, y_epoch = X[order], y[order]
        for first in range(0, n, work.batch_size):
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(X_epoch[first:first + work.batch_size]),
                           y_epoch[first:first + work.batch_size])
            loss.backward()
            optimizer.step()
            costs.append(loss.item())
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        accuracy = (model(X_dev).argmax(dim=1) == y_dev).double().mean().item()
    return seconds, accuracy


def matmul_flops(work, n_examples):
    """Floating-point operations of the matrix products in training (elementwise work not
    counted): forward 2*in*out per example and layer, the weight gradient as much again,
    and the input gradient as much again for every layer but the first."""
    pairs = list(zip(work.dims[:-1], work.dims[1:], strict=False))
    per_example = sum(6 * i * o for i, o in pairs) - 2 * pairs[0][0] * pairs[0][1]
    return per_example * n_examples * work.num_epochs


def matmul_peak(repeats=15):
    """float32 GFLOP/s of one 1024 x 1024 matrix product (the fastest of `repeats`:
    a peak, which other jobs on the machine can only lower)."""
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((1024, 1024)).astype(np.float32) for _ in range(2))
    a @ b
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return 2 * 1024**3 / min(times) / 1e9


def measure(repeats):
    rows = []
    for work in WORKLOADS:
        data = load(work.dataset)
        flops = matmul_flops(work, len(data[1]))
        for use_batchnorm in (False, True):
            sides = {"course": run_course} | ({"torch": run_torch} if torch else {})
            times = {side: [] for side in sides}
            accuracy = {}
            for side, run in sides.items():  # one warm-up each
                accuracy[side] = run(work, use_batchnorm, data)[1]
            for _ in range(repeats):  # interleaved, so both sides share the machine's moods
                for side, run in sides.items():
                    times[side].append(run(work, use_batchnorm, data)[0])
            median = {side: statistics.median(t) for side, t in times.items()}
            best = {side: min(t) for side, t in times.items()}
            rows.append((work, use_batchnorm, median, best, accuracy, flops))
            line = f"({work.label}) bn={use_batchnorm!s:5}"
            for side in sides:
                line += f"  {side} {median[side] * 1e3:7.2f} ms acc {accuracy[side]:.3f}"
            if torch:
                line += (f"  ratio {median['course'] / median['torch']:.2f} "
                         f"(best runs {best['course'] / best['torch']:.2f})")
            print(line, flush=True)
    return rows


def table(rows, peak, load_before, load_after, repeats):
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    torch_version = torch.__version__ if torch else "not installed"
    lines = [
        f"Measured {now} on {cpu_model()}, `nproc` = {len(os.sched_getaffinity(0))}; numpy "
        f"{np.__version__}, torch {torch_version}, Python {platform.python_version()}; one "
        f"thread per side. float32 matmul peak (best 1024 x 1024 product): **{peak:.0f} "
        f"GFLOP/s**. Times are medians of {repeats} interleaved runs. Load average "
        f"{load_before:.2f} before and {load_after:.2f} after: above about 1, other jobs were "
        "sharing the machine and the times are noisier.",
        "",
        "| workload | batch norm | course.nn ms | PyTorch ms | ratio | ratio of best runs | target "
        "| dev acc course.nn | dev acc PyTorch | course.nn GFLOP/s (% of peak) | PyTorch GFLOP/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for work, use_batchnorm, median, best, accuracy, flops in rows:
        shape = "-".join(map(str, work.dims))
        name = (f"({work.label}) {work.dataset} {shape}, batch {work.batch_size}, "
                f"{work.num_epochs} epoch{'s' if work.num_epochs > 1 else ''}")
        course_gflops = flops / median["course"] / 1e9
        if torch:
            ratio = median["course"] / median["torch"]
            verdict = "" if ratio <= work.target else " (missed)"
            torch_cells = (f"{median['torch'] * 1e3:.2f} | **{ratio:.2f}**{verdict} | "
                           f"{best['course'] / best['torch']:.2f} | <= {work.target} | "
                           f"{accuracy['course']:.3f} | {accuracy['torch']:.3f}")
            torch_gflops = f"{flops / median['torch'] / 1e9:.2f}"
        else:
            torch_cells = f"- | - | - | <= {work.target} | {accuracy['course']:.3f} | -"
            torch_gflops = "-"
        lines.append(f"| {name} | {'yes' if use_batchnorm else 'no'} | "
                     f"{median['course'] * 1e3:.2f} | {torch_cells} | "
                     f"{course_gflops:.2f} ({100 * course_gflops / peak:.1f}%) | {torch_gflops} |")
    if not torch:
        lines += ["", INSTALL_HINT + "."]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per side (median)")
    parser.add_argument("--no-write", action="store_true", help="print, do not edit README.md")
    args = parser.parse_args()
    if torch is None:
        print(INSTALL_HINT)
    else:
        torch.set_num_threads(1)
    load_before = os.getloadavg()[0]
    peak = matmul_peak()
    print(f"float32 matmul peak: {peak:.0f} GFLOP/s", flush=True)
    rows = measure(args.repeats)
    peak = max(peak, matmul_peak())  # once more at the end, in case the start was busy
    text = table(rows, peak, load_before, os.getloadavg()[0], args.repeats)
    print(text)
    if not args.no_write:
        write_section("bench_nn_vs_torch", "## course.nn vs PyTorch (CPU)\n\n" + text)
        print("wrote benchmarks/README.md")


if __name__ == "__main__":
    main()
