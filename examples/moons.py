"""Two moons: a 2-16-16-1 network bends its decision boundary where a straight line cannot.

1000 points of tg.data.make_moons (noise 0.2): 800 to train, 200 to test. The network

    Linear(2, 16) → Tanh → Linear(16, 16) → Tanh → Linear(16, 1)

outputs one logit per point (the log-odds of class 1); BCEWithLogitsLoss is the binary
cross-entropy of sigmoid(logit), computed stably. Adam, lr 0.01, batches of 32, 100 epochs.
For contrast, logistic regression (Linear(2, 1) alone: a straight boundary) on the same data.

Measured (2 shared CPU cores): 96.0% test accuracy for the network (the noise puts a
few points on the wrong side of any sensible boundary), 88.0% for the straight line, in
about 5 s.

Run:  python examples/moons.py [--epochs 100] [--out DIR] [--quick]
Saves DIR/decision_boundary.png and DIR/curves.png (default out/moons/).
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import nn


def train(model: nn.Module, X: np.ndarray, y: np.ndarray, X_test: np.ndarray,
          y_test: np.ndarray, epochs: int) -> tg.train.History:
    # BCEWithLogitsLoss wants float targets shaped like the logits: (n, 1).
    train_loader = tg.data.DataLoader(
        tg.data.TensorDataset(X, y[:, None].astype(np.float32)), batch_size=32, shuffle=True,
        seed=0)
    test_loader = tg.data.DataLoader(
        tg.data.TensorDataset(X_test, y_test[:, None].astype(np.float32)), batch_size=500)
    optimizer = tg.optim.Adam(model.parameters(), lr=0.01)
    return tg.train.fit(model, nn.BCEWithLogitsLoss(), optimizer, train_loader, epochs,
                        val_loader=test_loader, metrics=["accuracy"],
                        progress=False)  # two models: the summary below compares them


def save_boundary(model: nn.Module, X: np.ndarray, y: np.ndarray, X_test: np.ndarray,
                  y_test: np.ndarray, accuracy: float, path: str) -> None:
    import matplotlib.pyplot as plt

    xs = np.linspace(-1.8, 2.8, 300)
    ys = np.linspace(-1.4, 1.9, 220)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2).astype(np.float32)
    with tg.no_grad():
        probability = model(tg.Tensor(grid)).sigmoid().numpy().reshape(len(ys), len(xs))
    fig, ax = plt.subplots(figsize=(6.5, 4.8))
    filled = ax.contourf(xs, ys, probability, levels=np.linspace(0, 1, 11), cmap="RdBu_r",
                         alpha=0.35)
    ax.contour(xs, ys, probability, levels=[0.5], colors="k", linewidths=1.5)
    for data, labels, marker, name in ((X, y, "o", "train"), (X_test, y_test, "^", "test")):
        for label, color in ((0, "tab:blue"), (1, "tab:red")):
            points = data[labels == label]
            ax.scatter(points[:, 0], points[:, 1], color=color, s=14, marker=marker,
                       edgecolors="white", linewidths=0.4, label=f"{name}, class {label}")
    fig.colorbar(filled, ax=ax, label="P(class 1)")
    ax.set(title=f"2-16-16-1 network on two moons: test accuracy {accuracy:.1%}",
           xlabel="x0", ylabel="x1")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(out: str, epochs: int = 100, quick: bool = False) -> float:
    start = time.perf_counter()
    if quick:
        epochs = 5
    tg.manual_seed(0)
    X, y = tg.data.make_moons(1000, noise=0.2, seed=0)
    X_train, y_train, X_test, y_test = X[:800], y[:800], X[800:], y[800:]

    model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(),
                          nn.Linear(16, 1))
    history = train(model, X_train, y_train, X_test, y_test, epochs)
    line = nn.Linear(2, 1)
    line_history = train(line, X_train, y_train, X_test, y_test, epochs)

    accuracy = history.epoch["val_accuracy"][-1]
    print(f"two moons, {len(X_train)} training and {len(X_test)} test points, {epochs} epochs")
    print(f"  2-16-16-1 network:            train {history.epoch['train_accuracy'][-1]:.1%}, "
          f"test {accuracy:.1%}")
    print(f"  logistic regression (a line): train {line_history.epoch['train_accuracy'][-1]:.1%}, "
          f"test {line_history.epoch['val_accuracy'][-1]:.1%}")

    os.makedirs(out, exist_ok=True)
    try:
        save_boundary(model, X_train, y_train, X_test, y_test, accuracy,
                      os.path.join(out, "decision_boundary.png"))
        history.plot(os.path.join(out, "curves.png"))
        print(f"saved in {out}/: decision_boundary.png, curves.png")
    except ImportError as e:
        print(e)
    print(f"done in {time.perf_counter() - start:.1f} s")
    return accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100,
                        help="passes over the data (default 100)")
    parser.add_argument("--out", default=os.path.join("out", "moons"),
                        help="folder for the pictures (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="5 epochs (for tests)")
    args = parser.parse_args()
    main(args.out, args.epochs, args.quick)
