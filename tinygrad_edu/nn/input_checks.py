"""What a layer accepts as input, checked once at the start of its forward.

A layer takes a Tensor (or a NumPy array) of floating point numbers of the dtype of its
parameters, as PyTorch does: an integer image, a list, None, or float64 data fed to a
float32 model is refused with an error that names the layer, the dtype and the fix,
before anything is computed. No input is ever cast silently: a float64 batch through a
float32 model would otherwise quietly run (and return) float64, and integer data would
be truncated or crash deep inside NumPy.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from .._tensor import Tensor


def check_input(x: Any, layer: str, dtype: Any = None, *, owner: str = "model",
                what: str = "input", floating: bool = True) -> Tensor:
    """``x`` as a Tensor fit for ``layer``, or a TypeError that says how to fix it.

    Args:
        x: the layer's input: a Tensor, or a NumPy array (wrapped without a copy; it gets
            no gradient).
        layer: the name in the messages ("Linear", "conv2d").
        dtype: the dtype of the layer's parameters, which the input must have; None for a
            layer without parameters (any floating point dtype is accepted).
        owner: what to convert instead of the input, named in the fix: "model" for a
            layer (``model.to(np.float64)``), or a parameter's name ("weight") for a
            functional form such as ``F.linear``.
        what: the argument's name in the messages ("input", "hx").
        floating: require a floating point dtype (False: any dtype a Tensor holds, for
            a layer that only moves values, such as Flatten).

    Raises:
        TypeError: ``x`` is not a Tensor or an array; its dtype is not floating point;
            or it is another float dtype than the parameters'.
    """
    if isinstance(x, Tensor):
        data = x.data
    elif isinstance(x, np.ndarray):
        data = x
        x = Tensor._wrap(x)
    else:
        raise TypeError(f"{layer} expects a Tensor as {what}, got {_describe(x)}"
                        f"{_make_tensor_hint(x, dtype)}")
    found = data.dtype
    if not floating:
        if found.kind not in "biuf":
            raise TypeError(f"{layer} expects numbers as {what}, got an array of dtype {found}")
        return x
    if found.kind != "f":
        target = np.dtype(dtype) if dtype is not None else get_default_dtype()
        raise TypeError(
            f"{layer} expects floating point {what}, got dtype {found}; convert it first "
            f"(as in PyTorch, nothing converts it for you): x.astype(np.{target}) or "
            f"tg.Tensor(x, dtype=np.{target})")
    if dtype is not None and found != dtype:
        raise TypeError(
            f"{layer}: the {what} is {found} but the parameters are {np.dtype(dtype)} (PyTorch "
            f"refuses this mix too); convert the {what}: x.astype(np.{np.dtype(dtype)}), or "
            f"the {owner}: "
            f"{_convert_owner(owner, found)}")
    return x


def _describe(x: Any) -> str:
    if x is None:
        return "None (did a function return nothing?)"
    if isinstance(x, str):
        return f"a str ({x[:20]!r})"
    return f"a {type(x).__name__}"


def _make_tensor_hint(x: Any, dtype: Any) -> str:
    if isinstance(x, (list, tuple, int, float, np.generic)):
        target = np.dtype(dtype) if dtype is not None else get_default_dtype()
        return f"; make one first: tg.Tensor(x) (or tg.Tensor(x, dtype=np.{target}))"
    return ""


def _convert_owner(owner: str, dtype: np.dtype) -> str:
    if owner != "model":
        return f"{owner}.astype(np.{dtype})"
    shortcut = {np.dtype(np.float64): " (model.double())",
                np.dtype(np.float32): " (model.float())"}.get(dtype, "")
    return f"model.to(np.{dtype}){shortcut}"
