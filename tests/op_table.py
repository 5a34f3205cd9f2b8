"""The op table: one row per differentiable op, read by the forward and gradient tests.

A row says how to call our op (``fn``), what NumPy computes for it (``ref``, written
independently of our code), and where it is safe to test (``cases``, a strategy drawing a
``strategies.Case``: the arrays that become tensors and the constant keyword arguments).
Flags record what the strategy has to respect and what the table cannot check, which
``test_ops_conventions.py`` checks by hand-computed examples:

- ``kink``: not differentiable somewhere (relu and abs at 0, clip at its bounds, the
  max of tied values); the strategy stays a margin away.
- ``distinct``: ties change the gradient (max, min, maximum, minimum); the strategy
  draws values that are pairwise distinct by a margin.
- ``shape``: a constraint on the input shapes, in words.
- ``linear``: the second derivative is identically zero (gradgradcheck still runs: it
  checks that backward is itself differentiable, e.g. GetItem's scatter-add).
- ``example_scale``: run this fraction of the profile's examples (slow rows only).
- ``via_grad``: the row runs an internal op through ``tg.grad(..., create_graph=True)``
  (it enables grad mode itself, so it records a graph even under ``no_grad``).

To add an op: add a row here, then run ``python -m pytest tests/test_ops_*.py``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

import numpy_function_cases as nf
import sort_cases as sc
import strategies as s


@dataclass(frozen=True)
class OpSpec:
    name: str
    fn: Callable[..., Any]      # ours: (*tensors, **params) -> Tensor
    ref: Callable[..., Any]     # NumPy: (*arrays, **params) -> ndarray
    cases: Any                  # strategy of strategies.Case
    arity: int | None = 1       # tensor inputs; None: any number (concatenate, stack)
    kink: bool = False
    distinct: bool = False
    shape: str = "any"
    linear: bool = False
    example_scale: float = 1.0
    via_grad: bool = False

    def __repr__(self) -> str:  # the pytest id and Hypothesis's report
        return self.name


# --- NumPy references (written out, not calling our code) ---

def _softmax_ref(x, axis):
    e = np.exp(x)  # inputs are in [-5, 5]: no overflow without the max shift
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax_ref(x, axis):
    return x - np.log(np.exp(x).sum(axis=axis, keepdims=True))


def _sum_to_ref(g, shape):
    """Sum g over the axes broadcasting added (leading) or stretched (size 1 in shape)."""
    lead = g.ndim - len(shape)
    out = g.sum(axis=tuple(range(lead))) if lead else g
    for axis, n in enumerate(shape):
        if n == 1 and out.shape[axis] != 1:
            out = out.sum(axis=axis, keepdims=True)
    return out


def _scatter_ref(g, shape, index):
    """zeros(shape) with g added at index: count each selected position with bincount."""
    positions = np.arange(int(np.prod(shape, dtype=int))).reshape(shape)[index]
    flat = np.bincount(np.ravel(positions), weights=np.ravel(g),
                       minlength=int(np.prod(shape, dtype=int)))
    return flat.reshape(shape).astype(g.dtype)


# --- our side of the internal ops, reached through public paths ---

def _weighted_pieces(pieces, join):
    """The pieces of a split, each times its position + 1, flattened and joined: a
    gradient sent to the wrong piece shows."""
    return join([p.flatten() * (i + 1) for i, p in enumerate(pieces)])


def _split(x, axis, sections):
    pieces = tg.unbind(x, axis) if sections is None else tg.split(x, sections, axis=axis)
    return _weighted_pieces(pieces, tg.concatenate)


def _split_ref(x, axis, sections):
    pieces = (np.moveaxis(x, axis, 0) if sections is None
              else np.split(x, sections, axis=axis))
    return _weighted_pieces(pieces, np.concatenate)


def _sum_to(g, shape):
    """SumTo, reached as BroadcastTo's backward with create_graph=True (so it is recorded)."""
    with tg.enable_grad():
        x = tg.Tensor(np.zeros(shape, g.dtype), requires_grad=True)
        (gx,) = tg.grad(x.broadcast_to(g.shape), x, grad_outputs=g, create_graph=True)
    return gx


def _scatter(g, shape, index):
    """GetItemGrad, reached as GetItem's backward with create_graph=True."""
    with tg.enable_grad():
        x = tg.Tensor(np.zeros(shape, g.dtype), requires_grad=True)
        (gx,) = tg.grad(x[index], x, grad_outputs=g, create_graph=True)
    return gx


def _transpose(x, axes):
    return x.transpose() if axes is None else x.transpose(tuple(axes))


def _with_scalar(elements, scalars, name="c"):
    return st.builds(lambda case, c: s.Case(case.arrays, {name: c}), s.unary(elements), scalars)


def _leaky_relu_ref(x, negative_slope):
    return np.where(x > 0, x, negative_slope * x)


def _softplus_ref(x, beta, threshold):
    return np.where(beta * x > threshold, x, np.log(1 + np.exp(beta * x)) / beta)


def _logsumexp_ref(x, axis, keepdims):
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))  # |x| <= 3: no overflow


@st.composite
def _softplus_case(draw):
    """beta in [0.5, 2]; the threshold at its default 20 (never reached here) or at
    beta * cut, the values a margin from cut (softplus jumps to x there)."""
    beta = draw(s.reals(0.5, 2.0))
    if draw(st.booleans()):
        return s.Case(draw(s.unary()).arrays, {"beta": beta, "threshold": 20.0})
    cut = draw(s.reals(-1.5, 1.5))
    elements = st.one_of(s.reals(-3.0, cut - s.MARGIN), s.reals(cut + s.MARGIN, 3.0))
    return s.Case(draw(s.unary(elements)).arrays, {"beta": beta, "threshold": beta * cut})


@st.composite
def _squeeze_case(draw):
    """An array with some size-1 axes and ``axis``: None, or some of them (int or tuple,
    maybe negative)."""
    shape = draw(s.shapes(max_side=2))
    ones = [i for i, n in enumerate(shape) if n == 1]
    axis = None
    if ones and draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(ones), min_size=1, unique=True))
        chosen = [a - len(shape) if draw(st.booleans()) else a for a in chosen]
        axis = chosen[0] if len(chosen) == 1 and draw(st.booleans()) else tuple(chosen)
    return s.Case((draw(s.arrays(shape)),), {"axis": axis})


@st.composite
def _expand_dims_case(draw, tuples=True):
    """An array and ``axis``: an int in [-(ndim+1), ndim], or a tuple of k distinct axes of
    the (ndim + k)-D result."""
    x = draw(s.arrays(s.shapes()))
    if tuples and draw(st.booleans()):
        k = draw(st.integers(1, 2))
        axis = draw(hnp.valid_tuple_axes(x.ndim + k, min_size=k, max_size=k))
    else:
        axis = draw(st.integers(-x.ndim - 1, x.ndim))
    return s.Case((x,), {"axis": axis})


def _api(numpy_call, tg_call, method_call):
    """A row's three ways in (np.f(t), tg.f(t), t.f()), picked by the case's ``api``."""
    calls = {"numpy": numpy_call, "tg": tg_call, "method": method_call}
    return lambda *xs, api, **params: calls[api](*xs, **params)


def _no_api(ref):
    """A NumPy reference for a row whose cases draw ``api`` (which it ignores)."""
    return lambda *xs, api=None, **params: ref(*xs, **params)


def _einsum(*xs, subscripts, api):
    return (np.einsum if api == "numpy" else tg.einsum)(subscripts, *xs)


def _entrywise_norm_ref(x, p, axis, keepdims):
    """PyTorch's norm: the vector p-norm of the elements over ``axis``, written out."""
    a = np.abs(x)
    if p in (2, "fro"):
        return np.sqrt(np.sum(a * a, axis=axis, keepdims=keepdims))
    if p == 1:
        return np.sum(a, axis=axis, keepdims=keepdims)
    return (np.max if p == np.inf else np.min)(a, axis=axis, keepdims=keepdims)


def _diff(x, **params):
    """np.diff with array prepend/append cast to x's dtype (so float32 stays float32)."""
    return np.diff(x, **{k: v.astype(x.dtype) if isinstance(v, np.ndarray) else v
                         for k, v in params.items()})


def _np_split(split, join=None):
    """np.split / np.array_split, the pieces weighted and joined (see _weighted_pieces)."""
    def run(x, axis, **params):
        sections = params.get("sections", params.get("indices_or_sections"))
        return _weighted_pieces(split(x, sections, axis=axis), join or tg.concatenate)
    return run


def _atleast(x, ndim):
    return {1: np.atleast_1d, 2: np.atleast_2d, 3: np.atleast_3d}[ndim](x)


_nonzero = s.away_from_zero(3.0, 0.5)  # denominators

OPS: list[OpSpec] = [
    # --- arithmetic ---
    OpSpec("add", lambda a, b: a + b, np.add, s.binary(), 2, linear=True),
    OpSpec("sub", lambda a, b: a - b, np.subtract, s.binary(), 2, linear=True),
    OpSpec("mul", lambda a, b: a * b, np.multiply, s.binary(), 2),
    OpSpec("div", lambda a, b: a / b, np.divide, s.binary(None, _nonzero), 2),
    OpSpec("neg", lambda x: -x, np.negative, s.unary(), linear=True),
    OpSpec("scalar_add", lambda x, c: c + x, lambda x, c: c + x,
           _with_scalar(None, s.reals()), linear=True),
    OpSpec("sub_scalar", lambda x, c: x - c, lambda x, c: x - c,
           _with_scalar(None, s.reals()), linear=True),
    OpSpec("scalar_sub", lambda x, c: c - x, lambda x, c: c - x,
           _with_scalar(None, s.reals()), linear=True),
    OpSpec("scalar_mul", lambda x, c: c * x, lambda x, c: c * x,
           _with_scalar(None, s.reals()), linear=True),
    OpSpec("div_scalar", lambda x, c: x / c, lambda x, c: x / c,
           _with_scalar(None, _nonzero), linear=True),
    OpSpec("scalar_div", lambda x, c: c / x, lambda x, c: c / x,
           _with_scalar(_nonzero, s.reals())),
    OpSpec("pow_scalar", lambda x, exponent: x ** exponent,
           lambda x, exponent: np.power(x, exponent),
           s.tensor_scalar(s.positive(0.5, 3.0), s.reals(-2.5, 2.5)), shape="base > 0"),
    OpSpec("pow_int", lambda x, exponent: x ** exponent, lambda x, exponent: np.power(x, exponent),
           s.tensor_scalar(s.reals(), st.sampled_from([1, 2, 3])),
           shape="integer exponent, base of any sign"),
    OpSpec("scalar_pow", lambda x, base: base ** x, lambda x, base: np.power(base, x),
           s.scalar_tensor(s.positive(0.5, 3.0), s.reals(-2.0, 2.0)), shape="base > 0"),
    OpSpec("pow", lambda a, b: a ** b, np.power,
           s.binary(s.positive(0.5, 3.0), s.reals(-2.0, 2.0)), 2, shape="base > 0"),
    # --- matrix product ---
    OpSpec("matmul", lambda a, b: a @ b, np.matmul, s.matmul_pair(), 2,
           shape="(m,n),(n,p); (n,) and (n,) for 1-D operands"),
    OpSpec("matmul_batched", lambda a, b: a.matmul(b), np.matmul,
           s.matmul_pair(batch_dims=2, max_side=3), 2,
           shape="(...,m,n),(...,n,p) with broadcasting batch axes", example_scale=0.4),
    # --- element-wise math ---
    OpSpec("astype", lambda x: x.astype(x.dtype), lambda x: x.copy(), s.unary(s.reals()),
           linear=True, shape="to its own dtype (float32 <-> float64: test_tensor.py)"),
    OpSpec("exp", lambda x: x.exp(), np.exp, s.unary(s.reals())),
    OpSpec("log", lambda x: x.log(), np.log, s.unary(s.positive())),
    OpSpec("sqrt", lambda x: x.sqrt(), np.sqrt, s.unary(s.positive())),
    OpSpec("abs", lambda x: x.abs(), np.abs, s.unary(s.away_from_zero()), kink=True),
    OpSpec("sin", lambda x: x.sin(), np.sin, s.unary(s.reals(-4.0, 4.0))),
    OpSpec("cos", lambda x: x.cos(), np.cos, s.unary(s.reals(-4.0, 4.0))),
    OpSpec("tanh", lambda x: x.tanh(), np.tanh, s.unary(s.reals(-4.0, 4.0))),
    OpSpec("sigmoid", lambda x: x.sigmoid(), lambda x: 1 / (1 + np.exp(-x)),
           s.unary(s.reals(-6.0, 6.0))),
    OpSpec("relu", lambda x: x.relu(), lambda x: x * (x > 0), s.unary(s.away_from_zero()),
           kink=True),
    # leaky_relu and softplus: their kink (0) and jump (the threshold) are avoided by the
    # strategies; the conventions there are checked against torch in test_torch_oracle.py.
    OpSpec("leaky_relu", lambda x, negative_slope: x.leaky_relu(negative_slope),
           _leaky_relu_ref, _with_scalar(s.away_from_zero(), s.reals(-0.5, 0.5),
                                         "negative_slope"),
           kink=True, shape="values a margin from the kink at 0"),
    OpSpec("softplus", lambda x, beta, threshold: F.softplus(x, beta, threshold),
           _softplus_ref, _softplus_case(), shape="values a margin from threshold / beta"),
    OpSpec("clip", lambda x, lo, hi: x.clip(lo, hi), lambda x, lo, hi: np.clip(x, lo, hi),
           s.clip_case(), kink=True),
    OpSpec("clip_min", lambda x, lo, hi: x.clip(min=lo), lambda x, lo, hi: np.maximum(x, lo),
           s.clip_case(upper=False), kink=True),
    OpSpec("clip_max", lambda x, lo, hi: x.clip(max=hi), lambda x, lo, hi: np.minimum(x, hi),
           s.clip_case(lower=False), kink=True),
    OpSpec("maximum", tg.maximum, np.maximum, s.binary_distinct(), 2, kink=True, distinct=True),
    OpSpec("minimum", tg.minimum, np.minimum, s.binary_distinct(), 2, kink=True, distinct=True),
    OpSpec("where", lambda a, b, cond: tg.where(cond, a, b),
           lambda a, b, cond: np.where(cond, a, b), s.where_case(), 2, linear=True),
    # ops/math.py (torch and the conventions at kinks and jumps: test_ops_math.py)
    OpSpec("square", lambda x: x.square(), np.square, s.unary()),
    OpSpec("pow_method", lambda x, exponent: x.pow(exponent),
           lambda x, exponent: np.power(x, exponent),
           s.tensor_scalar(s.positive(0.5, 3.0), s.reals(-2.5, 2.5)), shape="base > 0"),
    OpSpec("reciprocal", lambda x: x.reciprocal(), lambda x: 1 / x, s.unary(_nonzero)),
    OpSpec("cbrt", np.cbrt, lambda x: np.sign(x) * np.abs(x) ** (1 / 3), s.unary(_nonzero),
           shape="values away from 0 (the gradient is inf there)"),
    OpSpec("fabs", np.fabs, np.abs, s.unary(s.away_from_zero()), kink=True),
    OpSpec("exp2", lambda x: x.exp2(), lambda x: 2.0 ** x, s.unary()),
    OpSpec("expm1", lambda x: x.expm1(), np.expm1, s.unary()),
    OpSpec("log1p", lambda x: x.log1p(), np.log1p, s.unary(s.reals(-0.8, 3.0))),
    OpSpec("log2", lambda x: x.log2(), np.log2, s.unary(s.positive())),
    OpSpec("log10", lambda x: x.log10(), np.log10, s.unary(s.positive())),
    OpSpec("logaddexp", lambda a, b: a.logaddexp(b), lambda a, b: np.log(np.exp(a) + np.exp(b)),
           s.binary(), 2),
    OpSpec("tan", lambda x: x.tan(), np.tan, s.unary(s.reals(-1.3, 1.3))),
    OpSpec("arcsin", lambda x: x.arcsin(), np.arcsin, s.unary(s.reals(-0.9, 0.9))),
    OpSpec("arccos", lambda x: x.arccos(), np.arccos, s.unary(s.reals(-0.9, 0.9))),
    OpSpec("arctan", lambda x: x.arctan(), np.arctan, s.unary()),
    OpSpec("arctan2", lambda a, b: a.arctan2(b), np.arctan2, s.binary(_nonzero, _nonzero), 2,
           kink=True, shape="both away from 0: the origin and the jump across x0 = 0, x1 < 0"),
    OpSpec("hypot", lambda a, b: a.hypot(b), lambda a, b: np.sqrt(a * a + b * b),
           s.binary(s.away_from_zero(), None), 2, kink=True, shape="x0 away from 0 (the origin)"),
    OpSpec("sinh", lambda x: x.sinh(), np.sinh, s.unary()),
    OpSpec("cosh", lambda x: x.cosh(), np.cosh, s.unary()),
    OpSpec("arcsinh", lambda x: x.arcsinh(), np.arcsinh, s.unary()),
    OpSpec("arccosh", lambda x: x.arccosh(), np.arccosh, s.unary(s.reals(1.1, 4.0))),
    OpSpec("arctanh", lambda x: x.arctanh(), np.arctanh, s.unary(s.reals(-0.9, 0.9))),
    OpSpec("sign", lambda x: x.sign(), np.sign, s.unary(s.away_from_zero()), kink=True),
    OpSpec("floor", lambda x: x.floor(), np.floor, s.unary(s.away_from_jumps()), kink=True,
           shape="values a margin from the jumps at the integers"),
    OpSpec("ceil", lambda x: x.ceil(), np.ceil, s.unary(s.away_from_jumps()), kink=True,
           shape="values a margin from the jumps at the integers"),
    OpSpec("trunc", lambda x: x.trunc(), np.trunc, s.unary(s.away_from_jumps()), kink=True,
           shape="values a margin from the jumps at the integers"),
    OpSpec("round", lambda x: x.round(), np.round, s.unary(s.away_from_jumps(0.5)), kink=True,
           shape="values a margin from the jumps at the halves"),
    OpSpec("round_decimals", lambda x, decimals: x.round(decimals),
           lambda x, decimals: np.round(x, decimals),
           _with_scalar(s.away_from_jumps(0.5, 0.1), st.just(1), "decimals"), kink=True,
           shape="one decimal, values a margin from the jumps at k + 0.05"),
    # --- reductions ---
    OpSpec("sum", lambda x, axis, keepdims: x.sum(axis=axis, keepdims=keepdims), np.sum,
           s.reduction(), linear=True),
    OpSpec("mean", lambda x, axis, keepdims: x.mean(axis=axis, keepdims=keepdims), np.mean,
           s.reduction(), linear=True),
    OpSpec("var", lambda x, axis, keepdims, ddof: x.var(axis=axis, keepdims=keepdims, ddof=ddof),
           np.var, s.reduction(ddof=True), shape="more than ddof values reduced"),
    OpSpec("std", lambda x, axis, keepdims, ddof: x.std(axis=axis, keepdims=keepdims, ddof=ddof),
           lambda x, axis, keepdims, ddof: np.sqrt(np.var(x, axis=axis, keepdims=keepdims,
                                                           ddof=ddof)),
           s.reduction(distinct=True, ddof=True), kink=True,
           shape="distinct values (std > 0 where 2 or more are reduced; a kink at 0)"),
    OpSpec("logsumexp", lambda x, axis, keepdims: x.logsumexp(axis=axis, keepdims=keepdims),
           _logsumexp_ref, s.reduction()),
    OpSpec("max", lambda x, axis, keepdims: x.max(axis=axis, keepdims=keepdims), np.max,
           s.reduction(distinct=True), kink=True, distinct=True),
    OpSpec("min", lambda x, axis, keepdims: x.min(axis=axis, keepdims=keepdims), np.min,
           s.reduction(distinct=True), kink=True, distinct=True),
    OpSpec("softmax", lambda x, axis: x.softmax(axis=axis), _softmax_ref, s.softmax_case(),
           shape="at least 1-D"),
    OpSpec("log_softmax", lambda x, axis: x.log_softmax(axis=axis), _log_softmax_ref,
           s.softmax_case(), shape="at least 1-D"),
    # --- shape ---
    OpSpec("reshape", lambda x, shape: x.reshape(*shape), lambda x, shape: np.reshape(x, shape),
           s.reshape_case(), linear=True),
    OpSpec("flatten", lambda x: x.flatten(), np.ravel, s.unary(), linear=True),
    OpSpec("squeeze", lambda x, axis: x.squeeze(axis), lambda x, axis: np.squeeze(x, axis),
           _squeeze_case(), linear=True),
    OpSpec("expand_dims", lambda x, axis: x.expand_dims(axis),
           lambda x, axis: np.expand_dims(x, axis), _expand_dims_case(), linear=True),
    OpSpec("unsqueeze", lambda x, axis: x.unsqueeze(axis),
           lambda x, axis: np.expand_dims(x, axis), _expand_dims_case(tuples=False), linear=True),
    OpSpec("clone", lambda x: x.clone(), lambda x: x.copy(), s.unary(), linear=True),
    OpSpec("transpose", _transpose, lambda x, axes: np.transpose(x, axes), s.transpose_case(),
           linear=True),
    OpSpec("T", lambda x: x.T, lambda x: x.T, s.unary(), linear=True),
    OpSpec("swapaxes", lambda x, axis1, axis2: x.swapaxes(axis1, axis2), np.swapaxes,
           s.swapaxes_case(), shape="at least 1-D", linear=True),
    OpSpec("broadcast_to", lambda x, shape: x.broadcast_to(shape), np.broadcast_to,
           s.broadcast_case(), linear=True),
    OpSpec("getitem_basic", lambda x, index: x[index], lambda x, index: x[index],
           s.basic_index_case(), linear=True),
    OpSpec("getitem_array", lambda x, index: x[index], lambda x, index: x[index],
           s.array_index_case(), shape="at least 1-D", linear=True),
    OpSpec("getitem_mixed", lambda x, index: x[index], lambda x, index: x[index],
           s.mixed_index_case(), shape="at least 2-D", linear=True),
    OpSpec("concatenate", lambda *xs, axis: tg.concatenate(list(xs), axis=axis),
           lambda *xs, axis: np.concatenate(xs, axis=axis), s.join_case(), None,
           shape="same shape except along axis", linear=True),
    OpSpec("stack", lambda *xs, axis: tg.stack(list(xs), axis=axis),
           lambda *xs, axis: np.stack(xs, axis=axis), s.join_case(stack=True), None,
           shape="same shapes", linear=True),
    OpSpec("split", _split, _split_ref, s.split_case(), linear=True,
           shape="at least 1-D; a count dividing the axis, or cut indices"),
    OpSpec("unbind", _split, _split_ref, s.split_case(unbind=True), linear=True,
           shape="at least 1-D"),
    # --- NumPy functions: rearranging (ops/rearrange.py, numpy_functions.py) ---
    OpSpec("roll", _api(lambda x, shift, axis: np.roll(x, shift, axis), tg.roll,
                        lambda x, shift, axis: x.roll(shift, axis)),
           _no_api(np.roll), nf.roll_case(), linear=True),
    OpSpec("flip", _api(lambda x, axis: np.flip(x, axis), tg.flip, lambda x, axis: x.flip(axis)),
           _no_api(np.flip), nf.flip_case(), linear=True),
    OpSpec("pad_constant", np.pad, np.pad, nf.pad_case(constant=True), linear=True),
    OpSpec("pad_copying", np.pad, np.pad, nf.pad_case(constant=False), linear=True,
           shape="modes edge, reflect, symmetric, wrap"),
    OpSpec("repeat", _api(lambda x, repeats, axis: np.repeat(x, repeats, axis),
                          tg.repeat_interleave,
                          lambda x, repeats, axis: x.repeat(repeats, axis=axis)),
           _no_api(np.repeat), nf.repeat_case(), linear=True),
    OpSpec("tile", _api(np.tile, tg.tile, lambda x, reps: x.tile(reps)), _no_api(np.tile),
           nf.tile_case(), linear=True),
    OpSpec("diagonal", _api(np.diagonal, tg.diagonal,
                            lambda x, **where: x.diagonal(**where)),
           _no_api(np.diagonal), nf.diagonal_case(), linear=True, shape="at least 2-D"),
    OpSpec("trace", _api(np.trace, tg.trace, lambda x, **where: x.trace(**where)),
           _no_api(np.trace), nf.diagonal_case(), linear=True, shape="at least 2-D"),
    # --- NumPy functions: running totals and products (ops/cumulative.py, ops/reduce.py) ---
    OpSpec("cumsum", _api(lambda x, axis: np.cumsum(x, axis), tg.cumsum,
                          lambda x, axis: x.cumsum(axis)),
           _no_api(lambda x, axis: np.cumsum(x, axis)), nf.scan_case(), linear=True),
    OpSpec("cumprod", _api(lambda x, axis: np.cumprod(x, axis), tg.cumprod,
                           lambda x, axis: x.cumprod(axis)),
           _no_api(lambda x, axis: np.cumprod(x, axis)), nf.scan_case(nf.with_zeros()),
           shape="exact zeros drawn often"),
    OpSpec("prod", _api(lambda x, axis, keepdims: np.prod(x, axis, keepdims=keepdims), tg.prod,
                        lambda x, axis, keepdims: x.prod(axis, keepdims)),
           _no_api(lambda x, axis, keepdims: np.prod(x, axis, keepdims=keepdims)),
           nf.prod_case(), shape="exact zeros drawn often"),
    OpSpec("diff", _diff, _diff, nf.diff_case(), linear=True, shape="at least 1-D"),
    OpSpec("average", lambda x, w, axis, keepdims: np.average(x, axis, w, keepdims=keepdims),
           lambda x, w, axis, keepdims: np.average(x, axis, w, keepdims=keepdims),
           nf.average_case(), 2, shape="weights > 0, shaped like a or like a's axis"),
    # --- NumPy functions: products of tensors (ops/linalg.py, ops/einsum.py) ---
    OpSpec("outer", _api(np.outer, tg.outer, None), _no_api(np.outer), nf.outer_case(), 2),
    OpSpec("tensordot", _api(np.tensordot, tg.tensordot, None), _no_api(np.tensordot),
           nf.tensordot_case(), 2, example_scale=0.6),
    OpSpec("einsum", _einsum, _no_api(lambda *xs, subscripts: np.einsum(subscripts, *xs)),
           nf.einsum_case(), None, example_scale=0.6,
           shape="patterns: matmul (batched, '...'), transpose, trace, diagonal, outer, sums"),
    OpSpec("linalg_norm_vector", np.linalg.norm, np.linalg.norm, nf.vector_norm_case(),
           kink=True, distinct=True, shape="|x| >= 0.2, distinct magnitudes"),
    OpSpec("linalg_norm_matrix", np.linalg.norm, np.linalg.norm, nf.matrix_norm_case(),
           kink=True, distinct=True, shape="at least 2-D; row/column sums of |a| apart"),
    OpSpec("norm", _api(None, tg.norm, lambda x, **p: x.norm(**p)), _no_api(_entrywise_norm_ref),
           nf.entrywise_norm_case(), kink=True, distinct=True,
           shape="|x| >= 0.2, distinct magnitudes"),
    # --- NumPy functions: joining, splitting, reshaping (compositions of other ops) ---
    OpSpec("vstack", lambda *xs: np.vstack(list(xs)), lambda *xs: np.vstack(xs),
           nf.vstack_case(), None, linear=True, shape="(n,) or (r, n)"),
    OpSpec("hstack", lambda *xs: np.hstack(list(xs)), lambda *xs: np.hstack(xs),
           nf.hstack_case(), None, linear=True, shape="all (n,), or all (m, c)"),
    OpSpec("column_stack", lambda *xs: np.column_stack(list(xs)),
           lambda *xs: np.column_stack(xs), nf.column_stack_case(), None, linear=True,
           shape="(m,) or (m, c)"),
    OpSpec("np_split", _np_split(np.split), _np_split(np.split, np.concatenate),
           s.split_case(), linear=True, shape="at least 1-D; a count dividing the axis, or cuts"),
    OpSpec("array_split", _np_split(np.array_split), _np_split(np.array_split, np.concatenate),
           nf.array_split_case(), linear=True, shape="at least 1-D"),
    OpSpec("moveaxis", np.moveaxis, np.moveaxis, nf.moveaxis_case(), linear=True,
           shape="at least 1-D"),
    OpSpec("atleast_nd", _atleast, _atleast,
           _with_scalar(None, st.sampled_from([1, 2, 3]), "ndim"), linear=True),
    OpSpec("np_copy", np.copy, np.copy, s.unary(), linear=True),
    # --- sorting and order statistics (sorting.py; ties and torch: test_sort.py) ---
    OpSpec("sort", sc.sort, sc.sort_ref, sc.sort_case(), kink=True, distinct=True, linear=True,
           shape="np.sort (axis None or an int), tg.sort / t.sort (a dim, descending too)"),
    OpSpec("topk", sc.topk, sc.topk_ref, sc.topk_case(), kink=True, distinct=True, linear=True,
           shape="at least 1-D; k in [0, size of dim], largest or smallest"),
    OpSpec("median", lambda x, axis, keepdims: np.median(x, axis=axis, keepdims=keepdims),
           np.median, sc.median_case(), kink=True, distinct=True, linear=True,
           shape="NumPy's: the average of the two middle values for an even count"),
    OpSpec("median_lower", sc.lower_median, sc.lower_median_ref, sc.lower_median_case(),
           kink=True, distinct=True, linear=True,
           shape="PyTorch's t.median() / t.median(dim): the lower middle value"),
    OpSpec("quantile", sc.quantile, sc.quantile_ref, sc.quantile_case(), kink=True,
           distinct=True, linear=True, shape="q a number or a list in [0, 1]; method 'linear'"),
    OpSpec("percentile", np.percentile, np.percentile, sc.quantile_case(100.0, ("numpy",)),
           kink=True, distinct=True, linear=True,
           shape="q a number or a list in [0, 100]; method 'linear'"),
    # --- internal ops, through the public paths that run them ---
    OpSpec("sum_to", _sum_to, _sum_to_ref, s.sum_to_case(), linear=True, via_grad=True,
           shape="gradient of a broadcast, summed back"),
    OpSpec("getitem_grad", _scatter, _scatter_ref, s.scatter_case(), linear=True, via_grad=True,
           shape="gradient of x[index], scattered back"),
]

OPS_BY_NAME = {spec.name: spec for spec in OPS}


def example_settings(spec: OpSpec) -> settings:
    """The profile's number of examples, scaled down for the slow rows (never up)."""
    n = settings.default.max_examples
    if spec.example_scale < 1:
        n = max(3, int(n * spec.example_scale))
    return settings(max_examples=n)
assert len(OPS_BY_NAME) == len(OPS), "op names in the table must be unique"
