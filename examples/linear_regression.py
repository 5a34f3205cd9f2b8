"""The classic first lesson: fit y = w * x by gradient descent, with the gradient from autograd.

Data x = y = [0.18, 0.1, 0.16, 0.08, 0.09, 0.11, 0.12, 0.17, 0.15, 0.14, 0.13], the weight
w starts at 10, the loss is 0.5 * sum((w*x - y)**2), the learning rate 0.01, 500 steps.

A correction to the lesson: its hand-derived gradient mean((x*w - y) * w) is wrong.
By the chain rule, d/dw 0.5 * sum((w*x - y)**2) = sum((w*x - y) * x). Autograd and the
numerical gradient agree with the corrected formula, and not with the lesson's, which
this script prints side by side.

Because y = x here, the loss is 0.5 * (w - 1)**2 * S with S = sum(x**2) = 0.1969, so each
step multiplies (w - 1) by (1 - 0.01 * S): after 500 steps w = 1 + 9 * (1 - 0.001969)**500
= 4.36, still far from the minimum w = 1. That is what a learning rate 100 times too small
for this loss looks like (the curvature S is tiny): the script also runs lr = 1/S.

Run:  python examples/linear_regression.py [--out DIR] [--quick]
Saves DIR/gradient.png (gradient vs iteration) and DIR/loss_vs_w.png
(default out/linear_regression/).
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np

import tinygrad_edu as tg

X = np.array([0.18, 0.1, 0.16, 0.08, 0.09, 0.11, 0.12, 0.17, 0.15, 0.14, 0.13])
Y = X.copy()


def loss_fn(w):
    """0.5 * sum((w*x - y)**2); w may be a number, an ndarray or a Tensor."""
    return 0.5 * ((w * X - Y) ** 2).sum()


def correct_gradient(w: float) -> float:
    return float(np.sum((w * X - Y) * X))


def lesson_gradient(w: float) -> float:
    """The lesson's formula, which is wrong (it multiplies by w instead of x and averages)."""
    return float(np.mean((X * w - Y) * w))


def autograd_gradient(w: float) -> float:
    wt = tg.Tensor(np.array(w), requires_grad=True)  # float64, as X
    loss_fn(wt).backward()
    return wt.grad.item()


def descend(w0: float, lr: float, steps: int) -> tuple[list, list, list]:
    """Gradient descent on w with autograd; returns the w, loss and gradient of each step."""
    w = tg.Tensor(np.array(w0), requires_grad=True)
    ws, losses, grads = [], [], []
    for _ in range(steps):
        w.grad = None
        loss = loss_fn(w)
        loss.backward()
        ws.append(w.item())
        losses.append(loss.item())
        grads.append(w.grad.item())
        with tg.no_grad():
            w.data -= lr * w.grad.data  # the update: w <- w - lr * dL/dw
    return ws, losses, grads


def main(out: str, quick: bool = False) -> float:
    start = time.perf_counter()
    steps = 100 if quick else 500
    lr = 0.01
    S = float(np.sum(X ** 2))

    print("1. The gradient of L(w) = 0.5 * sum((w*x - y)**2), four ways:")
    print(f"   {'w':>5s} {'autograd':>10s} {'numerical':>10s} {'sum((wx-y)x)':>13s} "
          f"{'lesson mean((xw-y)w)':>21s}")
    for w in (10.0, 4.0, 1.0, -2.0):
        numerical = tg.numerical_diff(loss_fn, w)
        auto = autograd_gradient(w)
        assert abs(auto - numerical) < 1e-6 and abs(auto - correct_gradient(w)) < 1e-12
        print(f"   {w:5.1f} {auto:10.5f} {numerical:10.5f} {correct_gradient(w):13.5f} "
              f"{lesson_gradient(w):21.5f}")
    ratio = lesson_gradient(10.0) / correct_gradient(10.0)
    print("   Autograd, the numerical gradient and sum((w*x - y) * x) agree; the lesson's")
    print(f"   mean((x*w - y) * w) does not (at w = 10 it is {ratio:.1f} times too large). "
          "It is wrong:")
    print("   the chain rule gives dL/dw = sum((w*x - y) * x).\n")

    ws, losses, grads = descend(10.0, lr, steps)
    closed_form = 1 + 9 * (1 - lr * S) ** steps
    print(f"2. Gradient descent, lr = {lr}, {steps} steps from w = 10:")
    for i in (0, 1, 2, steps // 4, steps // 2, steps - 1):
        print(f"   step {i:3d}: w = {ws[i]:.4f}, loss = {losses[i]:.5f}, dL/dw = {grads[i]:.5f}")
    w_final = ws[-1] - lr * grads[-1]
    print(f"   final w = {w_final:.4f}; closed form 1 + 9 (1 - lr S)^{steps} = {closed_form:.4f} "
          f"(S = sum(x^2) = {S:.4f})")
    print(f"   The minimum is w = 1 (y = x): lr = {lr} is too small for this flat loss.")
    ws_fast, _, _ = descend(10.0, 1.0 / S, 3)
    print(f"   With lr = 1/S = {1 / S:.2f} one step lands on w = {ws_fast[1]:.4f} "
          "(Newton's step for a quadratic).\n")

    os.makedirs(out, exist_ok=True)
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print('matplotlib is not installed (pip install "tinygrad_edu[plot]"): no pictures')
    else:
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot(grads, label="dL/dw (autograd)")
        ax.plot([lesson_gradient(w) for w in ws], "--", label="lesson's formula at the same w")
        ax.set(xlabel="iteration", ylabel="gradient", title=f"gradient vs iteration (lr = {lr})")
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(out, "gradient.png"), dpi=100)
        plt.close(fig)

        fig, ax = plt.subplots(figsize=(6, 4))
        grid = np.linspace(-2, 11, 200)
        ax.plot(grid, [loss_fn(w) for w in grid], label="L(w)")
        every = max(1, steps // 25)
        ax.plot(ws[::every], losses[::every], "o", ms=4,
                label=f"w during descent (every {every} steps)")
        ax.axvline(1.0, color="gray", ls=":", label="minimum w = 1")
        ax.set(xlabel="w", ylabel="loss", title="loss vs w")
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(out, "loss_vs_w.png"), dpi=100)
        plt.close(fig)
        print(f"pictures saved in {out}/: gradient.png, loss_vs_w.png")
    print(f"done in {time.perf_counter() - start:.1f} s")
    return w_final


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join("out", "linear_regression"),
                        help="folder for the pictures (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="100 steps instead of 500 (for tests)")
    args = parser.parse_args()
    main(args.out, args.quick)
