"""make_tensor: a random tensor of a shape and dtype for a test, as torch.testing.make_tensor."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import checks
from .._tensor import Tensor
from ..devices import check_device
from ..dtypes import as_dtype, get_default_dtype
from ..factories import _shape, generator

# [low, high) when not given, per kind of dtype (PyTorch's table).
_DEFAULT_RANGE = {"b": (0, 2), "u": (0, 10), "i": (-9, 10), "f": (-9.0, 9.0)}


def make_tensor(*shape: Any, dtype: Any = None, device: Any = None, low: float | None = None,
                high: float | None = None, requires_grad: bool = False,
                exclude_zero: bool = False) -> Tensor:
    """A tensor of ``shape`` with values drawn uniformly from [low, high).

    Draws from the library's generator (``tg.manual_seed`` makes it repeat).

    Args:
        *shape: ``make_tensor(2, 3)`` or ``make_tensor((2, 3))``.
        dtype: any dtype a Tensor holds (default: ``tg.get_default_dtype()``; PyTorch
            requires it).
        device: only the CPU ("cpu", ``tg.device("cpu")`` or None).
        low, high: the range; defaults by dtype as PyTorch: floats [-9, 9), signed
            integers [-9, 10), unsigned [0, 10), bools [0, 2). Bounds outside the dtype's
            range are clamped to it; for integers ``low`` is rounded up, as is ``high``
            (exclusive).
        requires_grad: a leaf that requires grad (floating point dtypes only).
        exclude_zero: replace zeros by 1 (integers, bools) or by the dtype's smallest
            normal number (floats), e.g. for a divisor.

    Raises:
        ValueError: ``low >= high`` (``low == high`` is allowed for floats: every value is
            ``low``), a NaN bound, a range outside the dtype, or ``requires_grad`` with an
            integer or bool dtype.
        TypeError: a bad shape or dtype.

    Example:
        >>> make_tensor(2, 3, dtype=tg.float64, low=-1, high=1, requires_grad=True)
    """
    check_device(device, "make_tensor: device=")
    checks.flag(requires_grad, "make_tensor: requires_grad")
    checks.flag(exclude_zero, "make_tensor: exclude_zero")
    dtype = get_default_dtype() if dtype is None else as_dtype(dtype, "make_tensor: dtype")
    shape = _shape(shape, "make_tensor")
    if requires_grad and dtype.kind != "f":
        raise ValueError(f"make_tensor: requires_grad=True needs a floating point dtype, got "
                         f"{dtype}")
    low, high = _range(dtype, low, high)
    rng = generator()
    if dtype.kind == "f":
        if low == high:
            values = np.full(shape, low)
        elif math.isfinite(high - low):
            values = rng.uniform(low, high, size=shape)
        else:  # the width overflows float64: draw at half scale
            values = rng.uniform(low / 2, high / 2, size=shape) * 2
        values = np.clip(values.astype(dtype), low, np.nextafter(dtype.type(high), dtype.type(low)))
        if exclude_zero:
            values[values == 0] = np.finfo(dtype).tiny
    else:
        values = rng.integers(low, high, size=shape,
                              dtype=np.int64 if dtype.kind == "b" else dtype).astype(dtype)
        if exclude_zero:
            values[values == 0] = 1
    t = Tensor(values, dtype=dtype)
    if requires_grad:
        t.requires_grad = True
    return t


def _range(dtype: np.dtype, low: Any, high: Any) -> tuple:
    default_low, default_high = _DEFAULT_RANGE[dtype.kind]
    low = default_low if low is None else low
    high = default_high if high is None else high
    if _is_nan(low) or _is_nan(high):
        raise ValueError(f"make_tensor: low and high cannot be NaN, got low={low}, high={high}")
    low, high = checks.real(low, "make_tensor: low"), checks.real(high, "make_tensor: high")
    if dtype.kind == "f":
        lowest, highest = float(np.finfo(dtype).min), float(np.finfo(dtype).max)
    elif dtype.kind == "b":
        lowest, highest = 0, 2
    else:
        lowest, highest = int(np.iinfo(dtype).min), int(np.iinfo(dtype).max) + 1
    if low > high or (low == high and dtype.kind != "f"):
        raise ValueError(f"make_tensor: low must be less than high, got low={low}, high={high}")
    if high < lowest or low >= highest:
        raise ValueError(f"make_tensor: the range [{low}, {high}) is outside what {dtype} holds, "
                         f"[{lowest}, {highest})")
    low, high = max(low, lowest), min(high, highest)
    if dtype.kind != "f":
        low, high = math.ceil(low), math.ceil(high)
        if low >= high:
            raise ValueError(f"make_tensor: no integer lies in [{low}, {high})")
    return low, high


def _is_nan(value: Any) -> bool:
    return isinstance(value, (float, np.floating)) and math.isnan(value)
