"""Sampling from given probabilities: PyTorch's ``multinomial`` and ``bernoulli``.

    ix = tg.multinomial(probs, num_samples=1, replacement=True, generator=g).item()
    mask = tg.bernoulli(tg.full((3, 4), 0.8))         # 1 with probability 0.8

Both draw from ``generator`` (a ``tg.Generator``) or the library's generator, and give
samples, not gradients (as PyTorch). The draws differ from PyTorch's for the same seed;
their distribution is the same.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import checks
from ._tensor import Tensor
from .random_generator import numpy_generator


def _float_data(input: Any, where: str) -> np.ndarray:  # noqa: A002 (torch's name)
    data = input.data if isinstance(input, Tensor) else np.asarray(input)
    if data.dtype.kind != "f":
        raise TypeError(f"{where}: input must be a floating point tensor of probabilities "
                        f"or weights, got dtype {data.dtype}; convert it with .float()")
    return data


def multinomial(input: Any, num_samples: int, replacement: bool = False, *,  # noqa: A002
                generator: Any = None) -> Tensor:
    """Indices drawn from the categories of each row of ``input`` with probability
    ``input[i] / input.sum()`` (weights need not sum to 1).

    Args:
        input: non-negative weights, 1-d (one distribution) or 2-d (one per row).
        num_samples: draws per row, >= 1; without replacement at most the number of
            categories with non-zero weight.
        replacement: draw with replacement. Defaults to False (as PyTorch).
        generator: a ``tg.Generator``; None draws from the library's generator.

    Returns:
        int64 indices of shape ``(num_samples,)`` or ``(rows, num_samples)``.

    Raises:
        ValueError: input not 1-d or 2-d, a negative, nan or infinite weight, a row of
            zeros, or more samples without replacement than non-zero categories.
    """
    where = "tg.multinomial"
    weights = _float_data(input, where)
    num_samples = checks.integer(num_samples, f"{where}: num_samples", low=1)
    replacement = checks.flag(replacement, f"{where}: replacement")
    rng = numpy_generator(generator, where)
    if weights.ndim not in (1, 2):
        raise ValueError(f"{where}: input must be 1-d or 2-d (one distribution per row), "
                         f"got shape {weights.shape}")
    rows = np.atleast_2d(weights).astype(np.float64)
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise ValueError(f"{where}: weights must be finite and >= 0, got min {rows.min()!r} "
                         f"and max {rows.max()!r}")
    for i, row in enumerate(rows):
        nonzero = int(np.count_nonzero(row))
        if nonzero == 0:
            raise ValueError(f"{where}: row {i} of the weights sums to 0: nothing to draw")
        if not replacement and num_samples > nonzero:
            raise ValueError(f"{where}: {num_samples} samples without replacement, but row "
                             f"{i} has only {nonzero} categories with non-zero weight; pass "
                             "replacement=True or draw fewer")
    samples = np.stack([rng.choice(len(row), size=num_samples, replace=replacement,
                                   p=row / row.sum()) for row in rows]).astype(np.int64)
    return Tensor._wrap(samples if weights.ndim == 2 else samples[0])


def bernoulli(input: Any, p: Any = None, *, generator: Any = None) -> Tensor:  # noqa: A002
    """1 with probability ``input`` (or ``p`` when given), else 0, element-wise; the
    result has ``input``'s shape and float dtype.

    Raises:
        ValueError: a probability outside [0, 1] (or nan).
    """
    where = "tg.bernoulli"
    data = _float_data(input, where)
    probs = data if p is None else np.full(data.shape, checks.real(p, f"{where}: p", low=0,
                                                                   high=1), data.dtype)
    bad = probs[~((probs >= 0) & (probs <= 1))]
    if bad.size:
        raise ValueError(f"{where}: probabilities must be in [0, 1], got {bad.size} outside "
                         f"it, e.g. {bad.flat[0]!r}")
    rng = numpy_generator(generator, where)
    return Tensor._wrap((rng.random(data.shape) < probs).astype(data.dtype))
