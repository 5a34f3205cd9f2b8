"""Module-level differentiable functions: concatenate, stack, split, unbind, where,
maximum, minimum, logsumexp."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .ops.elementwise import Maximum, Minimum, Where
from .ops.shape import Concatenate, Split, Stack
from .tensor import Tensor, _operand


def _tensors(tensors: Sequence[Any], name: str) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name} takes a list or tuple of tensors, got {type(tensors).__name__}")
    if len(tensors) == 0:
        raise ValueError(f"{name} needs at least one tensor")
    return [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]


def concatenate(tensors: Sequence[Any], axis: int | None = 0) -> Tensor:
    """Join tensors along an existing axis (``np.concatenate``); differentiable.

    ``axis=None`` flattens every tensor first, as NumPy does.
    """
    tensors = _tensors(tensors, "concatenate")
    if axis is None:
        return Concatenate.apply(0, *(t.flatten() for t in tensors))
    return Concatenate.apply(int(axis), *tensors)


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis (``np.stack``); differentiable."""
    return Stack.apply(int(axis), *_tensors(tensors, "stack"))


def where(cond: Any, a: Any, b: Any) -> Tensor:
    """Element-wise ``a if cond else b`` with broadcasting; gradients flow to a and b.

    Raises:
        TypeError: if ``cond`` is not boolean.
    """
    cond = np.asarray(cond.data if isinstance(cond, Tensor) else cond)
    if cond.dtype != np.bool_:
        raise TypeError(f"where: cond must be a bool tensor or array, got dtype {cond.dtype}")
    return Where.apply(cond, _operand(a), _operand(b))


def maximum(a: Any, b: Any) -> Tensor:
    """Element-wise maximum with broadcasting; at a tie each input gets half the gradient."""
    return Maximum.apply(_operand(a), _operand(b))


def minimum(a: Any, b: Any) -> Tensor:
    """Element-wise minimum with broadcasting; at a tie each input gets half the gradient."""
    return Minimum.apply(_operand(a), _operand(b))


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """log(sum(exp(x))) over ``axis``, computed stably (``scipy.special.logsumexp``,
    ``torch.logsumexp``); the gradient is softmax(x). See ``Tensor.logsumexp``."""
    return (x if isinstance(x, Tensor) else Tensor(x)).logsumexp(axis=axis, keepdims=keepdims)


def split(x: Tensor, sections: Any, axis: int = -1) -> tuple:
    """Pieces of x along ``axis``: ``sections`` an int (that many equal parts) or a list of
    the indices to cut at (``np.split``'s rule); differentiable."""
    return Split.apply(x if isinstance(x, Tensor) else Tensor(x), axis, sections)


def unbind(x: Tensor, axis: int = 0) -> tuple:
    """The slices x[i] along ``axis`` (the axis removed), as ``torch.unbind``; differentiable."""
    return Split.apply(x if isinstance(x, Tensor) else Tensor(x), axis, None)
