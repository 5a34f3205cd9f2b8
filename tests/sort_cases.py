"""Hypothesis cases and NumPy references for the op-table rows of sorting.py: sort, topk,
median (NumPy's average and PyTorch's lower one), quantile and percentile.

Values are pairwise distinct by a margin (``distinct_arrays``): sorting is not
differentiable at a tie, so the table stays away from ties (test_sort.py checks them
against torch). Most cases draw ``api`` too: the NumPy function, the ``tg.`` function or
the Tensor method; the references ignore it and use only NumPy's own functions.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import tinygrad_edu as tg

from strategies import Case, axis_args, distinct_arrays, reals, shapes


# --- our side: one callable per row, the way in picked by ``api`` ---


def sort(x, axis, descending, api):
    if api == "numpy":
        return np.sort(x, axis)
    if api == "tg":
        return tg.sort(x, axis, descending=descending).values
    return x.sort(axis, descending).values


def topk(x, k, dim, largest, api):
    pair = tg.topk(x, k, dim, largest) if api == "tg" else x.topk(k, dim, largest=largest)
    return pair.values


def lower_median(x, dim, keepdim):
    return x.median() if dim is None else x.median(dim, keepdim).values


def quantile(x, q, axis, keepdims, api):
    if api == "numpy":
        return np.quantile(x, q, axis=axis, keepdims=keepdims)
    if api == "tg":
        return tg.quantile(x, q, axis, keepdims)
    return x.quantile(q, dim=axis, keepdim=keepdims)


# --- NumPy references ---


def sort_ref(x, axis, descending, api=None):
    if x.ndim == 0:  # PyTorch's sort of a 0-d tensor: the value itself
        return x.copy()
    return -np.sort(-x, axis) if descending else np.sort(x, axis)


def topk_ref(x, k, dim, largest, api=None):
    ordered = -np.sort(-x, axis=dim) if largest else np.sort(x, axis=dim)
    return np.take(ordered, np.arange(k), axis=dim)


def lower_median_ref(x, dim, keepdim):
    if dim is None:
        flat = np.sort(x.ravel())
        return flat[(flat.size - 1) // 2]
    if x.ndim == 0:
        return x.copy()
    ordered = np.sort(x, axis=dim)
    middle = np.take(ordered, [(x.shape[dim] - 1) // 2], axis=dim)
    return middle if keepdim else np.squeeze(middle, axis=dim)


def quantile_ref(x, q, axis, keepdims, api=None):
    return np.quantile(x, q, axis=axis, keepdims=keepdims)


# --- cases ---


def _dim(draw, ndim):
    """An int axis for PyTorch's forms (a 0-d tensor has axis 0 or -1)."""
    return draw(st.integers(-max(ndim, 1), max(ndim, 1) - 1))


@st.composite
def sort_case(draw):
    """np.sort (axis None or an int; no 0-d: NumPy has no axis to sort it along), or
    PyTorch's sort (an int dim, 0-d included; ascending or descending)."""
    api = draw(st.sampled_from(["numpy", "tg", "method"]))
    shape = draw(shapes(min_dims=1 if api == "numpy" else 0))
    x = draw(distinct_arrays(shape))
    if api == "numpy":
        axis = draw(st.one_of(st.none(), st.integers(-x.ndim, x.ndim - 1)))
        return Case((x,), {"axis": axis, "descending": False, "api": api})
    return Case((x,), {"axis": _dim(draw, x.ndim), "descending": draw(st.booleans()),
                       "api": api})


@st.composite
def topk_case(draw):
    x = draw(distinct_arrays(draw(shapes(min_dims=1))))
    dim = draw(st.integers(-x.ndim, x.ndim - 1))
    return Case((x,), {"k": draw(st.integers(0, x.shape[dim])), "dim": dim,
                       "largest": draw(st.booleans()),
                       "api": draw(st.sampled_from(["tg", "method"]))})


@st.composite
def median_case(draw):
    """np.median over None, an int or a tuple of axes."""
    shape = draw(shapes())
    return Case((draw(distinct_arrays(shape)),),
                {"axis": draw(axis_args(len(shape))), "keepdims": draw(st.booleans())})


@st.composite
def lower_median_case(draw):
    """PyTorch's t.median() (all elements) or t.median(dim, keepdim)."""
    shape = draw(shapes())
    dim = draw(st.one_of(st.none(), st.integers(-max(len(shape), 1), max(len(shape), 1) - 1)))
    return Case((draw(distinct_arrays(shape)),), {"dim": dim, "keepdim": draw(st.booleans())
                                                  if dim is not None else False})


def _fractions(top):
    """q: one number or a list of 1-3, the ends 0 and top drawn often."""
    one = st.one_of(st.sampled_from([0.0, top]), reals(0.0, top))
    return st.one_of(one, st.lists(one, min_size=1, max_size=3))


@st.composite
def quantile_case(draw, top=1.0, apis=("numpy", "tg", "method")):
    """np.quantile / np.percentile (axis None, an int or a tuple), tg.quantile and
    t.quantile, with q a number or a list."""
    shape = draw(shapes())
    params = {"q": draw(_fractions(top)), "axis": draw(axis_args(len(shape))),
              "keepdims": draw(st.booleans())}
    if len(apis) > 1:
        params["api"] = draw(st.sampled_from(apis))
    return Case((draw(distinct_arrays(shape)),), params)
