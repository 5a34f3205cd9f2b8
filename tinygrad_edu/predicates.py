"""PyTorch's questions about a tensor as functions: tg.is_tensor, tg.is_floating_point,
tg.numel."""
from __future__ import annotations

from typing import Any

from ._tensor import Tensor


def _tensor(t: Any, where: str) -> Tensor:
    if not isinstance(t, Tensor):
        raise TypeError(f"{where} takes a Tensor, got {type(t).__name__}; convert it with "
                        "tg.tensor(data) first")
    return t


def is_tensor(obj: Any) -> bool:
    """True if ``obj`` is a Tensor (an ndarray or a list is not)."""
    return isinstance(obj, Tensor)


def is_floating_point(t: Tensor) -> bool:
    """True if ``t`` holds floating point numbers (float16, float32, float64)."""
    return _tensor(t, "tg.is_floating_point").dtype.kind == "f"


def numel(t: Tensor) -> int:
    """The number of elements of ``t`` (the product of its shape; ``t.size`` in NumPy's
    words)."""
    return int(_tensor(t, "tg.numel").data.size)
