"""Speed of one MLP training step: tinygrad_edu vs hand-written NumPy vs PyTorch (CPU).

Two models, float32, one SGD step = zero the gradients, forward, loss, backward, update:

- 784-256-256-10 with ReLU and cross-entropy, batch 128 and 1024: the matrix products
  dominate, so the hand-written NumPy step (the same BLAS calls, no framework) is the
  floor. Targets: tinygrad_edu within 1.10x of it at batch 1024 and 1.15x at batch 128.
- 2-16-16-1 with tanh and BCE-with-logits, batch 100: the arrays are tiny, so this
  measures the framework's own cost per step. Target: at most 0.8x PyTorch.

All three start from the same weights (and the script checks that their first losses
agree). Each timing is the median over rounds of the mean time of a block of steps;
the three implementations take turns within each round, so a change in the machine's
load hits them alike. Two clocks: wall time, and the CPU time of this thread (with one
BLAS thread all the work runs in it), which a busy machine disturbs much less. BLAS
threads are pinned (``--threads``, default 1) for NumPy (OPENBLAS/OMP/MKL_NUM_THREADS,
set before NumPy is imported) and for PyTorch (``torch.set_num_threads``).

Run:  python benchmarks/mlp_step.py [--rounds 15] [--threads 1] [--quick]
"""
from __future__ import annotations

import argparse
import os
import time


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds (median taken)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS / PyTorch threads")
    parser.add_argument("--quick", action="store_true", help="a few rounds, for a smoke test")
    return parser.parse_args()


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:  # must happen before NumPy loads its BLAS
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402

import tinygrad_edu as tg  # noqa: E402
from tinygrad_edu import nn  # noqa: E402

LR = 0.01


# --- the models in tinygrad_edu ---


def tg_big(dtype=np.float32) -> nn.Module:
    return nn.Sequential(nn.Linear(784, 256, dtype=dtype), nn.ReLU(),
                         nn.Linear(256, 256, dtype=dtype), nn.ReLU(),
                         nn.Linear(256, 10, dtype=dtype))


def tg_small(dtype=np.float32) -> nn.Module:
    return nn.Sequential(nn.Linear(2, 16, dtype=dtype), nn.Tanh(),
                         nn.Linear(16, 16, dtype=dtype), nn.Tanh(),
                         nn.Linear(16, 1, dtype=dtype))


def tg_stepper(model: nn.Module, loss_fn: nn.Module, x: np.ndarray, y: np.ndarray):
    optimizer = tg.optim.SGD(model.parameters(), lr=LR)
    inputs = tg.Tensor(x)

    def step() -> float:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    step.optimizer = optimizer  # benchmarks/memory.py clears .grad between measurements
    return step


# --- hand-written NumPy: what a competent person writes for these two nets ---


def numpy_big_stepper(weights: list[np.ndarray], x: np.ndarray, labels: np.ndarray):
    w1, b1, w2, b2, w3, b3 = [w.copy() for w in weights]
    n = x.shape[0]
    rows = np.arange(n)

    def step() -> float:
        z1 = x @ w1.T
        z1 += b1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ w2.T
        z2 += b2
        h2 = np.maximum(z2, 0)
        z3 = h2 @ w3.T
        z3 += b3
        z3 -= z3.max(axis=1, keepdims=True)  # stable softmax / log-sum-exp
        e = np.exp(z3)
        total = e.sum(axis=1, keepdims=True)
        loss = (np.log(total[:, 0]) - z3[rows, labels]).mean()
        d3 = e / total  # dL/dz3 = (softmax - onehot) / n
        d3[rows, labels] -= 1
        d3 *= 1.0 / n
        gw3, gb3 = d3.T @ h2, d3.sum(axis=0)
        d2 = d3 @ w3
        d2 *= h2 > 0
        gw2, gb2 = d2.T @ h1, d2.sum(axis=0)
        d1 = d2 @ w2
        d1 *= h1 > 0
        gw1, gb1 = d1.T @ x, d1.sum(axis=0)  # no gradient for the data x
        for w, g in ((w1, gw1), (b1, gb1), (w2, gw2), (b2, gb2), (w3, gw3), (b3, gb3)):
            w -= LR * g
        return float(loss)

    return step


def numpy_small_stepper(weights: list[np.ndarray], x: np.ndarray, y: np.ndarray):
    w1, b1, w2, b2, w3, b3 = [w.copy() for w in weights]
    n = x.shape[0]

    def step() -> float:
        h1 = np.tanh(x @ w1.T + b1)
        h2 = np.tanh(h1 @ w2.T + b2)
        z = h2 @ w3.T + b3
        e = np.exp(-np.abs(z))
        loss = (np.maximum(z, 0) - z * y + np.log1p(e)).mean()
        d3 = (np.where(z >= 0, 1, e) / (1 + e) - y) * (1.0 / n)  # sigmoid(z) - y, over n
        gw3, gb3 = d3.T @ h2, d3.sum(axis=0)
        d2 = (d3 @ w3) * (1 - h2 * h2)
        gw2, gb2 = d2.T @ h1, d2.sum(axis=0)
        d1 = (d2 @ w2) * (1 - h1 * h1)
        gw1, gb1 = d1.T @ x, d1.sum(axis=0)
        for w, g in ((w1, gw1), (b1, gb1), (w2, gw2), (b2, gb2), (w3, gw3), (b3, gb3)):
            w -= LR * g
        return float(loss)

    return step


# --- PyTorch ---


def torch_stepper(torch, model_tg: nn.Module, activation: str, loss_name: str,
                  x: np.ndarray, y: np.ndarray):
    layers = []
    linears = [m for m in model_tg if isinstance(m, nn.Linear)]
    for i, lin in enumerate(linears):
        layer = torch.nn.Linear(lin.in_features, lin.out_features)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(lin.weight.data))
            layer.bias.copy_(torch.from_numpy(lin.bias.data))
        layers.append(layer)
        if i < len(linears) - 1:
            layers.append(torch.nn.ReLU() if activation == "relu" else torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    loss_fn = torch.nn.CrossEntropyLoss() if loss_name == "ce" else torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    inputs, targets = torch.from_numpy(x), torch.from_numpy(y)

    def step() -> float:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        return loss.item()

    step.optimizer = optimizer  # benchmarks/memory.py clears .grad between measurements
    return step


# --- timing ---


def time_steps(steppers: dict, rounds: int, block_seconds: float) -> dict:
    """Median over rounds of the mean step time of a block; the steppers take turns.

    Returns name -> (wall seconds, CPU seconds of this thread) per step. With one BLAS
    thread the two agree on an idle machine; on a busy one the CPU time is the steadier
    measure of each implementation's own work.
    """
    blocks = {}
    for name, step in steppers.items():  # warm up, and size a block to ~block_seconds
        for _ in range(3):
            step()
        start = time.perf_counter()
        step()
        blocks[name] = max(1, int(block_seconds / max(time.perf_counter() - start, 1e-7)))
    wall: dict = {name: [] for name in steppers}
    cpu: dict = {name: [] for name in steppers}
    for _ in range(rounds):
        for name, step in steppers.items():
            start, start_cpu = time.perf_counter(), time.thread_time()
            for _ in range(blocks[name]):
                step()
            wall[name].append((time.perf_counter() - start) / blocks[name])
            cpu[name].append((time.thread_time() - start_cpu) / blocks[name])
    return {name: (float(np.median(wall[name])), float(np.median(cpu[name]))) for name in steppers}


def run_case(title: str, model: nn.Module, activation: str, loss_name: str, x, y, rounds: int,
             block_seconds: float, torch, target: tuple) -> tuple[list, str]:
    weights = [p.data for p in model.parameters()]
    if loss_name == "ce":
        numpy_step = numpy_big_stepper(weights, x, y)
        tg_step = tg_stepper(model, nn.CrossEntropyLoss(), x, y)
    else:
        numpy_step = numpy_small_stepper(weights, x, y)
        tg_step = tg_stepper(model, nn.BCEWithLogitsLoss(), x, y)
    steppers = {"numpy (hand-written)": numpy_step}
    if torch is not None:
        steppers[f"pytorch {torch.__version__}"] = torch_stepper(
            torch, model, activation, loss_name, x, y)
    steppers["tinygrad_edu"] = tg_step
    first_losses = {name: step() for name, step in steppers.items()}  # same start: same loss
    spread = max(first_losses.values()) - min(first_losses.values())
    times = time_steps(steppers, rounds, block_seconds)
    floor = times["numpy (hand-written)"]
    torch_time = next((t for n, t in times.items() if n.startswith("pytorch")), None)
    rows = []
    for name, (wall, cpu) in times.items():
        rows.append((title, name, wall * 1e3, cpu * 1e3, wall / floor[0], cpu / floor[1],
                     (wall / torch_time[0], cpu / torch_time[1]) if torch_time else None))
    baseline, limit = target
    ours = times["tinygrad_edu"]
    reference = floor if baseline == "numpy" else torch_time
    if reference is None:
        verdict = "n/a (PyTorch not installed)"
    else:
        wall_ratio, cpu_ratio = ours[0] / reference[0], ours[1] / reference[1]
        verdict = (f"{wall_ratio:.2f}x {baseline} wall, {cpu_ratio:.2f}x CPU (target <= {limit}x): "
                   + ("met" if wall_ratio <= limit else
                      "met in CPU time only (a busy machine?)" if cpu_ratio <= limit else
                      "NOT met"))
    return rows, f"{title}: {verdict}; first-step losses agree to {spread:.1e}"


def main() -> None:
    args = ARGS
    rounds = 3 if args.quick else args.rounds
    try:
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:
        torch = None
    rng = np.random.default_rng(0)
    tg.manual_seed(0)
    cases = []
    for batch, limit in ((128, 1.15), (1024, 1.10)):
        x = rng.standard_normal((batch, 784)).astype(np.float32)
        labels = rng.integers(0, 10, batch)
        cases.append((f"784-256-256-10, batch {batch}", tg_big(), "relu", "ce", x, labels,
                      0.05 if not args.quick else 0.01, ("numpy", limit)))
    x = rng.standard_normal((100, 2)).astype(np.float32)
    y = (x[:, :1] * x[:, 1:] > 0).astype(np.float32)  # XOR-like quadrants
    cases.append(("2-16-16-1, batch 100", tg_small(), "tanh", "bce", x, y,
                  0.02 if not args.quick else 0.005, ("torch", 0.8)))

    print(f"One SGD training step, float32; median of {rounds} rounds; {args.threads} "
          f"BLAS thread(s) for NumPy (OPENBLAS/OMP/MKL_NUM_THREADS) and "
          f"torch.set_num_threads({args.threads}).")
    if torch is None:
        print("(PyTorch not installed: its row is skipped; pip install torch==2.13.0)")
    print(f"{'model':27s} {'implementation':21s} {'wall ms':>8s} {'CPU ms':>8s} "
          f"{'x numpy (wall/CPU)':>18s} {'x torch (wall/CPU)':>18s}")
    verdicts = []
    for title, model, activation, loss_name, x, y, block, target in cases:
        rows, verdict = run_case(title, model, activation, loss_name, x, y, rounds, block,
                                 torch, target)
        verdicts.append(verdict)
        for case, name, wall, cpu, numpy_wall, numpy_cpu, vs_torch in rows:
            torch_col = f"{vs_torch[0]:8.2f} / {vs_torch[1]:5.2f}" if vs_torch else f"{'-':>16s}"
            print(f"{case:27s} {name:21s} {wall:8.3f} {cpu:8.3f} "
                  f"{numpy_wall:10.2f} / {numpy_cpu:5.2f} {torch_col:>18s}")
    print()
    for verdict in verdicts:
        print(verdict)


if __name__ == "__main__":
    main()
