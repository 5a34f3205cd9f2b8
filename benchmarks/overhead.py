"""Per-op overhead: chains of 1,000 element-wise ops on a (4,) float32 tensor, forward + backward.

With tensors this small the arithmetic is nothing: the figure is the framework's cost of
recording an op and running its backward. Four common kinds of op are timed alone and in
turn (the headline "mixed" chain):

    y * w     (w a leaf tensor: its gradient accumulates over the chain)
    y + 0.1   (a Python scalar)
    tanh(y)
    y * 0.9   (a Python scalar)

side by side with

- a hand-written NumPy forward + backward of the same chain (the floor: the same NumPy
  calls with no framework around them)
- PyTorch on the CPU with one thread, when installed.

Times are CPU times of the benchmark's thread; the kinds and frameworks are interleaved
round by round, and each ratio is the median of the per-round ratios, so a busy spell of
a shared machine hits every column alike.

Run:  python benchmarks/overhead.py [--ops 1000] [--rounds 20]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import tinygrad_edu as tg

KINDS = {"y * w": (0,), "y + 0.1": (1,), "tanh(y)": (2,), "y * 0.9": (3,), "mixed": (0, 1, 2, 3)}


def chain_tinygrad(kinds: tuple, n_ops: int) -> None:
    x = tg.Tensor(np.full(4, 0.5, np.float32), requires_grad=True)
    w = tg.Tensor(np.full(4, 1.01, np.float32), requires_grad=True)
    y = x
    for i in range(n_ops):
        k = kinds[i % len(kinds)]
        y = y * w if k == 0 else y + 0.1 if k == 1 else y.tanh() if k == 2 else y * 0.9
    y.backward(np.ones(4, np.float32))


def chain_torch(torch, kinds: tuple, n_ops: int) -> None:
    x = torch.full((4,), 0.5, dtype=torch.float32, requires_grad=True)
    w = torch.full((4,), 1.01, dtype=torch.float32, requires_grad=True)
    y = x
    for i in range(n_ops):
        k = kinds[i % len(kinds)]
        y = y * w if k == 0 else y + 0.1 if k == 1 else y.tanh() if k == 2 else y * 0.9
    y.backward(torch.ones(4))


def chain_numpy(kinds: tuple, n_ops: int) -> None:
    x = np.full(4, 0.5, np.float32)
    w = np.full(4, 1.01, np.float32)
    saved = []
    y = x
    for i in range(n_ops):  # forward, keeping what backward needs
        k = kinds[i % len(kinds)]
        if k == 0:
            saved.append(y)
            y = y * w
        elif k == 1:
            saved.append(None)
            y = y + 0.1
        elif k == 2:
            y = np.tanh(y)
            saved.append(y)
        else:
            saved.append(None)
            y = y * 0.9
    g = np.ones(4, np.float32)
    gw = np.zeros(4, np.float32)
    for i in range(n_ops - 1, -1, -1):  # backward, in reverse
        k = kinds[i % len(kinds)]
        if k == 0:
            gw = gw + g * saved[i]
            g = g * w
        elif k == 2:
            t = saved[i]
            g = g * (1 - t * t)
        elif k == 3:
            g = g * 0.9


def cpu_time(run) -> float:
    """The best CPU time of 3 runs."""
    best = float("inf")
    for _ in range(3):
        start = time.thread_time()
        run()
        best = min(best, time.thread_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    frameworks = {
        "numpy": lambda kinds: chain_numpy(kinds, args.ops),
        "tinygrad_edu": lambda kinds: chain_tinygrad(kinds, args.ops),
    }
    try:
        import torch

        torch.set_num_threads(1)
        frameworks["torch"] = lambda kinds: chain_torch(torch, kinds, args.ops)
        version = f"PyTorch {torch.__version__}, 1 thread"
    except ImportError:
        version = "PyTorch not installed (pip install torch==2.13.0): its columns are empty"

    times = {(name, kind): [] for kind in KINDS for name in frameworks}
    for (name, kind) in times:
        frameworks[name](KINDS[kind])  # warm up
    for _ in range(args.rounds):
        for (name, kind), samples in times.items():
            samples.append(cpu_time(lambda: frameworks[name](KINDS[kind])))

    def ratio(a: str, b: str, kind: str) -> float:
        return statistics.median(x / y for x, y in zip(times[a, kind], times[b, kind]))

    def per_op(name: str, kind: str) -> float:
        return statistics.median(times[name, kind]) / args.ops * 1e6

    print(f"chains of {args.ops} ops on a (4,) float32 tensor, forward + backward; "
          f"CPU us per op, median of {args.rounds} rounds; {version}")
    print(f"{'op':10s} {'numpy':>7s} {'torch':>7s} {'ours':>7s} {'ours/numpy':>11s} "
          f"{'torch/numpy':>12s} {'ours/torch':>11s}")
    has_torch = "torch" in frameworks
    for kind in KINDS:
        torch_cells = (f"{per_op('torch', kind):7.2f}", f"{ratio('torch', 'numpy', kind):12.2f}",
                       f"{ratio('tinygrad_edu', 'torch', kind):11.2f}") if has_torch \
            else (f"{'-':>7s}", f"{'-':>12s}", f"{'-':>11s}")
        print(f"{kind:10s} {per_op('numpy', kind):7.2f} {torch_cells[0]} "
              f"{per_op('tinygrad_edu', kind):7.2f} {ratio('tinygrad_edu', 'numpy', kind):11.2f} "
              f"{torch_cells[1]} {torch_cells[2]}")
    if has_torch:
        r = ratio("tinygrad_edu", "torch", "mixed")
        print(f"mixed chain: tinygrad_edu costs {r:.2f}x PyTorch per op "
              f"(target <= 0.75: {'met' if r <= 0.75 else 'NOT met'})")


if __name__ == "__main__":
    main()
