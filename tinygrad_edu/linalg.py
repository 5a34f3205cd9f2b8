"""Vector and matrix norms (``np.linalg.norm``, ``Tensor.norm``), built from abs, sum,
max/min and a square root whose gradient is 0 at 0, so they differentiate twice.

Orders, with x the values reduced (a vector) or A a matrix (rows along the first axis):
  vector  2: sqrt(sum x^2) (gradient x / |x|, and 0 at x = 0, as torch);
          1: sum |x| (gradient sign(x), 0 at 0);  inf / -inf: max / min |x| (the gradient
          goes to the extreme element, shared equally between ties);
  matrix  'fro': sqrt(sum A^2);  1 / -1: max / min over columns of the column's sum |a|;
          inf / -inf: max / min over rows of the row's sum |a|.

Beware: ``np.linalg.norm(A, 1)`` of a matrix is the matrix 1-norm (the largest column
sum), while PyTorch's ``t.norm(1)`` (ours too) is the entrywise sum of |a|.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .ops.elementwise import SafeSqrt
from .ops.reduce import Max, Min
from ._tensor import Tensor, _as_tensor, _axis

VECTOR_ORDS = (2, 1, np.inf, -np.inf)
MATRIX_ORDS = ("fro", 1, -1, np.inf, -np.inf)


def vector_norm(x: Tensor, ord: Any = 2, axis: Any = None, keepdims: bool = False) -> Tensor:
    """The ``ord``-norm of x over ``axis`` (None: all elements, an int or a tuple).

    Raises:
        TypeError: ``ord`` is not one of 2, 1, inf, -inf (NumPy also has 0 and any p).
    """
    ord = _order(ord, VECTOR_ORDS, "vector")
    if ord == 2:
        return SafeSqrt.apply((x * x).sum(axis=axis, keepdims=keepdims))
    if ord == 1:
        return x.abs().sum(axis=axis, keepdims=keepdims)
    extreme = Max if ord == np.inf else Min
    return extreme.apply(x.abs(), _axis(axis), keepdims)


def matrix_norm(x: Tensor, ord: Any = "fro", axis: tuple = (-2, -1),
                keepdims: bool = False) -> Tensor:
    """The ``ord``-norm of the matrices spanned by the two ``axis`` (rows, columns).

    Raises:
        TypeError: ``ord`` is 2, -2 or 'nuc' (singular values: not supported here).
        ValueError: ``ord`` is no matrix norm, or the axes are equal.
    """
    ord = _order(ord, MATRIX_ORDS, "matrix")
    rows, cols = (a % x.ndim for a in axis)
    if rows == cols:
        raise ValueError(f"matrix_norm: the two axes must differ, got axis={axis!r}")
    if ord == "fro":
        y = SafeSqrt.apply((x * x).sum(axis=(rows, cols), keepdims=True))
    else:
        summed, extreme = (rows, cols) if ord in (1, -1) else (cols, rows)
        pick = Max if ord in (1, np.inf) else Min
        y = pick.apply(x.abs().sum(axis=summed, keepdims=True), extreme, True)
    return y if keepdims else y.squeeze((rows, cols))


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:
    """``np.linalg.norm`` with its rules: with ``axis=None``, ord None is the 2-norm of all
    elements and any other ord needs a vector or a matrix; an int ``axis`` is a vector
    norm, a pair of axes a matrix norm (ord None: 'fro').

    Raises:
        TypeError: an order NumPy has and we do not (vector 0 or p; matrix 2, -2, 'nuc').
        ValueError: an order that is no norm of its kind, or the wrong number of axes.
    """
    x = _as_tensor(x)
    if axis is None:
        if ord is None:
            return vector_norm(x, 2, None, keepdims)
        if x.ndim not in (1, 2):
            raise ValueError(f"norm: ord={ord!r} with axis=None needs a vector or a matrix, "
                             f"got {x.ndim} dimensions; pass axis=")
        axis = tuple(range(x.ndim))
    elif isinstance(axis, (int, np.integer)):
        axis = (int(axis),)
    axis = tuple(axis)
    for a in axis:
        if not -x.ndim <= a < x.ndim:
            raise np.exceptions.AxisError(int(a), x.ndim, msg_prefix="norm")
    if len(axis) == 1:
        if ord == "fro" or isinstance(ord, str):
            raise ValueError(f"norm: invalid norm order {ord!r} for vectors")
        return vector_norm(x, 2 if ord is None else ord, axis[0], keepdims)
    if len(axis) == 2:
        return matrix_norm(x, "fro" if ord is None else ord, axis, keepdims)
    raise ValueError(f"norm: axis must be an int or a pair of ints, got {axis!r}")


def _order(ord: Any, supported: tuple, kind: str) -> Any:
    if isinstance(ord, str):
        if ord in supported:
            return ord
        if kind == "matrix" and ord == "nuc":
            raise TypeError("the nuclear norm (ord='nuc') needs singular values: not supported "
                            f"here; supported matrix orders: {_names(supported)}")
        raise ValueError(f"invalid norm order {ord!r} for {_PLURAL[kind]}")
    if isinstance(ord, bool) or not isinstance(ord, (int, float, np.integer, np.floating)):
        raise TypeError(f"norm order must be a number or a string, got {ord!r}")
    for o in supported:
        if not isinstance(o, str) and ord == o:
            return o
    if kind == "matrix" and ord not in (2, -2):
        raise ValueError(f"invalid norm order {ord!r} for matrices")
    raise TypeError(f"norm order {ord!r} for {_PLURAL[kind]} is not supported here (NumPy "
                    f"has it); supported: {_names(supported)}")


_PLURAL = {"vector": "vectors", "matrix": "matrices"}


def _names(orders: tuple) -> str:
    return ", ".join(repr(o) if isinstance(o, str) else str(o) for o in orders)
