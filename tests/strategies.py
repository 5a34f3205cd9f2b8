"""Hypothesis strategies for the op tests: float64 arrays inside an op's domain.

Every strategy draws small float64 arrays (``array_shapes(min_dims=0, max_dims=3,
max_side=4)``: 0-d, size-1 axes and 3-D included), finite values of moderate magnitude,
kept away from an op's kinks and ties by a margin much larger than the finite-difference
step, so central differences are exact up to rounding there.

The op strategies at the bottom draw a ``Case``: the arrays that become the op's tensor
inputs, and the keyword arguments (axes, shapes, bounds, indices) that stay constants.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

MAX_DIMS = 3
MAX_SIDE = 4
# Distance kept from kinks, ties and domain edges: the finite-difference step is 1e-6.
MARGIN = 0.1


@dataclass
class Case:
    """One drawn input: ``arrays`` become tensors, ``params`` are passed as keywords."""

    arrays: tuple
    params: dict = field(default_factory=dict)

    def __repr__(self) -> str:  # Hypothesis prints this for a failing example
        shapes = [a.shape for a in self.arrays]
        return f"Case(shapes={shapes}, arrays={list(self.arrays)!r}, params={self.params!r})"


# --- elements and shapes ---

def reals(lo: float = -3.0, hi: float = 3.0) -> st.SearchStrategy[float]:
    """Finite float64 values in [lo, hi], no subnormals (moderate magnitudes only)."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False,
                     width=64)


def away_from_zero(hi: float = 3.0, margin: float = MARGIN) -> st.SearchStrategy[float]:
    """Values in [-hi, -margin] or [margin, hi]: away from a kink (or a pole) at 0."""
    return st.one_of(reals(-hi, -margin), reals(margin, hi))


def positive(lo: float = 0.2, hi: float = 4.0) -> st.SearchStrategy[float]:
    """Values in [lo, hi], lo > 0: the domain of log, sqrt and a pow base."""
    return reals(lo, hi)


def away_from_jumps(offset: float = 0.0, step: float = 1.0) -> st.SearchStrategy[float]:
    """Values (k + offset + u) * step, k in [-3, 2], u in [MARGIN, 1 - MARGIN]: a margin
    (MARGIN * step) away from the jumps of floor, ceil, trunc (at the integers, offset 0)
    and round (at the halves, offset 0.5; step 0.1 for one decimal)."""
    return st.builds(lambda k, u: (k + offset + u) * step, st.integers(-3, 2),
                     reals(MARGIN, 1 - MARGIN))


def shapes(min_dims: int = 0, max_dims: int = MAX_DIMS, max_side: int = MAX_SIDE):
    """Small non-empty shapes, 0-d up to 3-D, size-1 axes included."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


def arrays(shape, elements=None) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of ``shape`` (a tuple or a strategy) with the given elements."""
    return hnp.arrays(np.float64, shape, elements=reals() if elements is None else elements)


@st.composite
def distinct_values(draw, n: int, spacing: float = 2 * MARGIN) -> np.ndarray:
    """``n`` float64 values in random order, any two at least ``spacing / 2`` apart.

    They are the points of a grid (random origin, step ``spacing``) in a random
    permutation, each moved by less than half a step: no ties, and no near-ties that
    a finite difference could cross.
    """
    order = np.array(draw(st.permutations(range(n))), dtype=np.float64)
    jitter = draw(hnp.arrays(np.float64, (n,), elements=reals(0.0, spacing / 2)))
    origin = draw(reals(-1.0, 1.0))
    return origin + spacing * (order - n / 2) + jitter


@st.composite
def distinct_arrays(draw, shape) -> np.ndarray:
    """An array of ``shape`` whose values are pairwise distinct by a margin (max, min)."""
    return draw(distinct_values(int(np.prod(shape, dtype=int)))).reshape(shape)


# --- axis arguments ---

@st.composite
def axis_args(draw, ndim: int, allow_tuple: bool = True):
    """An ``axis`` for a reduction: None, an int (maybe negative) or a tuple of them."""
    choices = [st.none()]
    if ndim > 0:
        choices.append(st.integers(-ndim, ndim - 1))
    if allow_tuple:
        choices.append(hnp.valid_tuple_axes(ndim))
    return draw(st.one_of(*choices))


def reduced_count(shape: tuple, axis) -> int:
    """How many values a reduction over ``axis`` combines (as NumPy counts them)."""
    if axis is None:
        return int(np.prod(shape, dtype=int))
    axes = (axis,) if isinstance(axis, int) else axis
    return int(np.prod([shape[a] for a in axes], dtype=int))


# --- cases for each family of ops ---

@st.composite
def unary(draw, elements=None, min_dims: int = 0):
    """One array of any small shape."""
    return Case((draw(arrays(shapes(min_dims=min_dims), elements)),))


@st.composite
def binary(draw, elements0=None, elements1=None):
    """Two arrays whose shapes broadcast together (``mutually_broadcastable_shapes``)."""
    bshapes = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=0, max_dims=MAX_DIMS, max_side=MAX_SIDE))
    s0, s1 = bshapes.input_shapes
    return Case((draw(arrays(s0, elements0)), draw(arrays(s1, elements1))))


@st.composite
def binary_distinct(draw):
    """Two broadcastable arrays with no ties between any of their values (maximum/minimum)."""
    bshapes = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=0, max_dims=MAX_DIMS, max_side=MAX_SIDE))
    s0, s1 = bshapes.input_shapes
    n0 = int(np.prod(s0, dtype=int))
    values = draw(distinct_values(n0 + int(np.prod(s1, dtype=int))))
    return Case((values[:n0].reshape(s0), values[n0:].reshape(s1)))


@st.composite
def tensor_scalar(draw, elements, exponents):
    """An array and a Python scalar (``exponent`` keyword) for tensor ** scalar."""
    return Case((draw(arrays(shapes(), elements)),), {"exponent": draw(exponents)})


@st.composite
def scalar_tensor(draw, bases, elements):
    """A Python scalar (``base`` keyword) and an array, for scalar ** tensor."""
    return Case((draw(arrays(shapes(), elements)),), {"base": draw(bases)})


@st.composite
def matmul_pair(draw, batch_dims: int = 0, max_side: int = MAX_SIDE):
    """x0, x1 for x0 @ x1 from the gufunc signature ``(m,n),(n,p)->(m,p)``.

    ``batch_dims`` > 0 adds broadcasting batch axes. Half of the time m is dropped (a 1-D
    x0, a row vector), and independently p (a 1-D x1, a column vector): NumPy's
    vector @ matrix, matrix @ vector and vector @ vector, each drawn often. A 1-D operand
    has no batch axes, so only an operand drawn without them is made a vector.
    """
    bshapes = draw(hnp.mutually_broadcastable_shapes(
        signature="(m,n),(n,p)->(m,p)", min_dims=0, max_dims=batch_dims, max_side=max_side))
    s0, s1 = bshapes.input_shapes
    if len(s0) == 2 and draw(st.booleans()):
        s0 = s0[1:]
    if len(s1) == 2 and draw(st.booleans()):
        s1 = s1[:1]
    return Case((draw(arrays(s0)), draw(arrays(s1))))


@st.composite
def reduction(draw, distinct: bool = False, ddof: bool = False):
    """An array with ``axis`` and ``keepdims`` (and ``ddof`` for var)."""
    shape = draw(shapes())
    x = draw(distinct_arrays(shape) if distinct else arrays(shape))
    axis = draw(axis_args(len(shape)))
    params = {"axis": axis, "keepdims": draw(st.booleans())}
    if ddof:
        params["ddof"] = draw(st.integers(0, min(2, reduced_count(shape, axis) - 1)))
    return Case((x,), params)


@st.composite
def softmax_case(draw):
    """An array (at least 1-D) and an ``axis`` (maybe negative) to normalise along."""
    x = draw(arrays(shapes(min_dims=1), reals(-5.0, 5.0)))
    return Case((x,), {"axis": draw(st.integers(-x.ndim, x.ndim - 1))})


@st.composite
def clip_case(draw, lower: bool = True, upper: bool = True):
    """An array with bounds ``lo``/``hi`` (or None), its values a margin away from both."""
    lo = draw(reals(-1.5, -0.2)) if lower else None
    hi = draw(reals(0.2, 1.5)) if upper else None
    low_edge = -1.5 if lo is None else lo
    high_edge = 1.5 if hi is None else hi
    pieces = [reals(low_edge + MARGIN, high_edge - MARGIN)]
    if lo is not None:
        pieces.append(reals(-3.0, lo - MARGIN))
    if hi is not None:
        pieces.append(reals(hi + MARGIN, 3.0))
    x = draw(arrays(shapes(), st.one_of(*pieces)))
    return Case((x,), {"lo": lo, "hi": hi})


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


@st.composite
def reshape_case(draw):
    """An array and a new shape with the same size (size-1 axes and one ``-1`` possible)."""
    x = draw(arrays(shapes()))
    remaining, new_shape = x.size, []
    for _ in range(draw(st.integers(0, 3))):
        d = draw(st.sampled_from(_divisors(remaining)))
        new_shape.append(d)
        remaining //= d
    new_shape.append(remaining)
    new_shape = draw(st.permutations(new_shape))
    if draw(st.booleans()):  # let NumPy infer one axis
        new_shape[draw(st.integers(0, len(new_shape) - 1))] = -1
    return Case((x,), {"shape": tuple(new_shape)})


@st.composite
def transpose_case(draw):
    """An array and ``axes``: None (reverse them all) or a permutation, maybe negative."""
    x = draw(arrays(shapes()))
    axes = None
    if draw(st.booleans()):
        perm = draw(st.permutations(range(x.ndim)))
        negative = draw(st.lists(st.booleans(), min_size=x.ndim, max_size=x.ndim))
        axes = tuple(a - x.ndim if neg else a for a, neg in zip(perm, negative))
    return Case((x,), {"axes": axes})


@st.composite
def swapaxes_case(draw):
    """An array (at least 1-D) and two axes to swap (maybe equal, maybe negative)."""
    x = draw(arrays(shapes(min_dims=1)))
    axis = st.integers(-x.ndim, x.ndim - 1)
    return Case((x,), {"axis1": draw(axis), "axis2": draw(axis)})


@st.composite
def broadcast_case(draw):
    """An array and a shape it broadcasts to (new leading axes, stretched size-1 axes)."""
    bshapes = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=0, max_dims=MAX_DIMS, max_side=MAX_SIDE))
    return Case((draw(arrays(bshapes.input_shapes[0])),), {"shape": bshapes.result_shape})


@st.composite
def basic_index_case(draw):
    """An array and a basic index: ints, slices (negative steps too), None, Ellipsis."""
    x = draw(arrays(shapes()))
    index = draw(hnp.basic_indices(x.shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True))
    return Case((x,), {"index": index})


@st.composite
def array_index_case(draw):
    """An array and integer-array indices (one per axis), repeated indices likely."""
    x = draw(arrays(shapes(min_dims=1)))
    index = draw(hnp.integer_array_indices(
        x.shape, result_shape=hnp.array_shapes(min_dims=1, max_dims=2, max_side=4)))
    return Case((x,), {"index": index})


@st.composite
def mixed_index_case(draw):
    """An array (at least 2-D), a slice on axis 0 and an integer array on axis 1."""
    x = draw(arrays(shapes(min_dims=2)))
    n = x.shape[1]
    rows = draw(st.slices(x.shape[0]))
    cols = draw(hnp.arrays(np.intp, draw(hnp.array_shapes(min_dims=1, max_dims=2, max_side=4)),
                           elements=st.integers(-n, n - 1)))
    return Case((x,), {"index": (rows, cols)})


@st.composite
def split_case(draw, unbind: bool = False):
    """An array, an ``axis`` and ``sections``: a count that divides the axis, or sorted cut
    indices (empty pieces allowed, as np.split); None for unbind."""
    shape = draw(shapes(min_dims=1))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    size = shape[axis]
    if unbind:
        sections = None
    elif draw(st.booleans()):
        sections = draw(st.sampled_from([d for d in range(1, size + 1) if size % d == 0]))
    else:
        sections = sorted(draw(st.lists(st.integers(0, size), max_size=3)))
    return Case((draw(arrays(shape)),), {"axis": axis, "sections": sections})


@st.composite
def join_case(draw, stack: bool = False):
    """1 to 3 arrays to concatenate (sizes differ along ``axis``) or stack (same shape)."""
    base = list(draw(shapes(min_dims=0 if stack else 1)))
    count = draw(st.integers(1, 3))
    ndim_out = len(base) + 1 if stack else len(base)
    axis = draw(st.integers(-ndim_out, ndim_out - 1))
    xs = []
    for _ in range(count):
        shape = list(base)
        if not stack:
            shape[axis] = draw(st.integers(1, MAX_SIDE))
        xs.append(draw(arrays(tuple(shape))))
    return Case(tuple(xs), {"axis": axis})


@st.composite
def where_case(draw):
    """a, b and a bool ``cond``, all three shapes broadcasting together."""
    bshapes = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=3, min_dims=0, max_dims=MAX_DIMS, max_side=MAX_SIDE))
    sa, sb, sc = bshapes.input_shapes
    cond = draw(hnp.arrays(np.bool_, sc))
    return Case((draw(arrays(sa)), draw(arrays(sb))), {"cond": cond})


@st.composite
def sum_to_case(draw):
    """A gradient shaped like a broadcast result and the ``shape`` to sum it back to."""
    bshapes = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=0, max_dims=MAX_DIMS, max_side=MAX_SIDE))
    return Case((draw(arrays(bshapes.result_shape)),), {"shape": bshapes.input_shapes[0]})


@st.composite
def scatter_case(draw):
    """A gradient shaped like x[index] and the ``shape`` of x, for GetItem's backward."""
    shape = draw(shapes(min_dims=1))
    index = draw(st.one_of(
        hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True),
        hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(max_dims=2, max_side=4))))
    selected_shape = np.empty(shape)[index].shape
    return Case((draw(arrays(selected_shape)),), {"shape": shape, "index": index})


def incoming_grad(shape) -> st.SearchStrategy[np.ndarray]:
    """A random dL/dy for one backward pass (never only ones: a softmax's sum is constant)."""
    return arrays(shape, reals(-2.0, 2.0))
