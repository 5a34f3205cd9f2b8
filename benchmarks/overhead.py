"""Per-op overhead: a chain of 1,000 element-wise ops on a (4,) float32 tensor, forward + backward.

With tensors this small the arithmetic is nothing: the figure is the framework's cost of
recording an op and running its backward. The chain cycles through y * w (w a leaf used
1/3 of the time, so its gradient accumulates), y + 0.1 and tanh(y). Measured side by side:

- tinygrad_edu
- a hand-written NumPy forward + backward of the same chain (the floor: the same NumPy
  calls with no framework around them)
- PyTorch on the CPU with one thread, when installed

Run:  python benchmarks/overhead.py [--ops 1000] [--rounds 30]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import tinygrad_edu as tg


def chain_tinygrad(n_ops: int) -> None:
    x = tg.Tensor(np.full(4, 0.5, np.float32), requires_grad=True)
    w = tg.Tensor(np.full(4, 1.01, np.float32), requires_grad=True)
    y = x
    for i in range(n_ops):
        k = i % 3
        y = y * w if k == 0 else (y + 0.1 if k == 1 else y.tanh())
    y.backward(np.ones(4, np.float32))


def chain_numpy(n_ops: int) -> None:
    x = np.full(4, 0.5, np.float32)
    w = np.full(4, 1.01, np.float32)
    saved = []
    y = x
    for i in range(n_ops):  # forward, keeping what backward needs
        k = i % 3
        if k == 0:
            saved.append(y)
            y = y * w
        elif k == 1:
            saved.append(None)
            y = y + np.float32(0.1)
        else:
            y = np.tanh(y)
            saved.append(y)
    g = np.ones(4, np.float32)
    gw = np.zeros(4, np.float32)
    for i in range(n_ops - 1, -1, -1):  # backward, in reverse
        k = i % 3
        if k == 0:
            gw = gw + g * saved[i]
            g = g * w
        elif k == 2:
            t = saved[i]
            g = g * (1 - t * t)


def chain_torch(torch, n_ops: int) -> None:
    x = torch.full((4,), 0.5, dtype=torch.float32, requires_grad=True)
    w = torch.full((4,), 1.01, dtype=torch.float32, requires_grad=True)
    y = x
    for i in range(n_ops):
        k = i % 3
        y = y * w if k == 0 else (y + 0.1 if k == 1 else y.tanh())
    y.backward(torch.ones(4))


def time_rounds(chains: dict, rounds: int) -> dict:
    """CPU time of each chain per round (the best of 3 runs), the chains interleaved round
    by round so that a busy spell of the shared machine hits all of them alike."""
    for chain in chains.values():
        chain()  # warm up
    times = {name: [] for name in chains}
    for _ in range(rounds):
        for name, chain in chains.items():
            best = float("inf")
            for _ in range(3):
                start = time.thread_time()
                chain()
                best = min(best, time.thread_time() - start)
            times[name].append(best)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    chains = {
        "numpy (hand-written)": lambda: chain_numpy(args.ops),
        "tinygrad_edu": lambda: chain_tinygrad(args.ops),
    }
    try:
        import torch

        torch.set_num_threads(1)
        chains[f"pytorch {torch.__version__} (1 thread)"] = lambda: chain_torch(torch, args.ops)
    except ImportError:
        print("(PyTorch not installed: its row is skipped; pip install torch==2.13.0)")
    times = time_rounds(chains, args.rounds)

    # Ratios are taken round by round (same moment, same machine state), then the median.
    names = list(times)
    floor, ours = names[0], names[1]
    reference = names[2] if len(names) > 2 else None

    def ratio(name: str, to: str) -> float:
        return statistics.median(a / b for a, b in zip(times[name], times[to]))

    print(f"chain of {args.ops} element-wise ops on a (4,) float32 tensor, forward + backward; "
          f"CPU time, median of {args.rounds} interleaved rounds")
    print(f"{'':30s} {'us/op':>8s} {'x numpy':>8s} {'x torch':>8s}")
    for name in names:
        per_op = statistics.median(times[name]) / args.ops * 1e6
        vs_torch = f"{ratio(name, reference):8.2f}" if reference else f"{'-':>8s}"
        print(f"{name:30s} {per_op:8.2f} {ratio(name, floor):8.2f} {vs_torch}")
    if reference:
        r = ratio(ours, reference)
        print(f"tinygrad_edu / PyTorch per-op cost: {r:.2f} (target <= 0.75: "
              f"{'met' if r <= 0.75 else 'NOT met'})")


if __name__ == "__main__":
    main()
