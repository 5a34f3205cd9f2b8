"""More NumPy functions on Tensors, each running differentiable ops (merged into
``numpy_interop.FUNCTIONS``): rearranging (roll, flip, pad, repeat, tile, diagonal,
trace), running totals and products, outer/tensordot/einsum/linalg.norm, the joiners
and reshapers that are compositions of other ops (vstack, split, moveaxis, diff, ...), and
sort, median, quantile, percentile (np.partition refused on a tensor that requires grad).

Every adapter has NumPy's signature; an option our op cannot honour raises a TypeError
naming it, before anything is computed.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import functions, linalg, sorting
from .autograd import engine
from .ops.einsum import Einsum, explicit
from .ops.rearrange import PadConstant
from ._tensor import Tensor, _as_tensor as _tensor

_NoValue = np._NoValue  # NumPy's "argument not given" default


def _refuse(name: str, instead: str = "", **options: Any) -> None:
    """A TypeError naming the NumPy options that were given (not None / not defaulted)."""
    given = [k for k, v in options.items() if v is not None and v is not _NoValue]
    if given:
        raise TypeError(f"np.{name} on a Tensor does not support {', '.join(given)}="
                        + (f" ({instead})" if instead else ""))


# --- rearranging ---


def _roll(a, shift, axis=None):
    return functions.roll(a, shift, axis)


def _flip(m, axis=None):
    return functions.flip(m, axis)


def _repeat(a, repeats, axis=None):
    return functions.repeat_interleave(a, repeats, axis)


def _tile(A, reps):
    return functions.tile(A, reps)


def _diagonal(a, offset=0, axis1=0, axis2=1):
    return functions.diagonal(a, offset, axis1, axis2)


def _trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    _refuse("trace", "cast the result instead", dtype=dtype, out=out)
    return functions.trace(a, offset, axis1, axis2)


_GATHER_MODES = ("edge", "reflect", "symmetric", "wrap")


def _pad(array, pad_width, mode="constant", **kwargs):
    """np.pad: 'constant' (PadConstant), or a mode that copies elements of the array
    ('edge', 'reflect', 'symmetric', 'wrap'): the gather x.flatten()[index], where index
    is np.pad of the elements' positions (so NumPy decides which element goes where)."""
    if not isinstance(mode, str) or mode not in ("constant",) + _GATHER_MODES:
        raise TypeError(f"np.pad on a Tensor supports mode 'constant', "
                        f"{', '.join(repr(m) for m in _GATHER_MODES)}; got mode={mode!r}")
    if kwargs.get("reflect_type", "even") != "even":
        raise TypeError("np.pad on a Tensor does not support reflect_type="
                        f"{kwargs['reflect_type']!r} (only the default 'even')")
    x = _tensor(array)
    width = np.asarray(pad_width.data if isinstance(pad_width, Tensor) else pad_width)
    if width.dtype.kind not in "iu":
        raise TypeError(f"np.pad: pad_width must be integers, got {pad_width!r}")
    width = np.broadcast_to(width, (x.ndim, 2))
    if mode == "constant":
        unknown = set(kwargs) - {"constant_values"}
        if unknown:
            raise ValueError(f"np.pad: unsupported keyword arguments for mode 'constant': "
                             f"{sorted(unknown)}")
        value = kwargs.get("constant_values", 0)
        if isinstance(value, Tensor):
            if value.requires_grad:
                raise TypeError("np.pad on a Tensor: constant_values is a constant (no gradient "
                                "flows to it); pass numbers, or value.detach()")
            value = value.data
        return PadConstant.apply(x, tuple(map(tuple, width.tolist())), value)
    positions = np.arange(x.size).reshape(x.shape)
    index = np.pad(positions, width if x.ndim else 0, mode=mode, **{k: v for k, v in kwargs.items()
                                                   if k != "reflect_type"})
    return x.flatten()[index]


# --- running totals and products ---


def _cumsum(a, axis=None, dtype=None, out=None):
    _refuse("cumsum", "cast the result instead", dtype=dtype, out=out)
    return functions.cumsum(a, axis)


def _cumprod(a, axis=None, dtype=None, out=None):
    _refuse("cumprod", "cast the result instead", dtype=dtype, out=out)
    return functions.cumprod(a, axis)


def _prod(a, axis=None, dtype=None, out=None, keepdims=_NoValue, initial=_NoValue,
          where=_NoValue):
    _refuse("prod", "use t.prod(axis=..., keepdims=...)", dtype=dtype, out=out,
            initial=initial, where=where)
    return functions.prod(a, axis, False if keepdims is _NoValue else keepdims)


def _diff(a, n=1, axis=-1, prepend=_NoValue, append=_NoValue):
    """a[1:] - a[:-1] along ``axis``, ``n`` times, after joining ``prepend``/``append``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"np.diff: order n must be a non-negative int, got {n!r}")
    x = _tensor(a)
    if n == 0:  # NumPy returns the array itself; a view of it here (a new graph node)
        return x.reshape(x.shape)
    if x.ndim == 0:
        raise ValueError("np.diff needs an input with at least one dimension")
    axis = functions._axis_index(axis, x.ndim, "diff")
    pieces = []
    for value in (prepend, append):
        if value is _NoValue:
            pieces.append(None)
            continue
        value = value if isinstance(value, Tensor) else Tensor(
            np.asarray(value, dtype=x.dtype if isinstance(value, (int, float)) else None))
        if value.ndim == 0:
            shape = list(x.shape)
            shape[axis] = 1
            value = value.broadcast_to(tuple(shape))
        pieces.append(value)
    if pieces[0] is not None or pieces[1] is not None:
        x = functions.concatenate([p for p in (pieces[0], x, pieces[1]) if p is not None], axis)
    lead = (slice(None),) * axis
    for _ in range(n):
        x = x[lead + (slice(1, None),)] - x[lead + (slice(None, -1),)]
    return x


def _average(a, axis=None, weights=None, returned=False, *, keepdims=_NoValue):
    """sum(a * w) / sum(w) over ``axis`` (np.average); the mean without weights. Gradients
    flow to ``a`` and to ``weights`` if it is a Tensor."""
    x = _tensor(a)
    keepdims = False if keepdims is _NoValue else keepdims
    if axis is not None:
        axis = functions._int_or_ints(axis, "axis", "average")
        axis = tuple(functions._axis_index(ax, x.ndim, "average")
                     for ax in ((axis,) if isinstance(axis, int) else axis))
    if weights is None:
        avg = x.mean(axis=axis, keepdims=keepdims)
        scale = Tensor(np.full(avg.shape, x.size / max(avg.size, 1), dtype=avg.dtype))
    else:
        w = _tensor(weights)
        if w.shape != x.shape:
            if axis is None:
                raise TypeError("np.average: axis must be given when the shapes of a and "
                                f"weights differ ({x.shape} and {w.shape})")
            if w.shape != tuple(x.shape[ax] for ax in axis):
                raise ValueError(f"np.average: weights of shape {w.shape} do not match a's "
                                 f"shape {x.shape} along axis {axis}")
            w = w.transpose(tuple(int(i) for i in np.argsort(axis)))
            w = w.reshape(tuple(s if ax in axis else 1 for ax, s in enumerate(x.shape)))
        scale = w.broadcast_to(x.shape).sum(axis=axis, keepdims=keepdims)
        if np.any(scale.data == 0):
            raise ZeroDivisionError("np.average: weights sum to zero, can't be normalized")
        avg = (x * w).sum(axis=axis, keepdims=keepdims) / scale
    if returned:
        return avg, scale.broadcast_to(avg.shape)
    return avg


# --- products of tensors ---


def _outer(a, b, out=None):
    _refuse("outer", out=out)
    return functions.outer(a, b)


def _tensordot(a, b, axes=2):
    return functions.tensordot(a, b, axes)


def _einsum(*operands, out=None, optimize=False, **kwargs):
    """np.einsum with the subscripts as a string; ``optimize`` only changes the order of
    the work, so it is accepted (and left to NumPy's default)."""
    _refuse("einsum", "compute without it", out=out, **kwargs)
    if not operands:
        raise TypeError("np.einsum needs the subscripts and at least one operand")
    subscripts, operands = operands[0], tuple(_tensor(x) for x in operands[1:])
    return Einsum.apply(explicit(subscripts, [x.shape for x in operands]), *operands)


def _norm(x, ord=None, axis=None, keepdims=False):
    return linalg.norm(x, ord, axis, keepdims)


# --- joining, splitting and reshaping: compositions of other ops ---


def _stack_check(name: str, tup: Any, dtype: Any, casting: Any) -> list:
    _refuse(name, "cast the tensors first", dtype=dtype)
    if casting not in (None, "same_kind"):
        raise TypeError(f"np.{name} on a Tensor does not support casting={casting!r}")
    if isinstance(tup, Tensor) or not isinstance(tup, (list, tuple)):
        raise TypeError(f"np.{name} takes a list or tuple of arrays, got {type(tup).__name__}")
    return [_tensor(t) for t in tup]


def _vstack(tup, *, dtype=None, casting="same_kind"):
    tensors = _stack_check("vstack", tup, dtype, casting)
    return functions.concatenate([_at_least(t, 2) for t in tensors], axis=0)


def _hstack(tup, *, dtype=None, casting="same_kind"):
    tensors = [_at_least(t, 1) for t in _stack_check("hstack", tup, dtype, casting)]
    return functions.concatenate(tensors, axis=0 if tensors and tensors[0].ndim == 1 else 1)


def _column_stack(tup):
    tensors = _stack_check("column_stack", tup, None, None)
    return functions.concatenate(
        [t.reshape(-1, 1) if t.ndim < 2 else t for t in tensors], axis=1)


def _split(ary, indices_or_sections, axis=0):
    x = _tensor(ary)
    sections = indices_or_sections
    if isinstance(sections, (int, np.integer)) and x.ndim:
        n = x.shape[functions._axis_index(axis, x.ndim, "split")]
        if sections <= 0 or n % sections:
            raise ValueError(f"np.split: {sections} sections do not divide axis {axis} of "
                             f"size {n} equally; use np.array_split")
    return list(functions.split(x, sections, axis))


def _array_split(ary, indices_or_sections, axis=0):
    x = _tensor(ary)
    sections = indices_or_sections
    if isinstance(sections, (int, np.integer)):
        if sections <= 0:
            raise ValueError(f"np.array_split: the number of sections must be > 0, got {sections}")
        n = x.shape[functions._axis_index(axis, x.ndim, "array_split")] if x.ndim else 0
        each, extra = divmod(n, int(sections))
        sizes = [each + 1] * extra + [each] * (int(sections) - extra)
        sections = np.cumsum(sizes)[:-1].tolist()
    return list(functions.split(x, sections, axis))


def _moveaxis(a, source, destination):
    x = _tensor(a)
    source = _axes(source, x.ndim, "source")
    destination = _axes(destination, x.ndim, "destination")
    if len(source) != len(destination):
        raise ValueError("np.moveaxis: `source` and `destination` must have the same number "
                         f"of elements, got {len(source)} and {len(destination)}")
    order = [i for i in range(x.ndim) if i not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return x.transpose(tuple(order))


def _axes(axes: Any, ndim: int, name: str) -> tuple:
    axes = functions._int_or_ints(axes, name, "moveaxis")
    axes = (axes,) if isinstance(axes, int) else axes
    result = tuple(functions._axis_index(a, ndim, f"moveaxis: {name}") for a in axes)
    if len(set(result)) != len(result):
        raise ValueError(f"np.moveaxis: repeated axis in {name}={axes!r}")
    return result


def _at_least(t: Tensor, ndim: int) -> Tensor:
    """NumPy's atleast_1d/2d/3d for one tensor: 0-d -> (1,)...; (n,) -> (1, n) -> (1, n, 1);
    (m, n) -> (m, n, 1)."""
    shape = t.shape
    if t.ndim >= ndim:  # NumPy returns the array itself; a view of it here
        return t.reshape(shape)
    if ndim == 1 or t.ndim == 0:
        return t.reshape((1,) * (ndim - t.ndim) + shape)
    if ndim == 2 or t.ndim == 2:  # (n,) -> (1, n); (m, n) -> (m, n, 1)
        return t.reshape((1,) + shape if t.ndim == 1 else shape + (1,))
    return t.reshape((1,) + shape + (1,))  # (n,) -> (1, n, 1)


def _atleast(ndim: int) -> Callable[..., Any]:
    def atleast(*arys):
        result = tuple(_at_least(_tensor(a), ndim) for a in arys)
        return result[0] if len(result) == 1 else result
    return atleast


# --- sorting and order statistics (sorting.py) ---


def _sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """np.sort: the sorted values, differentiable. Every kind gives the same values; at a
    tie the gradient goes to the element np.argsort(kind='stable') puts there."""
    _refuse("sort", "it is for structured arrays", order=order)
    np.sort(np.empty(0), kind=kind, stable=stable)  # NumPy's own checks of kind and stable
    return sorting.sorted_values(_tensor(a), axis)


def _median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """np.median: the average of the two middle values for an even count (torch.median,
    t.median(), gives the lower one); overwrite_input only allows NumPy to reuse the input."""
    _refuse("median", out=out)
    return sorting.numpy_median(a, axis, keepdims)


def _order_statistic(name: str, top: int) -> Callable[..., Any]:
    def statistic(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False, *, weights=None):
        _refuse(name, out=out, weights=weights)
        if method != "linear":
            raise TypeError(f"np.{name} on a Tensor supports method='linear' only (the "
                            f"default), got method={method!r}")
        return sorting.linear_quantile(a, sorting.checked_fractions(q, f"np.{name}", top),
                                       axis, keepdims, name)
    statistic.__doc__ = (f"np.{name} with the default method 'linear', differentiable in a "
                         "(q is a constant).")
    return statistic


def _partition(a, kth, axis=-1, kind="introselect", order=None):
    """np.partition is refused on a tensor that requires grad: which element lands where
    inside each part is NumPy's implementation detail, not a function to differentiate."""
    if engine._mode.enabled and isinstance(a, Tensor) and a.requires_grad:
        raise TypeError("np.partition of a Tensor that requires grad is not supported: use "
                        "np.sort(t, axis) (a sorted array is a partition too) or "
                        "t.topk(k, dim, largest=False)")
    return np.partition(np.asarray(a), kth, axis, kind, order)


def _copy(a, order="K", subok=False):
    if order not in ("K", "C", "A"):
        raise TypeError(f"np.copy on a Tensor does not support order={order!r} "
                        "(a Tensor's data is C-ordered)")
    return _tensor(a).clone()


NUMPY_FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {
    np.roll: _roll, np.flip: _flip, np.pad: _pad, np.repeat: _repeat, np.tile: _tile,
    np.diagonal: _diagonal, np.trace: _trace,
    np.cumsum: _cumsum, np.cumprod: _cumprod, np.prod: _prod, np.diff: _diff,
    np.average: _average,
    np.outer: _outer, np.tensordot: _tensordot, np.einsum: _einsum, np.linalg.norm: _norm,
    np.vstack: _vstack, np.hstack: _hstack, np.column_stack: _column_stack,
    np.split: _split, np.array_split: _array_split, np.moveaxis: _moveaxis,
    np.atleast_1d: _atleast(1), np.atleast_2d: _atleast(2), np.atleast_3d: _atleast(3),
    np.copy: _copy,
    np.sort: _sort, np.median: _median, np.quantile: _order_statistic("quantile", 1),
    np.percentile: _order_statistic("percentile", 100), np.partition: _partition,
}
