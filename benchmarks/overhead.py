"""Per-op overhead: a chain of 1,000 element-wise ops on a (4,) float32 tensor, forward + backward.

With tensors this small the arithmetic is nothing: the figure is the framework's cost of
recording an op and running its backward. The chain cycles through y * w (w a leaf used
1/3 of the time, so its gradient accumulates), y + 0.1 and tanh(y). Measured side by side:

- tinygrad_edu
- a hand-written NumPy forward + backward of the same chain (the floor: the same NumPy
  calls with no framework around them)
- PyTorch on the CPU with one thread, when installed

Run:  python benchmarks/overhead.py [--ops 1000] [--repeat 30]
"""
from __future__ import annotations

import argparse
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


def best_times(chains: dict, repeat: int) -> dict:
    """The best wall time of each chain, the chains interleaved round by round so that a
    busy spell of the machine hits all of them alike."""
    for chain in chains.values():
        chain()  # warm up
    best = {name: float("inf") for name in chains}
    for _ in range(repeat):
        for name, chain in chains.items():
            start = time.perf_counter()
            chain()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=50)
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
    results = best_times(chains, args.repeat)

    floor = results["numpy (hand-written)"]
    torch_time = next((t for name, t in results.items() if name.startswith("pytorch")), None)
    print(f"chain of {args.ops} element-wise ops on a (4,) float32 tensor, forward + backward "
          f"(best of {args.repeat})")
    print(f"{'':28s} {'us/op':>8s} {'x numpy':>8s} {'x torch':>8s}")
    for name, t in results.items():
        per_op = t / args.ops * 1e6
        vs_torch = f"{t / torch_time:8.2f}" if torch_time else f"{'-':>8s}"
        print(f"{name:28s} {per_op:8.2f} {t / floor:8.2f} {vs_torch}")
    print("target: tinygrad_edu at most 0.75x PyTorch's per-op cost")


if __name__ == "__main__":
    main()
