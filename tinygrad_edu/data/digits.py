"""The 8x8 handwritten digits (1797 images, UCI), from the copy bundled with scikit-learn.

No download happens: scikit-learn ships the file. It is an optional dependency, installed
with the ``examples`` extra.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .. import checks
from ..dtypes import get_default_dtype

INSTALL_HINT = 'pip install "tinygrad_edu[examples]"'


class DigitsSplit(NamedTuple):
    """A train/test split: unpack it as ``X_train, y_train, X_test, y_test = split``."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def load_digits(test_size: float = 0.2, seed: int = 0, images: bool = False) -> DigitsSplit:
    """The digits data set, scaled to [0, 1] and split into train and test sets.

    The split is stratified: each digit 0-9 has the same share ``test_size`` of its
    images in the test set, drawn with a generator seeded by ``seed``, so the split is
    the same on every run and machine.

    Args:
        test_size: fraction of the images held out for testing, in (0, 1). Defaults to 0.2
            (about 360 test images).
        seed: seed of the split. Defaults to 0.
        images: False (default) gives each image as 64 pixel values, shape (n, 64), for
            an MLP; True gives shape (n, 1, 8, 8) (one channel), for a CNN.

    Returns:
        A ``DigitsSplit`` ``(X_train, y_train, X_test, y_test)``: pixels (grey levels
        0-16 divided by 16) in the default float dtype, labels 0-9 as int64.

    Raises:
        ImportError: scikit-learn is not installed (the message says how to install it).
        ValueError: ``test_size`` is not in (0, 1), ``seed`` not an integer >= 0 or
            ``images`` not a bool.

    Example:
        >>> X_train, y_train, X_test, y_test = load_digits()
        >>> X_train.shape, X_test.shape
        ((1437, 64), (360, 64))
    """
    test_size = checks.real(test_size, "load_digits: test_size", low=0, high=1,
                            low_open=True, high_open=True)
    seed = checks.integer(seed, "load_digits: seed", low=0)
    images = checks.flag(images, "load_digits: images")
    pixels, labels = _read_digits()
    X = (pixels / 16.0).astype(get_default_dtype())
    y = labels.astype(np.int64)
    if images:
        X = X.reshape(-1, 1, 8, 8)
    rng = np.random.default_rng(seed)
    test = []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        test.append(members[:round(test_size * len(members))])
    is_test = np.zeros(len(y), bool)
    is_test[np.concatenate(test)] = True
    train_index = rng.permutation(np.flatnonzero(~is_test))
    test_index = np.flatnonzero(is_test)
    return DigitsSplit(X[train_index], y[train_index], X[test_index], y[test_index])


def _read_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1797 rows of 64 grey levels (0-16) and their labels, from scikit-learn's copy.

    The file is read directly (importing scikit-learn takes seconds); if a scikit-learn
    version keeps it elsewhere, its own loader is used.
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        raise ImportError(
            "load_digits reads the copy of the digits data bundled with scikit-learn, "
            f"which is not installed; install it with: {INSTALL_HINT}")
    path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"
    if path.is_file():
        table = np.loadtxt(path, delimiter=",")
        return table[:, :-1], table[:, -1]
    from sklearn.datasets import load_digits as sklearn_load_digits

    bunch = sklearn_load_digits()
    return bunch.data, bunch.target


def augment_shifts(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The images plus four copies moved by one pixel (up, down, left, right).

    A digit moved by a pixel is still the same digit: the copies teach a model that,
    and five times as much training data lowers the test error (data augmentation).
    Pixels moved in at the border are 0.

    Args:
        X: images of shape (n, H, W) or (n, C, H, W), or flattened square images of
            shape (n, side * side) (e.g. (n, 64) for the 8x8 digits).
        y: their labels, shape (n, ...).

    Returns:
        ``(X5, y5)`` with 5n samples, shaped like the inputs: the originals first,
        then the four shifted sets in the order up, down, left, right.

    Raises:
        ValueError: a flattened image that is not square, or fewer than 2 dimensions.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim < 2:
        raise ValueError(f"X must hold images, shape (n, H, W), (n, C, H, W) or (n, H*W); "
                         f"got shape {X.shape}")
    images = X
    if X.ndim == 2:
        side = int(round(X.shape[1] ** 0.5))
        if side * side != X.shape[1]:
            raise ValueError(f"flattened images must be square, got {X.shape[1]} pixels "
                             f"per image; pass X as (n, H, W) instead")
        images = X.reshape(len(X), side, side)
    copies = [images]
    for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        moved = np.zeros_like(images)
        h, w = images.shape[-2:]
        moved[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
            images[..., max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
        copies.append(moved)
    return np.concatenate(copies).reshape((5 * len(X),) + X.shape[1:]), np.concatenate([y] * 5)
