"""Hypothesis strategies for testing gradients: small shapes, float64 inputs, safe values.

Needs Hypothesis (``pip install tinygrad_edu[test]``). Every default is chosen for
gradient checks: small shapes (0-d, size-1 axes and 3-D included), finite values of
moderate size, and, with ``away_from``/``positive``, a margin from kinks and domain edges
far larger than the finite-difference step.

    from hypothesis import given
    from tinygrad_edu.testing import strategies as ts

    @given(ts.tensors(elements=ts.away_from([0.0])))
    def test_abs(x):
        check_gradients(lambda x: x.abs(), x)
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

try:
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError as error:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "tinygrad_edu.testing's strategies need Hypothesis, which is not installed: "
        "pip install tinygrad_edu[test] (or pip install hypothesis). assert_close, "
        "make_tensor, check_gradients and check_module work without it.") from error

from .. import checks
from .._tensor import Tensor
from ..dtypes import as_dtype

__all__ = ["reals", "positive", "away_from", "shapes", "broadcastable_shapes", "arrays",
           "tensors", "matmul_shapes", "axes"]

MAX_DIMS = 3
MAX_SIDE = 4
MARGIN = 0.1  # distance kept from kinks: 1e5 times gradcheck's step (1e-6)


# --- values ---

def reals(low: float = -3.0, high: float = 3.0) -> st.SearchStrategy[float]:
    """Finite floats in [low, high], no subnormals: moderate values whose finite
    differences are exact up to rounding.

    Raises:
        ValueError: a bound not finite, or ``low > high``.
    """
    low, high = _bounds(low, high, "reals")
    return st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False,
                     width=64)


def positive(low: float = 0.2, high: float = 4.0) -> st.SearchStrategy[float]:
    """Floats in [low, high] with low > 0: the domain of log, sqrt, a power's base,
    kept ``low`` away from the edge at 0.

    Raises:
        ValueError: ``low <= 0`` or ``low > high``.
    """
    checks.real(low, "positive: low", low=0, low_open=True)
    return reals(low, high)


def away_from(points: Sequence[float], margin: float = MARGIN, low: float = -3.0,
              high: float = 3.0) -> st.SearchStrategy[float]:
    """Floats in [low, high] at least ``margin`` from each of ``points``: a function's
    kinks (0 for relu and abs), jumps or poles.

    The values come from the intervals left between the points, each equally often.

    Args:
        points: the values to avoid (a number or a sequence of numbers).
        margin: the distance kept, > 0 (default 0.1: central differences with the step
            1e-6 of ``gradcheck`` never straddle a kink).
        low, high: the range.

    Raises:
        ValueError: a bad bound or margin, or nothing of [low, high] is left.
    """
    low, high = _bounds(low, high, "away_from")
    margin = checks.real(margin, "away_from: margin", low=0, low_open=True)
    points = [points] if isinstance(points, (int, float, np.number)) else list(points)
    points = sorted(checks.real(p, "away_from: points[]") for p in points)
    intervals, start = [], low
    for p in points:
        end = np.nextafter(p - margin, -np.inf)
        if end >= start:
            intervals.append((start, end))
        start = max(start, np.nextafter(p + margin, np.inf))
    if high >= start:
        intervals.append((start, high))
    if not intervals:
        raise ValueError(f"away_from: no value of [{low}, {high}] is {margin} away from all "
                         f"of {points}; widen [low, high] or lower the margin")
    return st.one_of(*[reals(a, b) for a, b in intervals]).filter(
        lambda v: all(abs(v - p) >= margin for p in points))


def _bounds(low: Any, high: Any, where: str) -> tuple[float, float]:
    low = checks.real(low, f"{where}: low")
    high = checks.real(high, f"{where}: high")
    if low > high:
        raise ValueError(f"{where}: low must be <= high, got low={low}, high={high}")
    return low, high


# --- shapes and axes ---

def shapes(min_dims: int = 0, max_dims: int = MAX_DIMS, min_side: int = 1,
           max_side: int = MAX_SIDE) -> st.SearchStrategy[tuple[int, ...]]:
    """Small shapes: 0-d (a scalar) up to ``max_dims`` axes of ``min_side`` to
    ``max_side`` elements (size-1 axes included; min_side=0 adds empty arrays)."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def broadcastable_shapes(num_shapes: int = 2, min_dims: int = 0, max_dims: int = MAX_DIMS,
                         max_side: int = MAX_SIDE) -> st.SearchStrategy[tuple]:
    """Tuples of ``num_shapes`` shapes that broadcast together (NumPy's rules: new
    leading axes, size-1 axes stretched); ``np.broadcast_shapes(*shapes)`` is the result."""
    checks.integer(num_shapes, "broadcastable_shapes: num_shapes", low=1)
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=1,
        max_side=max_side).map(lambda b: tuple(b.input_shapes))


def matmul_shapes(batch_dims: int = 0, max_side: int = MAX_SIDE,
                  vectors: bool = True) -> st.SearchStrategy[tuple]:
    """Shapes ``(a, b)`` for ``a @ b``: (m, n) and (n, p), with up to ``batch_dims``
    broadcasting batch axes in front.

    With ``vectors``, an operand without batch axes is also drawn 1-D: (n,) @ (n, p),
    (m, n) @ (n,) and (n,) @ (n,), NumPy's vector cases.
    """
    checks.integer(batch_dims, "matmul_shapes: batch_dims", low=0)
    checks.flag(vectors, "matmul_shapes: vectors")

    @st.composite
    def draw_shapes(draw):
        shape_a, shape_b = draw(hnp.mutually_broadcastable_shapes(
            signature="(m,n),(n,p)->(m,p)", min_dims=0, max_dims=batch_dims,
            max_side=max_side)).input_shapes
        if vectors and len(shape_a) == 2 and draw(st.booleans()):
            shape_a = shape_a[1:]
        if vectors and len(shape_b) == 2 and draw(st.booleans()):
            shape_b = shape_b[:1]
        return shape_a, shape_b

    return draw_shapes()


def axes(ndim: int, allow_none: bool = True, allow_tuple: bool = True,
         negative: bool = True) -> st.SearchStrategy[Any]:
    """An ``axis`` argument for an array of ``ndim`` axes: None (all of them), an int or a
    tuple of distinct ints, negative ones (counted from the end) included."""
    checks.integer(ndim, "axes: ndim", low=0)
    low = -ndim if negative else 0
    choices = [st.none()] if allow_none else []
    if ndim > 0:
        choices.append(st.integers(low, ndim - 1))
    if allow_tuple:
        choices.append(hnp.valid_tuple_axes(ndim).map(
            lambda t: t if negative else tuple(a % ndim for a in t)))
    if not choices:
        raise ValueError("axes: a 0-d array has no axis; allow None or tuples (the empty one)")
    return st.one_of(*choices)


# --- arrays and tensors ---

def arrays(shape: Any = None, dtype: Any = np.float64,
           elements: st.SearchStrategy | None = None) -> st.SearchStrategy[np.ndarray]:
    """NumPy arrays of ``shape`` (a tuple, or a strategy such as ``shapes()``; default
    ``shapes()``) and ``dtype`` (default float64), with values from ``elements`` (default
    ``reals()`` for floats, small integers for integers)."""
    dtype = as_dtype(dtype, "arrays: dtype")
    if elements is None:
        if dtype.kind == "f":
            elements = reals()
        elif dtype.kind in "iu":
            elements = st.integers(0 if dtype.kind == "u" else -9, 9)
    return hnp.arrays(dtype, shapes() if shape is None else shape, elements=elements)


def tensors(shape: Any = None, dtype: Any = np.float64,
            elements: st.SearchStrategy | None = None,
            requires_grad: bool = True) -> st.SearchStrategy[Tensor]:
    """Tensors made from ``arrays(shape, dtype, elements)``, leaves that require grad
    (by default), ready for ``check_gradients``.

    Raises:
        TypeError: ``requires_grad`` with a dtype that is not floating point.
    """
    dtype = as_dtype(dtype, "tensors: dtype")
    requires_grad = checks.flag(requires_grad, "tensors: requires_grad")
    if requires_grad and dtype.kind != "f":
        raise TypeError(f"tensors: only floating point tensors can require grad, got dtype "
                        f"{dtype}; pass requires_grad=False or a float dtype")
    return arrays(shape, dtype, elements).map(
        lambda a: Tensor(a, dtype=dtype, requires_grad=requires_grad))
