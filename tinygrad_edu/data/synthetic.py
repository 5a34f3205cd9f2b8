"""Small synthetic data sets made on the spot: two moons, spirals, a noisy line.

Each returns NumPy arrays (inputs in the default float dtype, class labels as int64) and
draws from ``seed``'s own generator, or from the library's (``tg.manual_seed``) when
``seed`` is None. A bad argument (a count below its minimum, a negative or nan noise, a
flag that is not a bool) raises ValueError naming it.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import checks
from ..dtypes import get_default_dtype
from ..factories import generator


def make_moons(n_samples: int = 100, noise: float = 0.0, seed: int | None = None,
               shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: a 2-D task no straight line can separate.

    Class 0 lies on the upper half of the unit circle, (cos t, sin t) for t in [0, pi];
    class 1 on the lower half circle (1 - cos t, 0.5 - sin t), shifted right and down.
    Gaussian noise of standard deviation ``noise`` is added to every coordinate.

    Args:
        n_samples: total number of points, >= 2 (class 0 gets the extra one when odd).
        noise: standard deviation of the noise, >= 0. Defaults to 0.
        seed: seed for the noise and the shuffle; None uses the library's generator.
        shuffle: mix the two classes (otherwise class 0 comes first).

    Returns:
        ``(X, y)``: X of shape (n_samples, 2) in the default float dtype, y of shape
        (n_samples,) with labels 0 and 1 (int64).

    Example:
        >>> X, y = make_moons(200, noise=0.1, seed=0)
    """
    n_samples = checks.integer(n_samples, "make_moons: n_samples", low=2)
    noise = checks.real(noise, "make_moons: noise", low=0)
    shuffle = checks.flag(shuffle, "make_moons: shuffle")
    rng = _rng(seed, "make_moons")
    n_outer = (n_samples + 1) // 2
    n_inner = n_samples - n_outer
    t_outer = np.linspace(0.0, np.pi, n_outer)
    t_inner = np.linspace(0.0, np.pi, n_inner)
    X = np.concatenate([
        np.stack([np.cos(t_outer), np.sin(t_outer)], axis=1),
        np.stack([1.0 - np.cos(t_inner), 0.5 - np.sin(t_inner)], axis=1),
    ])
    y = np.concatenate([np.zeros(n_outer, np.int64), np.ones(n_inner, np.int64)])
    return _finish(X, y, noise, rng, shuffle)


def make_spirals(n_samples: int = 300, n_classes: int = 3, noise: float = 0.2,
                 seed: int | None = None, shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Spiral arms, one per class, winding out of the origin (CS231n's classic toy set).

    Arm k has points r * (sin a, cos a) with the radius r going from 0 to 1 and the
    angle a from 4k to 4(k + 1) radians, plus Gaussian noise of standard deviation
    ``noise`` on the angle.

    Args:
        n_samples: total number of points, >= n_classes (spread as evenly as possible).
        n_classes: number of arms (classes), >= 2. Defaults to 3.
        noise: standard deviation of the angle noise in radians, >= 0. Defaults to 0.2.
        seed: seed for the noise and the shuffle; None uses the library's generator.
        shuffle: mix the classes (otherwise ordered by class).

    Returns:
        ``(X, y)``: X of shape (n_samples, 2) in the default float dtype, y of shape
        (n_samples,) with labels 0 .. n_classes - 1 (int64).
    """
    n_classes = checks.integer(n_classes, "make_spirals: n_classes", low=2)
    n_samples = checks.integer(n_samples, "make_spirals: n_samples", low=n_classes)
    noise = checks.real(noise, "make_spirals: noise", low=0)
    shuffle = checks.flag(shuffle, "make_spirals: shuffle")
    rng = _rng(seed, "make_spirals")
    points, labels = [], []
    for k in range(n_classes):
        n = n_samples // n_classes + (k < n_samples % n_classes)
        r = np.linspace(0.0, 1.0, n)
        a = np.linspace(4.0 * k, 4.0 * (k + 1), n) + noise * rng.standard_normal(n)
        points.append(np.stack([r * np.sin(a), r * np.cos(a)], axis=1))
        labels.append(np.full(n, k, np.int64))
    return _finish(np.concatenate(points), np.concatenate(labels), 0.0, rng, shuffle)


def make_linear(n_samples: int = 100, weight: Any = 2.0, bias: float = 1.0,
                noise: float = 0.1, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A noisy linear relation y = X @ w + b + noise, for linear regression.

    Args:
        n_samples: number of points, >= 1.
        weight: the true weights w: a number (one feature) or a sequence (one per
            feature). Defaults to 2.0.
        bias: the true intercept b. Defaults to 1.0.
        noise: standard deviation of the Gaussian noise added to y, >= 0. Defaults to 0.1.
        seed: seed of the draws; None uses the library's generator.

    Returns:
        ``(X, y)``: X of shape (n_samples, n_features) uniform in [0, 1), y of shape
        (n_samples, 1) (the shape of a ``Linear(n_features, 1)`` output), both in the
        default float dtype.

    Example:
        >>> X, y = make_linear(100, weight=[2.0, -3.0], bias=5.0, seed=0)
        >>> X.shape, y.shape
        ((100, 2), (100, 1))
    """
    n_samples = checks.integer(n_samples, "make_linear: n_samples", low=1)
    noise = checks.real(noise, "make_linear: noise", low=0)
    bias = checks.real(bias, "make_linear: bias")
    if isinstance(weight, np.ndarray) and weight.ndim == 0:
        weight = weight.item()
    if isinstance(weight, (list, tuple, np.ndarray)):
        if np.ndim(weight) != 1 or len(weight) == 0:
            raise ValueError(f"make_linear: weight must be a number or a non-empty 1-D "
                             f"sequence of numbers, got shape {np.shape(weight)}")
        w = np.array([checks.real(v, f"make_linear: weight[{i}]") for i, v in enumerate(weight)])
    else:
        w = np.array([checks.real(weight, "make_linear: weight")])
    rng = _rng(seed, "make_linear")
    X = rng.random((n_samples, len(w)))
    y = X @ w[:, None] + bias + noise * rng.standard_normal((n_samples, 1))
    dtype = get_default_dtype()
    return X.astype(dtype), y.astype(dtype)


def _finish(X: np.ndarray, y: np.ndarray, noise: float, rng: np.random.Generator,
            shuffle: bool) -> tuple[np.ndarray, np.ndarray]:
    if noise:
        X = X + noise * rng.standard_normal(X.shape)
    if shuffle:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    return X.astype(get_default_dtype()), y


def _rng(seed: int | None, fn: str) -> np.random.Generator:
    if seed is None:
        return generator()
    return np.random.default_rng(checks.integer(seed, f"{fn}: seed", low=0))
