"""Hypothesis cases for the op-table rows of the NumPy functions (numpy_functions.py):
shifts, axes, pad widths, repeats, reps, einsum patterns, norm orders away from kinks.

Most cases also draw ``api``: the NumPy function on a Tensor, our ``tg.`` function or the
Tensor method, so one row checks every way in (the references ignore it).
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from strategies import MAX_SIDE, Case, arrays, axis_args, reals, shapes

APIS = st.sampled_from(["numpy", "tg", "method"])


def _axis_or_none(draw, ndim: int):
    return draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1))) if ndim else None


# --- values away from the kinks of |x|, max|x| and the matrix norms ---

@st.composite
def distinct_magnitudes(draw, shape, lo: float = 0.2, spacing: float = 0.1) -> np.ndarray:
    """Values with |x| >= lo and any two magnitudes at least ``spacing * 0.7`` apart, with
    random signs: no element at the kink of |x|, no tie for max |x| or min |x|."""
    n = int(np.prod(shape, dtype=int))
    order = np.array(draw(st.permutations(range(n))), dtype=np.float64)
    jitter = draw(hnp.arrays(np.float64, (n,), elements=reals(0.0, spacing * 0.3)))
    signs = draw(hnp.arrays(np.bool_, (n,)))
    magnitude = lo + spacing * order + jitter
    return np.where(signs, magnitude, -magnitude).reshape(shape)


def _spread_sums(x: np.ndarray, rows: int, cols: int, along_rows: bool) -> np.ndarray:
    """x changed so that, in each matrix (axes rows, cols), the sums of |a| over each column
    (along_rows) or each row differ by at least 0.3: the matrix 1- and inf-norms pick one.
    Each sum grows by 0.3 times its rank, added to the magnitude of its first element."""
    m = np.moveaxis(np.abs(x), (rows, cols), (-2, -1)).copy()
    signs = np.moveaxis(np.sign(x), (rows, cols), (-2, -1))
    if not along_rows:
        m, signs = m.swapaxes(-1, -2), signs.swapaxes(-1, -2)
    ranks = np.argsort(np.argsort(m.sum(axis=-2), axis=-1), axis=-1)
    m[..., 0, :] += 0.3 * ranks
    y = m * signs
    if not along_rows:
        y = y.swapaxes(-1, -2)
    return np.moveaxis(y, (-2, -1), (rows, cols))


@st.composite
def vector_norm_case(draw):
    """np.linalg.norm over a vector axis: ord None, 2, 1, inf, -inf; axis None only for a
    1-D array (or with ord None: all elements)."""
    x = draw(distinct_magnitudes(draw(shapes())))
    ord_ = draw(st.sampled_from([None, 2, 1, np.inf, -np.inf]))
    if x.ndim == 0:  # only the norm of all elements, |x|
        ord_, axis = None, None
    elif x.ndim == 1 or ord_ is None:
        axis = _axis_or_none(draw, x.ndim)
    else:  # an ord with axis=None would be a matrix norm (2-D) or an error
        axis = draw(st.integers(-x.ndim, x.ndim - 1))
    return Case((x,), {"ord": ord_, "axis": axis, "keepdims": draw(st.booleans())})


@st.composite
def matrix_norm_case(draw):
    """np.linalg.norm of matrices: ord None/'fro', 1, -1, inf, -inf over a pair of axes (or
    axis=None for a 2-D array); the column (row) sums spread apart for 1 (inf)."""
    shape = draw(shapes(min_dims=2))
    x = draw(distinct_magnitudes(shape))
    ord_ = draw(st.sampled_from([None, "fro", 1, -1, np.inf, -np.inf]))
    if len(shape) == 2 and draw(st.booleans()):
        axis, rows, cols = None, 0, 1
    else:
        axis = tuple(draw(st.lists(st.integers(-len(shape), len(shape) - 1), min_size=2,
                                   max_size=2, unique_by=lambda a: a % len(shape))))
        rows, cols = (a % len(shape) for a in axis)
    if ord_ in (1, -1, np.inf, -np.inf):
        x = _spread_sums(x, rows, cols, along_rows=ord_ in (1, -1))
    return Case((x,), {"ord": ord_, "axis": axis, "keepdims": draw(st.booleans())})


@st.composite
def entrywise_norm_case(draw):
    """t.norm / tg.norm: p 2, 'fro', 1, inf, -inf over all elements, an axis or a tuple."""
    x = draw(distinct_magnitudes(draw(shapes())))
    return Case((x,), {"p": draw(st.sampled_from([2, "fro", 1, np.inf, -np.inf])),
                       "axis": draw(axis_args(x.ndim)), "keepdims": draw(st.booleans()),
                       "api": draw(st.sampled_from(["tg", "method"]))})


# --- rearranging ---

@st.composite
def roll_case(draw):
    """shift an int with axis None or an int; or a tuple of shifts with a tuple of axes
    (repeats allowed, as np.roll)."""
    x = draw(arrays(shapes()))
    shift = st.integers(-5, 5)
    if x.ndim and draw(st.booleans()):
        k = draw(st.integers(1, 3))
        axis = tuple(draw(st.lists(st.integers(-x.ndim, x.ndim - 1), min_size=k, max_size=k)))
        shifts = tuple(draw(st.lists(shift, min_size=k, max_size=k)))
    else:
        axis, shifts = _axis_or_none(draw, x.ndim), draw(shift)
    return Case((x,), {"shift": shifts, "axis": axis, "api": draw(APIS)})


@st.composite
def flip_case(draw):
    x = draw(arrays(shapes()))
    axis = draw(st.one_of(st.none(), hnp.valid_tuple_axes(x.ndim),
                          *([st.integers(-x.ndim, x.ndim - 1)] if x.ndim else [])))
    return Case((x,), {"axis": axis, "api": draw(APIS)})


@st.composite
def pad_case(draw, constant: bool):
    """pad_width as an int, one (before, after) pair, or a pair per axis; a constant value
    (or the default 0), or a mode that copies elements."""
    x = draw(arrays(shapes()))
    width = st.integers(0, 2 if constant else 3)
    form = draw(st.sampled_from(["int", "pair", "per-axis"] if x.ndim else ["int", "pair"]))
    if form == "int":
        pad_width = draw(width)
    elif form == "pair":
        pad_width = (draw(width), draw(width))
    else:
        pad_width = tuple((draw(width), draw(width)) for _ in range(x.ndim))
    if constant:
        params = {"mode": "constant"}
        if draw(st.booleans()):
            params["constant_values"] = draw(reals())
    else:
        params = {"mode": draw(st.sampled_from(["edge", "reflect", "symmetric", "wrap"]))}
    return Case((x,), {"pad_width": pad_width, **params})


@st.composite
def repeat_case(draw):
    """repeats an int (0 to 3) or one count per slice; axis None (flattened) or an int."""
    x = draw(arrays(shapes()))
    axis = _axis_or_none(draw, x.ndim)
    n = x.size if axis is None else x.shape[axis]
    if draw(st.booleans()):
        repeats = draw(st.integers(0, 3))
    else:
        repeats = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    return Case((x,), {"repeats": repeats, "axis": axis, "api": draw(APIS)})


@st.composite
def tile_case(draw):
    """reps an int or a tuple of 0 to 4 counts (shorter or longer than x.ndim)."""
    x = draw(arrays(shapes()))
    reps = draw(st.one_of(st.integers(1, 3), st.lists(st.integers(1, 3), max_size=4).map(tuple)))
    return Case((x,), {"reps": reps, "api": draw(APIS)})


@st.composite
def diagonal_case(draw):
    """Two different axes (maybe negative) and an offset within the matrix (an empty
    diagonal included)."""
    x = draw(arrays(shapes(min_dims=2)))
    axis1, axis2 = draw(st.lists(st.integers(-x.ndim, x.ndim - 1), min_size=2, max_size=2,
                                 unique_by=lambda a: a % x.ndim))
    offset = draw(st.integers(-x.shape[axis1], x.shape[axis2]))
    return Case((x,), {"offset": offset, "axis1": axis1, "axis2": axis2, "api": draw(APIS)})


# --- running totals and products ---

def with_zeros(lo: float = -1.5, hi: float = 1.5):
    """Values in [lo, hi] with exact zeros drawn often (prod and cumprod are polynomials:
    smooth at 0, but their backward must not divide by it)."""
    return st.one_of(reals(lo, hi), st.just(0.0))


@st.composite
def scan_case(draw, elements=None):
    """An array and an axis: None (flattened) or an int (0 or -1 for a 0-d array)."""
    x = draw(arrays(shapes(), elements))
    axis = draw(st.one_of(st.none(), st.integers(-max(x.ndim, 1), max(x.ndim, 1) - 1)))
    return Case((x,), {"axis": axis, "api": draw(APIS)})


@st.composite
def prod_case(draw):
    shape = draw(shapes())
    x = draw(arrays(shape, with_zeros()))
    return Case((x,), {"axis": draw(axis_args(len(shape))), "keepdims": draw(st.booleans()),
                       "api": draw(APIS)})


@st.composite
def diff_case(draw):
    """n 0 to 2 along an axis, with prepend/append absent, a number, or an array."""
    x = draw(arrays(shapes(min_dims=1)))
    axis = draw(st.integers(-x.ndim, x.ndim - 1))
    params = {"n": draw(st.integers(0, 2)), "axis": axis}
    for name in ("prepend", "append"):
        kind = draw(st.sampled_from(["none", "number", "array"]))
        if kind == "number":
            params[name] = draw(reals())
        elif kind == "array":
            shape = list(x.shape)
            shape[axis] = draw(st.integers(1, 2))
            params[name] = draw(arrays(tuple(shape)))
    return Case((x,), params)


@st.composite
def average_case(draw):
    """a and positive weights shaped like a, or like a's ``axis`` (an int or a tuple)."""
    x = draw(arrays(shapes()))
    axis = draw(axis_args(x.ndim))
    if axis is not None and draw(st.booleans()):
        axes = (axis,) if isinstance(axis, int) else axis
        w_shape = tuple(x.shape[a] for a in axes)
    else:
        w_shape = x.shape
    w = draw(arrays(w_shape, reals(0.5, 2.0)))
    return Case((x, w), {"axis": axis, "keepdims": draw(st.booleans())})


# --- products of tensors ---

@st.composite
def outer_case(draw):
    """Two arrays of any shapes (np.outer flattens them)."""
    return Case((draw(arrays(shapes())), draw(arrays(shapes()))),
                {"api": draw(st.sampled_from(["numpy", "tg"]))})


@st.composite
def tensordot_case(draw):
    """a = (free_a..., summed...) and b = (summed..., free_b...), their axes then permuted;
    axes an int N (unpermuted) or the two lists of summed axes (maybe negative)."""
    side = st.integers(1, 3)
    summed = draw(st.lists(side, max_size=2))
    free_a, free_b = draw(st.lists(side, max_size=2)), draw(st.lists(side, max_size=2))
    k = len(summed)
    if draw(st.booleans()):
        a = draw(arrays(tuple(free_a + summed)))
        b = draw(arrays(tuple(summed + free_b)))
        axes = k
    else:
        perm_a = draw(st.permutations(range(len(free_a) + k)))
        perm_b = draw(st.permutations(range(k + len(free_b))))
        a_dims, b_dims = free_a + summed, summed + free_b
        a = draw(arrays(tuple(a_dims[p] for p in perm_a)))
        b = draw(arrays(tuple(b_dims[p] for p in perm_b)))
        axes_a = [perm_a.index(len(free_a) + i) for i in range(k)]
        axes_b = [perm_b.index(i) for i in range(k)]
        if draw(st.booleans()):
            axes_a = [ax - a.ndim for ax in axes_a]
        axes = (axes_a, axes_b)
    return Case((a, b), {"axes": axes, "api": draw(st.sampled_from(["numpy", "tg"]))})


EINSUM_PATTERNS = [
    "ij,jk->ik", "ij,jk", "bij,bjk->bik", "...ij,...jk->...ik", "ij->ji", "ba", "ii->", "ii",
    "ii->i", "i,j->ij", "i,j", "ij->", "ij->i", "ij,ij->ij", "i,i->", "ij,jk,kl->il",
    "bi,bj->bij", "...i->...", "i...->...i", "Ab,bA->", "iij->j",
]


@st.composite
def einsum_case(draw):
    """A pattern from EINSUM_PATTERNS (batched matmul, transpose, trace, diagonal, outer,
    sums, implicit outputs, '...' with broadcasting), sizes 1 to 3 per letter."""
    pattern = draw(st.sampled_from(EINSUM_PATTERNS))
    terms = pattern.split("->")[0].split(",")
    sizes = {c: draw(st.integers(1, 3)) for c in sorted(set(pattern) - set(",->."))}
    with_ellipsis = [i for i, t in enumerate(terms) if "..." in t]
    batch = {}
    if with_ellipsis:
        bshapes = draw(hnp.mutually_broadcastable_shapes(
            num_shapes=len(with_ellipsis), max_dims=2, max_side=3))
        batch = dict(zip(with_ellipsis, bshapes.input_shapes))
    xs = []
    for i, term in enumerate(terms):
        head, _, tail = term.partition("...")
        shape = tuple(sizes[c] for c in head) + batch.get(i, ()) + tuple(sizes[c] for c in tail)
        xs.append(draw(arrays(shape)))
    return Case(tuple(xs), {"subscripts": pattern, "api": draw(st.sampled_from(["numpy", "tg"]))})


# --- joining, splitting, reshaping ---

@st.composite
def vstack_case(draw):
    """1 to 3 arrays: (n,) or (r, n) for one n (a 1-D array is a row)."""
    n = draw(st.integers(1, MAX_SIDE))
    count = draw(st.integers(1, 3))
    xs = [draw(arrays(draw(st.sampled_from([(n,), (draw(st.integers(1, 3)), n)]))))
          for _ in range(count)]
    return Case(tuple(xs))


@st.composite
def hstack_case(draw):
    """1 to 3 arrays, all 1-D (any lengths) or all (m, c) for one m."""
    count = draw(st.integers(1, 3))
    if draw(st.booleans()):
        xs = [draw(arrays((draw(st.integers(1, 3)),))) for _ in range(count)]
    else:
        m = draw(st.integers(1, 3))
        xs = [draw(arrays((m, draw(st.integers(1, 3))))) for _ in range(count)]
    return Case(tuple(xs))


@st.composite
def column_stack_case(draw):
    """1 to 3 arrays: (m,) (a column) or (m, c)."""
    m = draw(st.integers(1, MAX_SIDE))
    count = draw(st.integers(1, 3))
    xs = [draw(arrays(draw(st.sampled_from([(m,), (m, draw(st.integers(1, 3)))]))))
          for _ in range(count)]
    return Case(tuple(xs))


@st.composite
def array_split_case(draw):
    """An axis and sections: a count (1 to 5, maybe more than the axis holds) or cut
    indices (sorted, maybe repeated)."""
    x = draw(arrays(shapes(min_dims=1)))
    axis = draw(st.integers(-x.ndim, x.ndim - 1))
    sections = draw(st.one_of(st.integers(1, 5),
                              st.lists(st.integers(0, x.shape[axis]), max_size=3).map(sorted)))
    return Case((x,), {"indices_or_sections": sections, "axis": axis})


@st.composite
def moveaxis_case(draw):
    """source and destination: ints or equal-length tuples of distinct axes."""
    x = draw(arrays(shapes(min_dims=1)))
    k = draw(st.integers(1, x.ndim))
    source = draw(hnp.valid_tuple_axes(x.ndim, min_size=k, max_size=k))
    destination = draw(hnp.valid_tuple_axes(x.ndim, min_size=k, max_size=k))
    if k == 1 and draw(st.booleans()):
        source, destination = source[0], destination[0]
    return Case((x,), {"source": source, "destination": destination})
