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


# --- PyTorch's dtype names ---
#
# tg.float32, tg.long, ... are NumPy dtypes, so ``x.dtype == tg.float32`` holds and
# ``dtype=tg.float`` works wherever a dtype is accepted. The package exports each name
# (tg.float, tg.int and tg.bool shadow Python's builtins only inside tg, as in torch).
# They live in this table, not as names of this module, which needs the builtins.
TORCH_NAMES = {
    "float32": np.dtype(np.float32), "float": np.dtype(np.float32),
    "float64": np.dtype(np.float64), "double": np.dtype(np.float64),
    "float16": np.dtype(np.float16), "half": np.dtype(np.float16),
    "int64": np.dtype(np.int64), "long": np.dtype(np.int64),
    "int32": np.dtype(np.int32), "int": np.dtype(np.int32),
    "int16": np.dtype(np.int16), "short": np.dtype(np.int16),
    "int8": np.dtype(np.int8), "uint8": np.dtype(np.uint8),
    "bool": np.dtype(np.bool_),
}


def as_dtype(value: Any, where: str) -> np.dtype:
    """``value`` (tg.float32, np.float64, "int64", float...) as a dtype a Tensor can hold.

    Args:
        value: anything ``np.dtype`` understands, except None (the caller's default).
        where: the argument, for the message (``"tg.zeros: dtype"``).

    Raises:
        TypeError: not a dtype (a torch dtype, a string NumPy does not know), or a dtype
            a Tensor cannot hold (complex, string, object).
    """
    try:
        dtype = np.dtype(value)
    except (TypeError, ValueError):
        raise TypeError(f"{where} must be a dtype such as tg.float32, tg.int64 or np.float64, "
                        f"got {value!r}") from None
    if dtype.kind not in _SUPPORTED_KINDS:
        raise TypeError(f"{where} must be a bool, integer or floating dtype (a Tensor holds "
                        f"nothing else), got {dtype}")
    return dtype


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
        try:
            arr = np.array(data, dtype=dtype)
        except ValueError as e:
            if "inhomogeneous" not in str(e):
                raise
            raise ValueError(
                "Tensor data must be rectangular: nested lists whose rows all have the same "
                f"length (a ragged list has no shape); NumPy says: {e}. Pad the rows to one "
                "length, or keep them as separate Tensors") from None
        if dtype is None and arr.dtype.kind == "f":
            arr = arr.astype(_default_dtype, copy=False)
    if arr.dtype.kind not in _SUPPORTED_KINDS:
        complex_hint = ("; there are no complex Tensors: keep x.real and x.imag (or abs(x)) "
                        "as two real tensors" if arr.dtype.kind == "c" else "")
        raise TypeError(
            f"unsupported data of dtype {arr.dtype} (from {type(data).__name__}); "
            f"a Tensor holds bool, integer or floating point numbers{complex_hint}"
        )
    return arr


# --- type promotion (PyTorch's rules) ---
#
# Operands are ranked by category: bool < integer < float. A binary op's result has
#   - the dtype of the operand of the higher category: float32 with an int64 tensor stays
#     float32 (NumPy would give float64), an int tensor with a bool one stays int;
#   - within one category, the wider dtype: float32 with float64 gives float64;
#   - for a Python scalar of a higher category than the tensor, the default dtype of its
#     category: an int tensor times 0.5 is float32 (the default float dtype), not float64.
#     Otherwise the scalar never upcasts: float32 * 2.0 stays float32.
# True division (and every float function, exp, log...) of integers or bools gives the
# default float dtype. Only an integer or bool operand is ever converted: it never
# requires grad, so no gradient has to flow through the conversion. (One difference: a
# 0-d tensor counts as a tensor, so a 0-d float64 one widens float32 to float64, where
# PyTorch keeps float32; narrowing it would cut its second-order gradient.)

_CATEGORY = {"b": 0, "i": 1, "u": 1, "f": 2}
_ndarray = np.ndarray
_SCALAR_CATEGORY = {bool: 0, int: 1, float: 2}


def _category(x: Any) -> int:
    if type(x) is np.ndarray:
        return _CATEGORY[x.dtype.kind]
    category = _SCALAR_CATEGORY.get(type(x))
    if category is None:  # an int/float subclass, a NumPy scalar
        return _CATEGORY[np.asarray(x).dtype.kind]
    return category


def _raised(x: Any, other: Any, category: int) -> Any:
    """``x`` (of a lower category than ``other``) converted to the dtype they combine to."""
    if type(x) is not np.ndarray:
        return x  # a Python scalar takes the array's dtype anyway (NEP 50)
    if type(other) is np.ndarray:
        return x.astype(other.dtype)
    return x.astype(_default_dtype if category == 2 else np.int64)


def promote(x0: Any, x1: Any) -> tuple:
    """The two operands of a binary op, converted so NumPy computes PyTorch's result dtype.

    ``x0`` and ``x1`` are ndarrays or Python scalars (at least one an ndarray); see the
    rules above.
    """
    # The common cases first, kept fast (this runs in every binary op): two arrays of one
    # dtype, a float array with a Python float or int.
    t0, t1 = type(x0), type(x1)
    if t0 is _ndarray:
        if t1 is _ndarray:
            if x0.dtype is x1.dtype:
                return x0, x1
        elif (t1 is float or t1 is int) and x0.dtype.kind == "f":
            return x0, x1
    elif (t0 is float or t0 is int) and x1.dtype.kind == "f":
        return x0, x1
    c0, c1 = _category(x0), _category(x1)
    if c0 < c1:
        return _raised(x0, x1, c1), x1
    if c1 < c0:
        return x0, _raised(x1, x0, c0)
    return x0, x1


def promote_to_float(x0: Any, x1: Any) -> tuple:
    """As ``promote``, then integers or bools become the default float dtype (true division)."""
    x0, x1 = promote(x0, x1)
    if (type(x0) is np.ndarray and x0.dtype.kind == "f") or \
            (type(x1) is np.ndarray and x1.dtype.kind == "f"):
        return x0, x1
    if max(_category(x0), _category(x1)) < 2:
        x0, x1 = to_float(x0), to_float(x1)
    return x0, x1


def promote_all(xs: tuple) -> tuple:
    """Arrays of one join (concatenate, stack): those of a lower category than the highest
    take the dtype the highest ones combine to."""
    categories = [_CATEGORY[x.dtype.kind] for x in xs]
    top = max(categories)
    if min(categories) == top:
        return xs
    dtype = np.result_type(*(x.dtype for x, c in zip(xs, categories) if c == top))
    return tuple(x if c == top else x.astype(dtype) for x, c in zip(xs, categories))


def to_float(x: Any) -> Any:
    """``x`` for a float function (exp, log, true division...): integer and bool arrays
    become the default float dtype, as in PyTorch (NumPy would give float64)."""
    if type(x) is np.ndarray and x.dtype.kind != "f":
        return x.astype(_default_dtype)
    return x
