"""TensorFlow's exponential learning-rate decay on the smallest possible problem.

Minimise loss(w) = (w + 1)**2 from w = 5 with plain SGD. The learning rate starts at
lr0 = 0.1 and decays as lr = lr0 * 0.99 ** step (decay_steps=1, decay_rate=0.99,
staircase=True), where step counts the calls of scheduler.step().

Each row shows the lr after scheduler.step() (the one the *next* update will use) and
the loss and w after this step's update. Since d(loss)/dw = 2 (w + 1), each update
multiplies (w + 1) by (1 - 2 lr): w approaches the minimum -1 a little more slowly as
the lr decays.

Run:  python examples/exponential_decay.py [--steps 40] [--quick]
"""
from __future__ import annotations

import argparse

import numpy as np

import tinygrad_edu as tg


def main(steps: int = 40) -> float:
    w = tg.Tensor(np.array(5.0), requires_grad=True)
    optimizer = tg.optim.SGD([w], lr=0.1)
    scheduler = tg.optim.lr_scheduler.ExponentialDecay(
        optimizer, decay_steps=1, decay_rate=0.99, staircase=True)

    print("minimise (w + 1)**2 from w = 5: SGD, lr = 0.1 * 0.99**step\n")
    print("each line: lr after scheduler.step() (the rate the next update will use), "
          "loss and w after this step's update")
    for step in range(steps):
        optimizer.zero_grad()
        loss = (w + 1) ** 2
        loss.backward()
        optimizer.step()          # w -= lr * 2 (w + 1), with the current lr
        scheduler.step()          # then the lr decays for the next step
        with tg.no_grad():
            loss_after = ((w + 1) ** 2).item()
        print(f"step {step}: lr {scheduler.get_last_lr()[0]:g}, loss {loss_after:g}, "
              f"w {w.item():g}")

    print(f"\nafter {steps} steps w = {w.item():.4f} (the minimum is at w = -1)")
    print("schedule without stepping, lr_at(step):",
          ", ".join(f"{s}: {scheduler.lr_at(s)[0]:.4g}" for s in (0, 10, 100, 1000)))
    return w.item()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40, help="number of steps (default 40)")
    parser.add_argument("--quick", action="store_true", help="10 steps (for tests)")
    args = parser.parse_args()
    main(10 if args.quick else args.steps)
