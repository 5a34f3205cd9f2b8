"""Dtype rules: the default float dtype and how user data becomes an ndarray."""
from __future__ import annotations

from typing import Any

import numpy as np

_default_dtype = np.dtype(np.float32)

# Only these kinds of data can live in a Tensor: bool, signed/unsigned int, float.
_SUPPORTED_KINDS = "biuf"


def get_default_dtype() -> np.dtype:
    """The dtype given to Python floats and float lists (float32 unless changed)."""
    return _default_dtype


def set_default_dtype(dtype: Any) -> None:
    """Set the dtype for Python floats and float lists: ``np.float32`` or ``np.float64``.

    Raises:
        ValueError: if ``dtype`` is not a floating dtype.
    """
    global _default_dtype
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"default dtype must be a floating dtype, got {dtype}")
    _default_dtype = dtype


def to_array(data: Any, dtype: Any = None, copy: bool = True) -> np.ndarray:
    """Turn user data into an ndarray following the Tensor dtype rules.

    NumPy arrays keep their dtype; Python scalars and lists of floats get the default
    dtype; integer and bool data stay integer and bool. An explicit ``dtype`` casts.
    """
    if isinstance(data, np.ndarray):
        arr = np.array(data, dtype=dtype, copy=copy)
    elif isinstance(data, np.generic):
        arr = np.array(data, dtype=dtype)
    else:
        arr = np.array(data, dtype=dtype)
        if dtype is None and arr.dtype.kind == "f":
            arr = arr.astype(_default_dtype, copy=False)
    if arr.dtype.kind not in _SUPPORTED_KINDS:
        raise TypeError(
            f"unsupported data of dtype {arr.dtype} (from {type(data).__name__}); "
            "a Tensor holds bool, integer or floating point numbers"
        )
    return arr
