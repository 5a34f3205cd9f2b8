"""Sorting and order statistics: max/min by dim, sort, argsort, topk, median, quantile.

Every one of them gathers elements of x at positions that a stable argsort of x's data
finds, with one op, GetItem (``x[index]`` with one integer array per axis, which is what
``np.take_along_axis`` does): each output gets the gradient of the element that landed
there (added up where one element is taken twice), and GetItem's backward is itself
recorded under ``create_graph=True``, so second order works. The positions come from
``np.argsort(kind="stable")``: equal elements keep their order, as in
``torch.sort(stable=True)``, and at a tie (where sorting is not differentiable) the
gradient goes to the element placed there. NaN sorts last (largest), as in both libraries.

Where NumPy and PyTorch share a name they do not always agree; neither habit gets a wrong
number without an error:

- ``np.sort(t, axis)`` gives the sorted values (NumPy). ``t.sort(dim)`` / ``tg.sort`` give
  PyTorch's pair (values, indices) and leave t as it is. NumPy's ``a.sort(axis=...)``
  sorts in place, which the graph cannot record: its keywords (axis=, kind=, order=) raise.
- ``np.median(t)`` averages the two middle values of an even count (NumPy);
  ``t.median()`` is PyTorch's, the lower of the two (ties share its gradient, as
  torch.median), and ``t.median(dim)`` its pair; NumPy's keywords on it raise.
- quantile and percentile: NumPy and PyTorch agree on the default, 'linear'
  interpolation between the two nearest ranks; only that one is supported.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import checks
from .dtypes import get_default_dtype
from .ops.elementwise import Maximum, Minimum, Where
from .ops.reduce import Max, Min
from .ops.shape import GetItem
from .return_types import (
    MedianValuesIndices, SortValuesIndices, TopKValuesIndices, ValuesIndices,
)
from ._tensor import Tensor, _as_tensor as _tensor, _axis, _is_dim as is_dim, _normalize_axes

# --- the two building blocks: a stable order, and a gather along an axis ---


def stable_order(data: np.ndarray, axis: int, descending: bool = False) -> np.ndarray:
    """The positions that sort ``data`` along ``axis``; equal values keep their order.

    Descending: the stable ascending order of the reversed data, reversed again, so equal
    values still keep their order and NaN comes first (as torch's sort, descending).
    """
    if not descending:
        return np.argsort(data, axis=axis, kind="stable")
    order = np.argsort(np.flip(data, axis), axis=axis, kind="stable")
    return np.flip(data.shape[axis] - 1 - order, axis)


def take_along_axis(x: Tensor, positions: np.ndarray, axis: int) -> Tensor:
    """``np.take_along_axis(x, positions, axis)``, differentiable: one GetItem, whose
    backward adds each output's gradient into the position it was taken from."""
    index = list(np.indices(positions.shape, sparse=True))
    index[axis] = positions
    return GetItem.apply(x, tuple(index))


# --- max and min: NumPy's values or PyTorch's (values, indices) ---


def max_or_min(x: Tensor, name: str, args: tuple, kwargs: dict) -> Any:
    """``Tensor.max`` / ``Tensor.min``: pick the NumPy form, the PyTorch form, or the
    element-wise one from the arguments (see ``Tensor.max``)."""
    unknown = set(kwargs) - {"axis", "keepdims", "dim", "keepdim"}
    if unknown or len(args) > 2 or (len(args) == 2 and "keepdim" in kwargs):
        raise TypeError(f"{name}() takes axis=/keepdims= (NumPy) or dim, keepdim= (PyTorch), "
                        f"got {len(args)} positional and {sorted(kwargs)}")
    if args and isinstance(args[0], (Tensor, np.ndarray)):
        if len(args) > 1 or kwargs:
            raise TypeError(f"{name}(other) takes no other arguments")
        return (Maximum if name == "max" else Minimum).apply(x, args[0])
    if "dim" in kwargs or "keepdim" in kwargs:
        if "axis" in kwargs or "keepdims" in kwargs or (args and "dim" in kwargs) or \
                len(args) > 1:
            raise TypeError(f"{name}: give axis=/keepdims= (NumPy) or dim=/keepdim= (PyTorch), "
                            "not a mix")
        args = (args[0] if args else kwargs.pop("dim", None), kwargs.pop("keepdim", False))
    elif args and "keepdims" not in kwargs and "axis" not in kwargs and is_dim(args[0]):
        pass  # out.max(1): PyTorch's dim
    else:
        values = Max if name == "max" else Min
        axis = args[0] if args else kwargs.get("axis")
        keepdims = args[1] if len(args) > 1 else kwargs.get("keepdims", False)
        return values.apply(x, _axis(axis), bool(keepdims))
    dim, keepdim = args[0], bool(args[1]) if len(args) > 1 else False
    if dim is None or not is_dim(dim):
        raise TypeError(f"{name}(dim) takes one int dim, got {dim!r}; for all elements call "
                        f"{name}() (or {name}(axis=...) for several axes)")
    if x.data.ndim == 0:
        dim_ok = dim in (0, -1)
    else:
        dim_ok = -x.data.ndim <= dim < x.data.ndim
    if not dim_ok:
        raise np.exceptions.AxisError(int(dim), x.data.ndim, msg_prefix=name)
    if x.data.ndim and x.data.shape[int(dim)] == 0:
        raise ValueError(f"{name} of an empty selection (shape {x.shape}, dim={dim}) has no "
                         "value: reduce over axes that are not empty")
    find = np.argmax if name == "max" else np.argmin
    indices = np.asarray(find(x.data, axis=int(dim) if x.data.ndim else None, keepdims=True))
    if x.data.ndim == 0:
        values = x.clone()
        indices = np.zeros((), np.int64)
    else:
        values = take_along_axis(x, indices, int(dim))  # the gradient to that index only
        if not keepdim:
            values = values.squeeze(int(dim))
            indices = indices.squeeze(int(dim))
    return ValuesIndices(values, Tensor._wrap(indices.astype(np.int64)))


def _dim(dim: Any, ndim: int, name: str, what: str = "dim") -> int:
    """One int axis, as a non-negative int; a 0-d tensor has the one axis 0 (or -1)."""
    dim = checks.integer(dim, f"{name}: {what}")
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise np.exceptions.AxisError(dim, ndim, msg_prefix=name)
    return dim % max(ndim, 1)


def _index_tensor(positions: np.ndarray) -> Tensor:
    return Tensor._wrap(np.asarray(positions, dtype=np.int64))


# --- sort, argsort, topk ---

_IN_PLACE = (
    "t.sort({given}) is NumPy's ndarray.sort, which sorts t in place and returns None: a "
    "tensor's values cannot be changed in place in the graph. Use np.sort(t, axis=...) for "
    "the sorted values (differentiable), or PyTorch's `values, indices = t.sort(dim=...)`")


def sort(x: Any, dim: Any = -1, descending: Any = False, stable: Any = False,
         **numpy_options: Any) -> SortValuesIndices:
    """PyTorch's sort: the pair ``(values, indices)`` along ``dim``; x is not changed.

    ``values`` is differentiable (each position gets the gradient of the element sorted
    there); ``indices`` (int64) are where those elements were. Always stable: at a tie
    the equal elements keep their order, so ``stable=False`` gives the same result as
    ``stable=True`` (any order is allowed then). NaN counts as the largest value.

    Raises:
        TypeError: NumPy's in-place ``sort(axis=..., kind=..., order=...)`` (use
            ``np.sort(t, axis=...)``); ``descending`` or ``stable`` not a bool.
    """
    _known_keywords("sort", numpy_options, ("axis", "kind", "order"))
    numpy_kind = _is_numpy_kind(descending)  # a.sort(-1, "stable")
    if numpy_options or numpy_kind:  # a.sort(axis=0), a.sort(kind=...)
        given = [f"{dim!r}, {descending!r}"] if numpy_kind else []
        given += [f"{k}={v!r}" for k, v in numpy_options.items()]
        raise TypeError(_IN_PLACE.format(given=", ".join(given)))
    x = _tensor(x)
    if dim is None:
        raise TypeError("sort: dim must be an int (PyTorch's sort), got None; for NumPy's "
                        "sort of the flattened values use np.sort(t, axis=None)")
    dim = _dim(dim, x.ndim, "sort")
    descending = checks.flag(descending, "sort: descending")
    checks.flag(stable, "sort: stable")
    if x.ndim == 0:
        return SortValuesIndices(x.clone(), _index_tensor(0))
    order = stable_order(x.data, dim, descending)
    return SortValuesIndices(take_along_axis(x, order, dim), _index_tensor(order))


def _known_keywords(name: str, given: dict, numpys: tuple) -> None:
    """Refuse a keyword that neither PyTorch's nor NumPy's form of ``name`` has."""
    unknown = sorted(set(given) - set(numpys))
    if unknown:
        raise TypeError(f"{name}() got an unexpected keyword argument {unknown[0]!r}")


def _is_numpy_kind(value: Any) -> bool:
    """Is ``value`` one of NumPy's sort kinds ('quicksort', 'stable', ...)?"""
    if not isinstance(value, str):
        return False
    try:
        np.sort(np.empty(0), kind=value)
    except ValueError:
        return False
    return True


def sorted_values(x: Any, axis: Any = -1) -> Tensor:
    """NumPy's ``np.sort(x, axis)``: the sorted values (axis None: of the flattened x).

    Differentiable, ties as ``np.argsort(kind="stable")`` places them; a 0-d x has no
    axis to sort along (as in NumPy).
    """
    x = _tensor(x)
    if axis is None:
        x, axis = x.flatten(), 0
    elif x.ndim == 0:
        raise np.exceptions.AxisError(checks.integer(axis, "sort: axis"), 0, msg_prefix="sort")
    axis = _dim(axis, x.ndim, "sort", "axis")
    return take_along_axis(x, stable_order(x.data, axis), axis)


def argsort(x: Any, axis: Any = -1, descending: Any = False, stable: Any = None, *,
            dim: Any = None, kind: Any = None, order: Any = None) -> Tensor:
    """The positions that sort x along ``axis`` (NumPy's name; ``dim``, PyTorch's), an
    int64 tensor with no gradient; ``axis=None`` sorts the flattened x (NumPy).

    Always stable (equal values keep their order), whatever ``kind`` or ``stable`` say:
    NumPy's and PyTorch's other orders are allowed to be any order of equal values.
    ``descending=True`` as torch.argsort; NumPy's ``kind`` may also come second
    (``a.argsort(-1, "stable")``).
    """
    if _is_numpy_kind(descending):  # NumPy's a.argsort(axis, kind)
        if kind is not None:
            raise TypeError("argsort: kind given twice")
        kind, descending = descending, False
    if order is not None:
        raise TypeError("argsort: order= is for NumPy's structured arrays, which a Tensor "
                        "cannot hold")
    if dim is not None:
        if axis != -1:
            raise TypeError("argsort: give axis= (NumPy's name) or dim= (PyTorch's), not both")
        axis = dim
    np.argsort(np.empty(0), kind=kind, stable=stable)  # NumPy's checks of kind and stable
    descending = checks.flag(descending, "argsort: descending")
    x = _tensor(x)
    data = x.data
    if axis is None:
        data, axis = data.reshape(-1), 0
    axis = _dim(axis, data.ndim, "argsort", "axis")
    if data.ndim == 0:
        return _index_tensor(0)
    return _index_tensor(stable_order(data, axis, descending))


def topk(x: Any, k: Any, dim: Any = -1, largest: Any = True, sorted: Any = True
         ) -> TopKValuesIndices:
    """PyTorch's topk: the ``k`` largest (``largest=False``: smallest) values along
    ``dim`` and their indices, largest first (smallest first).

    Differentiable in the values. At a tie the element that comes first in x is taken
    first. ``sorted=False`` lets PyTorch return them in any order; they are sorted here.

    Raises:
        ValueError: k outside [0, size of dim].
    """
    x = _tensor(x)
    dim = _dim(dim, x.ndim, "topk")
    n = x.shape[dim] if x.ndim else 1
    k = checks.integer(k, "topk: k", low=1 if x.ndim == 0 else 0, high=n)
    largest = checks.flag(largest, "topk: largest")
    checks.flag(sorted, "topk: sorted")
    if x.ndim == 0:
        return TopKValuesIndices(x.clone(), _index_tensor(0))
    positions = np.take(stable_order(x.data, dim, largest), np.arange(k), axis=dim)
    return TopKValuesIndices(take_along_axis(x, positions, dim), _index_tensor(positions))


# --- medians and quantiles ---


def _as_float(x: Any) -> Tensor:
    """x for an average of values: integers and bools become the default float dtype
    (as np.mean of a Tensor does here, PyTorch's rule)."""
    x = _tensor(x)
    return x if x.dtype.kind == "f" else x.astype(get_default_dtype())


def _reduced_last(x: Tensor, axis: Any, name: str) -> tuple:
    """x with the axes reduced over (None: all; an int or a tuple) moved last and merged
    into one, and the shape of the result with keepdims."""
    axes = tuple(range(x.ndim)) if axis is None else _normalize_axes(axis, x.ndim, name)
    kept = [a for a in range(x.ndim) if a not in axes]
    order = kept + sorted(axes)
    y = x if order == list(range(x.ndim)) else x.transpose(tuple(order))
    n = int(np.prod([x.shape[a] for a in axes], dtype=np.int64))
    if n == 0:
        raise ValueError(f"{name} of an empty selection (shape {x.shape}, axis={axis}) has "
                         "no value: reduce over axes that are not empty")
    y = y.reshape(tuple(x.shape[a] for a in kept) + (n,))
    return y, tuple(1 if a in axes else s for a, s in enumerate(x.shape))


def _nan_where_nan(y: Tensor, result: Tensor, extra_dims: int) -> Tensor:
    """NaN wherever the values reduced (y's last axis) hold a NaN, as NumPy and PyTorch
    give; no gradient flows there."""
    has_nan = np.asarray(np.isnan(y.data).any(axis=-1))
    if not has_nan.any():
        return result
    return Where.apply(has_nan.reshape(has_nan.shape + (1,) * extra_dims), np.nan, result)


def numpy_median(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """NumPy's ``np.median``: the middle value of the sorted values over ``axis`` (None:
    all; an int or a tuple), the average of the two middle ones for an even count.

    PyTorch's ``torch.median`` (``t.median()``) gives the lower of those two instead.
    Differentiable: dL/dx is dL/dy at the middle element, or half of it at each of the
    two; at a tie, the elements ``np.argsort(kind="stable")`` puts in the middle.
    """
    x = _as_float(x)
    y, kept_shape = _reduced_last(x, axis, "median")
    n = y.shape[-1]
    ordered = take_along_axis(y, stable_order(y.data, -1), -1)
    result = (ordered[..., (n - 1) // 2] + ordered[..., n // 2]) * 0.5
    result = _nan_where_nan(y, result, 0)
    return result.reshape(kept_shape) if keepdims else result


def _quantile_of_last_axis(y: Tensor, q: np.ndarray) -> Tensor:
    """NumPy's and PyTorch's 'linear' quantiles of y's last axis (n values): at rank
    v = q (n - 1) between the sorted values s[floor(v)] and s[floor(v) + 1],
    s[lo] + (s[hi] - s[lo]) (v - lo). The result has q's axes first."""
    n = y.shape[-1]
    rank = q * (n - 1)
    lo = np.floor(rank).astype(np.intp)
    hi = np.minimum(lo + 1, n - 1)
    weight = (rank - lo).astype(y.dtype)  # 0 at q = 1, where lo = hi = n - 1
    ordered = take_along_axis(y, stable_order(y.data, -1), -1)
    below, above = ordered[..., lo], ordered[..., hi]  # y's other axes, then q's
    result = _nan_where_nan(y, below + (above - below) * weight, q.ndim)
    lead = y.ndim - 1
    if q.ndim and lead:
        result = result.transpose(tuple(range(lead, lead + q.ndim)) + tuple(range(lead)))
    return result


def checked_fractions(q: Any, name: str, top: int = 1) -> np.ndarray:
    """q checked: numbers in [0, top] (a constant: no gradient flows to q), as float64
    fractions in [0, 1] (percentages divided by 100, as NumPy does)."""
    if isinstance(q, Tensor):
        if q.requires_grad:
            raise TypeError(f"{name}: q is taken as a constant here (no gradient flows to it); "
                            "pass q.detach() or numbers")
        q = q.data
    values = np.asarray(q)
    if values.dtype.kind not in "iuf":
        raise TypeError(f"{name}: q must be numbers in [0, {top}], got {q!r:.80}")
    values = values.astype(np.float64)
    if not np.all((values >= 0) & (values <= top)):  # also refuses NaN
        raise ValueError(f"{name}: q must be in the range [0, {top}], got {q!r:.80}")
    return np.true_divide(values, 100) if top == 100 else values


def quantile(x: Any, q: Any, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
             keepdim: Any = None, interpolation: str = "linear") -> Tensor:
    """The q-th quantiles over ``axis`` (``dim``; None: all elements; an int or a tuple),
    as ``np.quantile`` and ``torch.quantile`` with their default 'linear' interpolation.

    ``q`` is a number or an array of them in [0, 1]; the result has q's shape followed by
    the shape left after the reduction (with ``keepdims``, the reduced axes kept as 1).
    Differentiable in x (dL/dx: 1 - w to the lower of the two nearest ranks, w to the
    upper); q is a constant. Integers become the default float dtype; float32 stays
    float32. A NaN among the values gives NaN, as NumPy and PyTorch do.

    Raises:
        ValueError: q outside [0, 1]; an empty selection.
        TypeError: another interpolation (only 'linear' is supported); a q that
            requires grad.
    """
    if interpolation != "linear":
        raise TypeError("quantile supports interpolation='linear' only (the default of "
                        f"NumPy and PyTorch), got {interpolation!r}")
    if dim is not None:
        if axis is not None:
            raise TypeError("quantile: give axis= (NumPy's name) or dim= (PyTorch's), not both")
        axis = dim
    return linear_quantile(x, checked_fractions(q, "quantile"), axis, bool(keepdims or keepdim))


def linear_quantile(x: Any, fractions: np.ndarray, axis: Any, keepdims: bool,
                    name: str = "quantile") -> Tensor:
    """``quantile`` for fractions from ``checked_fractions`` (np.quantile, np.percentile)."""
    x = _as_float(x)
    y, kept_shape = _reduced_last(x, axis, name)
    result = _quantile_of_last_axis(y, fractions)
    return result.reshape(fractions.shape + kept_shape) if keepdims else result


def median(x: Any, dim: Any = None, keepdim: Any = False, **numpy_options: Any) -> Any:
    """PyTorch's median: the lower of the two middle values for an even count (NumPy's
    ``np.median`` averages them).

    Without ``dim``: of all elements, a 0-d tensor; elements equal to it share the
    gradient equally (as torch.median). With ``dim``: the pair ``(values, indices)`` along
    it, as ``torch.median(dim)``; the gradient goes to the index returned. A NaN among the
    values gives NaN (its index: the first NaN), as in PyTorch.

    Raises:
        TypeError: NumPy's keywords (axis=, keepdims=...): ``np.median(t, axis=...)`` is
            NumPy's median.
    """
    _known_keywords("median", numpy_options, ("axis", "keepdims", "out", "overwrite_input"))
    if numpy_options:
        raise TypeError(
            f"t.median({', '.join(f'{k}=' for k in numpy_options)}...) is not NumPy's: "
            "Tensor.median is PyTorch's (the lower of the two middle values; with dim=, the "
            "pair (values, indices)). For NumPy's median (their average for an even count) "
            "use np.median(t, axis=..., keepdims=...)")
    x = _tensor(x)
    if dim is None:
        if keepdim:
            raise TypeError("median: keepdim=True needs a dim")
        return _lower_median_of_all(x)
    dim = _dim(dim, x.ndim, "median")
    keepdim = checks.flag(keepdim, "median: keepdim")
    if x.ndim == 0:
        return MedianValuesIndices(x.clone(), _index_tensor(0))
    n = x.shape[dim]
    if n == 0:
        raise ValueError(f"median of an empty selection (shape {x.shape}, dim={dim}) has no "
                         "value")
    rank = np.full(x.shape[:dim] + (1,) + x.shape[dim + 1:], (n - 1) // 2)
    if x.dtype.kind == "f":  # a slice with NaN: its first NaN (NaN sorts last)
        nans = np.isnan(x.data).sum(axis=dim, keepdims=True)
        rank = np.where(nans > 0, n - nans, rank)
    positions = np.take_along_axis(stable_order(x.data, dim), rank, axis=dim)
    values = take_along_axis(x, positions, dim)
    if not keepdim:
        values, positions = values.squeeze(dim), positions.squeeze(dim)
    return MedianValuesIndices(values, _index_tensor(positions))


def _lower_median_of_all(x: Tensor) -> Tensor:
    flat = x.flatten()
    n = flat.shape[0]
    if n == 0:
        raise ValueError(f"median of an empty tensor (shape {x.shape}) has no value")
    order = stable_order(flat.data, 0)
    nans = int(np.isnan(flat.data).sum()) if flat.dtype.kind == "f" else 0
    position = order[n - nans] if nans else order[(n - 1) // 2]
    if nans or flat.dtype.kind != "f":
        return flat[int(position)]
    # The largest of the elements equal to the median is the median, exactly; Max shares
    # the gradient equally between them (as torch.median does).
    equal = flat.data == flat.data[position]
    return Max.apply(Where.apply(equal, flat, -np.inf), None, False)
