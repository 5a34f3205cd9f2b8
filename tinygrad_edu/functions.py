"""Module-level differentiable functions: concatenate, stack, split, unbind, where,
maximum, minimum, logsumexp; roll, flip, cumsum, cumprod, prod, tile, repeat_interleave,
diagonal, trace; outer, tensordot, einsum, norm; sort, argsort, topk, quantile (sorting.py)."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .ops.cumulative import CumProd, CumSum
from .ops.einsum import Einsum, explicit, tensordot_subscripts
from .ops.elementwise import Maximum, Minimum, Where
from .ops.linalg import Outer
from .ops.rearrange import Diagonal, Flip, Repeat, Roll, Tile
from .ops.reduce import Prod
from .ops.shape import Concatenate, Split, Stack
from ._tensor import Tensor, _as_tensor, _normalize_axes, _operand
from . import linalg
from .sorting import argsort, quantile, sort, topk  # noqa: F401 (tg.sort, ...)


def _tensors(tensors: Sequence[Any], name: str) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name} takes a list or tuple of tensors, got {type(tensors).__name__}")
    if len(tensors) == 0:
        raise ValueError(f"{name} needs at least one tensor")
    return [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]


def concatenate(tensors: Sequence[Any], axis: int | None = 0, *, dim: Any = None) -> Tensor:
    """Join tensors along an existing axis (``np.concatenate``; ``tg.cat``, ``torch.cat``
    with ``dim=``); differentiable.

    ``axis=None`` flattens every tensor first, as NumPy does.
    """
    axis = _axis_or_dim("concatenate", axis, dim)
    tensors = _tensors(tensors, "concatenate")
    if axis is None:
        return Concatenate.apply(0, *(t.flatten() for t in tensors))
    return Concatenate.apply(int(axis), *tensors)


def stack(tensors: Sequence[Any], axis: int = 0, *, dim: Any = None) -> Tensor:
    """Join same-shaped tensors along a new axis (``np.stack``; ``torch.stack`` with
    ``dim=``); differentiable."""
    return Stack.apply(int(_axis_or_dim("stack", axis, dim)), *_tensors(tensors, "stack"))


def _axis_or_dim(op: str, axis: Any, dim: Any) -> Any:
    """``axis`` (default 0), or PyTorch's ``dim`` in its place."""
    if dim is None:
        return axis
    if axis != 0:
        raise TypeError(f"{op}: give axis= (NumPy's name) or dim= (PyTorch's), not both")
    return dim


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


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
              keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) over ``axis`` (``dim``), computed stably (``scipy.special.logsumexp``,
    ``torch.logsumexp``); the gradient is softmax(x). See ``Tensor.logsumexp``."""
    return _as_tensor(x).logsumexp(axis, keepdims, dim=dim, keepdim=keepdim)


def split(x: Tensor, sections: Any, axis: int = 0) -> tuple:
    """NumPy's split: pieces of x along ``axis``, ``sections`` an int (that many equal
    parts) or a list of the indices to cut at; differentiable. ``np.split(t, ...)`` and
    ``tg.split(x, ..., axis=)`` run it; ``tg.split(x, n)`` and ``t.split(n)`` are PyTorch's
    (pieces of n elements, pytorch_names.split).

    The indices must not decrease and must lie in [-n, n] for an axis of size n (a
    negative one counts from the end); equal indices give an empty piece. NumPy also
    accepts decreasing or out-of-range indices, giving overlapping or missing pieces:
    those are refused here, as the gradients of such pieces cannot be joined back into
    x's (and such indices are nearly always a mistake).

    Raises:
        ValueError: an int that does not divide the axis' size, or indices that
            decrease or lie outside [-n, n].
        TypeError: sections is neither an int nor a sequence of ints.

    Example:
        >>> [p.shape for p in tg.split(tg.zeros(5), [2, 3], axis=0)]
        [(2,), (1,), (2,)]
    """
    x = _as_tensor(x)
    if x.ndim == 0:
        raise ValueError("split needs a tensor with at least one axis, got a 0-d tensor")
    n = x.shape[_axis_index(axis, x.ndim, "split")]
    return Split.apply(x, axis, _split_points(sections, n))


def _split_points(sections: Any, n: int) -> Any:
    """split's ``sections`` checked for an axis of size n: an int, or cut indices in [0, n]."""
    if isinstance(sections, Tensor):
        sections = sections.data
    if isinstance(sections, (int, np.integer)) and not isinstance(sections, (bool, np.bool_)):
        if sections < 1 or n % sections:
            raise ValueError(f"split: an axis of size {n} cannot be cut into {int(sections)} "
                             "equal parts; give a number of parts that divides it, or the "
                             "indices to cut at (a list)")
        return int(sections)
    if not isinstance(sections, (list, tuple, np.ndarray)) or not all(
            isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_))
            for i in sections):
        raise TypeError(f"split: sections must be an int (the number of equal parts) or a "
                        f"list of int indices to cut at, got {sections!r}")
    points = []
    for i in sections:
        if not -n <= i <= n:
            raise ValueError(f"split: index {int(i)} is out of range for an axis of size {n} "
                             f"(cut indices must be in [{-n}, {n}]), "
                             f"got {list(map(int, sections))}")
        point = int(i) % n if i < 0 else int(i)
        if points and point < points[-1]:
            raise ValueError(f"split: the indices to cut at must not decrease, got "
                             f"{list(map(int, sections))} for an axis of size {n} (np.split "
                             "would return overlapping pieces)")
        points.append(point)
    return points


def unbind(x: Tensor, axis: int = 0, *, dim: Any = None) -> tuple:
    """The slices x[i] along ``axis`` (``dim``; the axis removed), as ``torch.unbind``;
    differentiable."""
    x = _as_tensor(x)
    return Split.apply(x, _axis_index(_axis_or_dim("unbind", axis, dim), x.ndim, "unbind"), None)


# --- rearranging, cumulative and product functions (NumPy's and PyTorch's names) ---
# Where NumPy and PyTorch name an argument differently (axis/dim, keepdims/keepdim),
# both names are accepted; giving both is an error.


def _either(op: str, name: str, value: Any, alias: str, alias_value: Any) -> Any:
    if alias_value is None:
        return value
    if value is not None:
        raise TypeError(f"{op}: {name}= and {alias}= are the same argument (NumPy's and "
                        "PyTorch's name); give one of them")
    return alias_value


def _int_or_ints(value: Any, what: str, op: str) -> Any:
    """An int, or a tuple of ints (from a list, tuple or integer array)."""
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (tuple, list, np.ndarray)) and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
            for v in value):
        return tuple(int(v) for v in value)
    raise TypeError(f"{op}: {what} must be an int or a sequence of ints, got {value!r}")


def _axis_index(axis: Any, ndim: int, op: str) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: axis must be an int, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(int(axis), ndim, msg_prefix=op)
    return int(axis) % ndim


def roll(x: Any, shifts: Any = None, axis: Any = None, *, dims: Any = None,
         shift: Any = None) -> Tensor:
    """Shift the elements cyclically (``np.roll``, ``torch.roll``): by ``shifts`` (``shift``)
    along ``axis`` (``dims``); ints or equal-length tuples. ``axis=None`` rolls the flattened
    tensor and keeps the shape. Differentiable: the gradient is rolled back.

    Example:
        >>> tg.roll(tg.Tensor([1.0, 2.0, 3.0]), 1)
        Tensor([3., 1., 2.])
    """
    x = _as_tensor(x)
    axis = _either("roll", "axis", axis, "dims", dims)
    shifts = _either("roll", "shifts", shifts, "shift", shift)
    if shifts is None:
        raise TypeError("roll() needs shifts, the number of places to shift by")
    shifts = _int_or_ints(shifts, "shifts", "roll")
    if axis is not None:
        axis = _int_or_ints(axis, "axis", "roll")
        for a in (axis,) if isinstance(axis, int) else axis:
            _axis_index(a, x.ndim, "roll")
    return Roll.apply(x, shifts, axis)


def flip(x: Any, axis: Any = None, *, dims: Any = None) -> Tensor:
    """Reverse the order of the elements along ``axis`` (``dims``): an int, a tuple, or
    None for every axis (``np.flip``, ``torch.flip``). Differentiable."""
    x = _as_tensor(x)
    axis = _either("flip", "axis", axis, "dims", dims)
    axes = tuple(range(x.ndim)) if axis is None else _normalize_axes(axis, x.ndim, "flip")
    return Flip.apply(x, axes)


def _scan(op: type, name: str, x: Any, axis: Any, dim: Any) -> Tensor:
    x = _as_tensor(x)
    axis = _either(name, "axis", axis, "dim", dim)
    if axis is None:  # NumPy's default: the flattened tensor
        return op.apply(x.flatten(), 0)
    if x.ndim == 0:  # NumPy accepts axis 0 or -1 for a 0-d array and returns shape (1,)
        _axis_index(axis, 1, name)
        return op.apply(x.flatten(), 0)
    return op.apply(x, _axis_index(axis, x.ndim, name))


def cumsum(x: Any, axis: Any = None, *, dim: Any = None) -> Tensor:
    """Running sums y_k = x_0 + ... + x_k along ``axis`` (``dim``); None flattens first,
    as ``np.cumsum`` (``torch.cumsum`` needs a dim). Differentiable."""
    return _scan(CumSum, "cumsum", x, axis, dim)


def cumprod(x: Any, axis: Any = None, *, dim: Any = None) -> Tensor:
    """Running products y_k = x_0 * ... * x_k along ``axis`` (``dim``); None flattens first,
    as ``np.cumprod``. Differentiable, zeros included (as ``torch.cumprod``)."""
    return _scan(CumProd, "cumprod", x, axis, dim)


def prod(x: Any, axis: Any = None, keepdims: bool = None, *, dim: Any = None,
         keepdim: bool = None) -> Tensor:
    """The product over ``axis`` (``dim``): None for all, an int or a tuple
    (``np.prod``, ``torch.prod``).

    The gradient of each value is the product of the others, also where values are 0 (as
    ``torch.prod``): with one zero, the zero gets the product of the rest and the others
    0; with two or more zeros, all 0.
    """
    x = _as_tensor(x)
    axis = _either("prod", "axis", axis, "dim", dim)
    keepdims = bool(_either("prod", "keepdims", keepdims, "keepdim", keepdim))
    if axis is not None:
        axis = _int_or_ints(axis, "axis", "prod")
        _normalize_axes(axis, max(x.ndim, 1), "prod")
    return Prod.apply(x, axis, keepdims)


def tile(x: Any, reps: Any) -> Tensor:
    """The whole tensor copied ``reps[i]`` times along axis i (``np.tile``, ``torch.tile``,
    and what PyTorch's ``Tensor.repeat`` does): [a, b] -> [a, b, a, b]. A shorter x gets
    leading size-1 axes, shorter reps leading 1s. Differentiable (the copies' gradients add)."""
    reps = _int_or_ints(reps, "reps", "tile")
    reps = (reps,) if isinstance(reps, int) else reps
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: reps must be >= 0, got {reps!r}")
    return Tile.apply(_as_tensor(x), reps)


def repeat_interleave(x: Any, repeats: Any, axis: Any = None, *, dim: Any = None) -> Tensor:
    """Each element repeated in place, [a, b] -> [a, a, b, b] (``torch.repeat_interleave``,
    NumPy's ``np.repeat``): ``repeats`` an int or one count per slice along ``axis``
    (``dim``); None flattens first. Differentiable (the copies' gradients add)."""
    x = _as_tensor(x)
    axis = _either("repeat_interleave", "axis", axis, "dim", dim)
    if axis is None:
        x, axis = x.flatten(), 0
    elif x.ndim == 0:
        _axis_index(axis, 1, "repeat_interleave")
        x, axis = x.flatten(), 0
    else:
        axis = _axis_index(axis, x.ndim, "repeat_interleave")
    counts = _int_or_ints(repeats, "repeats", "repeat_interleave")
    counts = np.asarray(counts, dtype=np.intp).reshape(-1)
    n = x.shape[axis]
    if counts.size not in (1, n):
        raise ValueError(f"repeat_interleave: {counts.size} repeats for {n} slices along axis "
                         f"{axis}: give one count, or one per slice")
    if (counts < 0).any():
        raise ValueError(f"repeat_interleave: repeats must be >= 0, got {counts.tolist()}")
    return Repeat.apply(x, np.broadcast_to(counts, (n,)), axis)


def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, *,
             dim1: Any = None, dim2: Any = None) -> Tensor:
    """The diagonal x[..., i, ..., i + offset, ...] of axes ``axis1`` and ``axis2``
    (``dim1``, ``dim2``), those axes removed and the diagonal appended last
    (``np.diagonal``, ``torch.diagonal``). Differentiable (a copy, not a view)."""
    x = _as_tensor(x)
    axis1 = axis1 if dim1 is None else dim1
    axis2 = axis2 if dim2 is None else dim2
    if x.ndim < 2:
        raise ValueError(f"diagonal needs at least 2 dimensions, got shape {x.shape}")
    a1, a2 = _axis_index(axis1, x.ndim, "diagonal"), _axis_index(axis2, x.ndim, "diagonal")
    if a1 == a2:
        raise ValueError(f"diagonal: axis1 and axis2 must differ, got {axis1} and {axis2}")
    if isinstance(offset, bool) or not isinstance(offset, (int, np.integer)):
        raise TypeError(f"diagonal: offset must be an int, got {offset!r}")
    return Diagonal.apply(x, int(offset), a1, a2)


def trace(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """The sum of ``diagonal(x, offset, axis1, axis2)`` (``np.trace``; ``torch.trace`` for a
    matrix). Differentiable: the gradient is the identity pattern."""
    return diagonal(x, offset, axis1, axis2).sum(axis=-1)


# --- products of tensors ---


def outer(a: Any, b: Any) -> Tensor:
    """y[i, j] = a[i] * b[j] of the flattened inputs (``np.outer``, ``torch.outer``)."""
    return Outer.apply(_as_tensor(a), _as_tensor(b))


def tensordot(a: Any, b: Any, axes: Any = 2) -> Tensor:
    """Sum products over ``axes`` (``np.tensordot``, ``torch.tensordot``): an int N sums
    a's last N axes against b's first N; a pair of axis lists names them. The result has
    a's other axes, then b's. Computed as an einsum (differentiable twice)."""
    a, b = _as_tensor(a), _as_tensor(b)
    if isinstance(axes, Tensor):
        axes = axes.data.tolist()
    return Einsum.apply(tensordot_subscripts(a.shape, b.shape, axes), a, b)


def einsum(subscripts: str, *operands: Any) -> Tensor:
    """Einstein summation (``np.einsum``, ``torch.einsum``): ``einsum('bij,bjk->bik', a, b)``.

    Without ``->`` the output is NumPy's: the letters that occur once, sorted. ``...``
    stands for broadcast axes. The operands may also be given as one list (PyTorch).
    One differentiable op whose gradient is again an einsum, so it differentiates twice.
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    operands = tuple(_as_tensor(x) for x in operands)
    return Einsum.apply(explicit(subscripts, [x.shape for x in operands]), *operands)


def norm(x: Any, p: Any = 2, axis: Any = None, keepdims: bool = None, *, dim: Any = None,
         keepdim: bool = None) -> Tensor:
    """PyTorch's ``norm``: the entrywise vector p-norm over ``axis`` (``dim``), all elements
    by default; p = 2 (or 'fro'), 1, inf or -inf. The 2-norm has gradient 0 at 0 (torch).

    Even for a matrix this is entrywise: ``t.norm(1)`` is the sum of |a|, unlike
    ``np.linalg.norm(A, 1)``, NumPy's matrix 1-norm (the largest column sum).

    Raises:
        TypeError: p='nuc' or an order other than those above.
    """
    axis = _either("norm", "axis", axis, "dim", dim)
    keepdims = bool(_either("norm", "keepdims", keepdims, "keepdim", keepdim))
    if isinstance(p, str):
        if p != "fro":
            raise TypeError(f"norm: p={p!r} is not supported here; use p=2 (or 'fro'), 1, "
                            "inf or -inf")
        p = 2
    return linalg.vector_norm(_as_tensor(x), p, axis, keepdims)


_NOT_GIVEN = object()


def ndarray_repeat(x: Tensor, repeats: tuple, axis: Any = _NOT_GIVEN) -> Tensor:
    """``Tensor.repeat``: NumPy's ``ndarray.repeat(repeats, axis=...)``, axis= required.

    NumPy's ``a.repeat(2)`` repeats each element ([a, a, b, b]); PyTorch's ``t.repeat(2)``
    tiles the whole tensor ([a, b, a, b]): same shape, different values. So the call
    without ``axis=`` is refused rather than guessed.
    """
    if axis is _NOT_GIVEN:
        given = ", ".join(repr(r) for r in repeats)
        raise TypeError(
            f"t.repeat({given}) is ambiguous: NumPy's ndarray.repeat repeats each element "
            "([a, a, b, b]) while PyTorch's Tensor.repeat tiles the whole tensor ([a, b, a, b]). "
            f"Write t.tile({given}) for PyTorch's repeat, or t.repeat({given}, axis=...) / "
            f"t.repeat_interleave({given}, dim=...) for NumPy's (axis=None flattens)")
    if len(repeats) != 1:
        raise TypeError(f"t.repeat(repeats, axis=...) takes one repeats argument (an int or "
                        f"one count per slice), got {len(repeats)}")
    return repeat_interleave(x, repeats[0], axis)
