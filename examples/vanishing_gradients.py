"""Vanishing gradients, seen: a deep sigmoid MLP beside a ReLU MLP with He init.

Both have 8 hidden layers of 32 units and learn the two-moons data for 5 epochs with SGD.
After training, the gradient flow of one batch (``tg.viz.gradient_flow``) is printed for
each and drawn side by side in ``docs/vanishing_gradients.png``. Measured (seed 0): with
sigmoids (default init) the mean |grad| shrinks about 5-10x per layer towards the input
(the sigmoid's slope is at most 1/4), so the first layer's is 1e-7 of the last one's and
the net stays at chance (train accuracy 0.47); with ReLU and He init the ratio is 0.6,
gradients of about 1e-3 reach every layer and the net learns (0.87 after 5 epochs).

Run:  python examples/vanishing_gradients.py [--quick] [--out docs]
"""
from __future__ import annotations

import argparse
import os

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import nn


def mlp(activation: type, depth: int, width: int, he_init: bool) -> nn.Sequential:
    layers, n_in = [], 2
    for _ in range(depth):
        linear = nn.Linear(n_in, width)
        if he_init:
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
            nn.init.zeros_(linear.bias)
        layers += [linear, activation()]
        n_in = width
    return nn.Sequential(*layers, nn.Linear(n_in, 2))


def train_and_measure(model: nn.Module, X: np.ndarray, y: np.ndarray, epochs: int) -> tuple:
    loader = tg.data.DataLoader(tg.data.TensorDataset(X, y), batch_size=32, shuffle=True,
                                seed=0)
    flow = tg.viz.GradientFlow()
    optimizer = tg.optim.SGD(model.parameters(), lr=0.1)
    history = tg.train.fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=epochs,
                           callbacks=[flow], progress=False)
    return history.gradient_flow[-1], history.epoch["train_accuracy"][-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs (for the tests)")
    parser.add_argument("--out", default="docs", help="folder for vanishing_gradients.png")
    args = parser.parse_args()
    tg.manual_seed(0)
    X, y = tg.data.make_moons(400, noise=0.15, seed=0)
    epochs = 1 if args.quick else 5
    tables = {}
    for name, activation, he in [("sigmoid, default init", nn.Sigmoid, False),
                                 ("ReLU, He init", nn.ReLU, True)]:
        table, accuracy = train_and_measure(mlp(activation, 8, 32, he), X, y, epochs)
        first, last = table[0].mean_abs_grad, table[-1].mean_abs_grad
        print(f"{name}: train accuracy {accuracy:.2f}; mean |grad| first layer / last "
              f"layer = {first / last:.1e}")
        print(table, "\n")
        tables[name] = table
    path = os.path.join(args.out, "vanishing_gradients.png")
    try:
        os.makedirs(args.out, exist_ok=True)
        tg.viz.plot_gradient_flow(tables, path, title="mean and max |grad|")
        print(f"wrote {path}")
    except ImportError as error:
        print(f"(no picture: {error})")


if __name__ == "__main__":
    main()
