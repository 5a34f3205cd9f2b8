"""Tensor factories (zeros, ones, randn, ...) and the random generator behind manual_seed."""
from __future__ import annotations

from typing import Any

import numpy as np

from .dtypes import get_default_dtype
from ._tensor import Tensor

_generator = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Seed every random draw of tinygrad_edu (randn, rand, dropout, weight init)."""
    global _generator
    _generator = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    """The library's random generator (reseeded by ``manual_seed``)."""
    return _generator


def _shape(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(isinstance(n, (int, np.integer)) and n >= 0 for n in shape):
        raise ValueError(f"a shape is non-negative integers, got {shape}")
    return tuple(int(n) for n in shape)


def _float_dtype(dtype: Any) -> np.dtype:
    return get_default_dtype() if dtype is None else np.dtype(dtype)


def _random_dtype(dtype: Any, name: str) -> np.dtype:
    dtype = _float_dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{name} draws floats: dtype must be a float dtype, got {dtype}")
    return dtype


def _make(data: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._wrap(data)
    if requires_grad:
        t.requires_grad = True
    return t


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return _make(np.zeros(_shape(shape), _float_dtype(dtype)), requires_grad)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones: ``ones(2, 3)`` or ``ones((2, 3))``."""
    return _make(np.ones(_shape(shape), _float_dtype(dtype)), requires_grad)


def full(shape: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype follows the value's (float → default)."""
    if dtype is None:
        dtype = Tensor(fill_value).dtype
    shape = _shape((shape,) if isinstance(shape, (int, np.integer)) else (shape,))
    return _make(np.full(shape, fill_value, dtype=dtype), requires_grad)


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in [start, stop); integers stay integer, floats get the default dtype."""
    if stop is None:
        start, stop = 0, start
    for name, value in (("start", start), ("stop", stop), ("step", step)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer,
                                                             np.floating)):
            raise TypeError(f"arange: {name} must be a number, got {value!r}")
        if not np.isfinite(value):
            raise ValueError(f"arange: {name} must be finite, got {value!r}")
    if step == 0:
        raise ValueError("arange: step must not be 0 (it would never reach stop)")
    if dtype is None and any(isinstance(v, (float, np.floating)) for v in (start, stop, step)):
        dtype = get_default_dtype()
    return _make(np.arange(start, stop, step, dtype=dtype), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The n x m identity matrix (m defaults to n)."""
    return _make(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def randn(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples (mean 0, variance 1), from the seeded generator."""
    dtype = _random_dtype(dtype, "randn")
    data = _generator.standard_normal(_shape(shape)).astype(dtype, copy=False)
    return _make(data, requires_grad)


def rand(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1), from the seeded generator."""
    dtype = _random_dtype(dtype, "rand")
    data = _generator.random(_shape(shape)).astype(dtype, copy=False)
    return _make(data, requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape (and, unless given, the dtype) of ``t``."""
    return _make(np.zeros(np.shape(t), dtype or np.asarray(t).dtype), requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape (and, unless given, the dtype) of ``t``."""
    return _make(np.ones(np.shape(t), dtype or np.asarray(t).dtype), requires_grad)
