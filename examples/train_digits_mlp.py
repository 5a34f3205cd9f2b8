"""The main demo: a multilayer perceptron learns the 8x8 handwritten digits.

1797 images of 8x8 pixels (scikit-learn's bundled copy of the UCI digits), 80% to train
and 20% (359 images) to test. Each image is 64 numbers in [0, 1]; the model is

    Linear(64, 256) → ReLU → Dropout(0.2) → Linear(256, 128) → ReLU → Dropout(0.2)
    → Linear(128, 10)

trained with cross-entropy, SGD with momentum 0.9 and an exponentially decaying learning
rate (0.05 → 0.001), mini-batches of 32, for 30 epochs. The training set is augmented with
copies of each image moved by one pixel up, down, left and right (tg.data.augment_shifts):
five times the data, and a model that does not care where exactly the digit sits. Dropout
zeroes a random 20% of the hidden units at each training step (fit puts the model in
eval mode to test, where dropout is off).

Measured (2 shared CPU cores): 97.8% test accuracy (8 mistakes) with the default split
and seed, in about 5 s; 97.8-98.1% over seeds 0-5. Without dropout (20 epochs) 96.9-98.1%,
without the shifted copies about 96-97%: this split (seed 0) is the hardest of the few
tried, other splits give about 1% more.

Run:  python examples/train_digits_mlp.py [--epochs 30] [--seed 0] [--out DIR] [--quick]
Saves DIR/curves.png (loss, accuracy, lr, gradient norm), DIR/mistakes.png and the trained
weights DIR/mlp.npz (default out/train_digits_mlp/).
"""
from __future__ import annotations

import argparse
import os
import time

# Small matrices: one BLAS thread is faster, and much faster on a busy machine, than a
# team of threads waiting for each other. (Set it before NumPy loads; yours wins if set.)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import tinygrad_edu as tg  # noqa: E402
from tinygrad_edu import nn  # noqa: E402


def build_model() -> nn.Module:
    return nn.Sequential(
        nn.Linear(64, 256), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(128, 10),
    )


def save_mistakes(model: nn.Module, X: np.ndarray, y: np.ndarray, path: str) -> int:
    """A picture of up to 24 misclassified test images, titled true → predicted."""
    with tg.no_grad():
        predicted = model(tg.Tensor(X)).numpy().argmax(axis=1)
    wrong = np.flatnonzero(predicted != y)
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        return len(wrong)
    shown = wrong[:24]
    cols = 8
    rows = max(1, -(-len(shown) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.1, rows * 1.3), squeeze=False)
    for ax in axes.ravel():
        ax.set_axis_off()
    for ax, i in zip(axes.ravel(), shown):
        ax.imshow(X[i].reshape(8, 8), cmap="gray_r")
        ax.set_title(f"{y[i]} → {predicted[i]}", fontsize=9, color="tab:red")
    fig.suptitle(f"the {len(wrong)} test mistakes (true → predicted)" if len(wrong) <= 24 else
                 f"24 of the {len(wrong)} test mistakes (true → predicted)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return len(wrong)


def main(out: str, epochs: int = 30, seed: int = 0, quick: bool = False) -> float:
    start = time.perf_counter()
    tg.manual_seed(seed)  # weight initialisation
    X_train, y_train, X_test, y_test = tg.data.load_digits(test_size=0.2, seed=0)
    if quick:
        epochs, X_train, y_train = 1, X_train[:300], y_train[:300]
    X_aug, y_aug = tg.data.augment_shifts(X_train, y_train)
    print(f"digits: {len(X_train)} training images (x5 with shifted copies = {len(X_aug)}), "
          f"{len(X_test)} test images, 10 classes")
    train_loader = tg.data.DataLoader(tg.data.TensorDataset(X_aug, y_aug), batch_size=32,
                                      shuffle=True, seed=seed)
    test_loader = tg.data.DataLoader(tg.data.TensorDataset(X_test, y_test), batch_size=512)

    model = build_model()
    print(model)
    optimizer = tg.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    total_steps = epochs * len(train_loader)
    # lr = 0.05 * 0.02 ** (step / total_steps): from 0.05 down to 0.001 at the end
    scheduler = tg.optim.lr_scheduler.ExponentialDecay(optimizer, decay_steps=total_steps,
                                                       decay_rate=0.02)
    history = tg.train.fit(model, nn.CrossEntropyLoss(), optimizer, train_loader, epochs,
                           scheduler=scheduler, val_loader=test_loader)
    train_time = time.perf_counter() - start

    accuracy = history.epoch["val_accuracy"][-1]
    print(f"\nafter {epochs} epochs ({history.num_steps} steps, {train_time:.1f} s): "
          f"train loss {history.epoch['train_loss'][-1]:.4f}, "
          f"test loss {history.epoch['val_loss'][-1]:.4f}, test accuracy {accuracy:.2%}")
    model.eval()  # dropout off, as in the evaluation fit did
    with tg.no_grad():
        predicted = model(tg.Tensor(X_test)).numpy().argmax(axis=1)
    confusion = np.zeros((10, 10), int)
    np.add.at(confusion, (y_test, predicted), 1)
    print("confusion matrix (rows: true digit, columns: predicted):")
    print("     " + " ".join(f"{d:3d}" for d in range(10)))
    for d in range(10):
        print(f"  {d}: " + " ".join(f"{n:3d}" for n in confusion[d]))

    os.makedirs(out, exist_ok=True)
    tg.save(model.state_dict(), os.path.join(out, "mlp.npz"))
    try:
        history.plot(os.path.join(out, "curves.png"))
    except ImportError as e:
        print(e)
    else:
        mistakes = save_mistakes(model, X_test, y_test, os.path.join(out, "mistakes.png"))
        print(f"{mistakes} mistakes; saved in {out}/: curves.png, mistakes.png, mlp.npz")
    print(f"done in {time.perf_counter() - start:.1f} s")
    return accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30, help="passes over the data (default 30)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the weights and shuffling")
    parser.add_argument("--out", default=os.path.join("out", "train_digits_mlp"),
                        help="folder for the pictures and weights (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="1 epoch on 300 images (for tests)")
    args = parser.parse_args()
    main(args.out, args.epochs, args.seed, args.quick)
