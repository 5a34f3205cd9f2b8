"""Differential fuzz test against PyTorch: random programs of 2-6 ops, ours vs torch's.

Hypothesis draws a program: a leaf tensor (0-d, size-1 and size-0 axes included) and a
chain of ops from ``FUZZ_OPS``, some of them combining the running value with a second
operand (a new leaf, an earlier value of the program, a Python scalar, an integer or bool
tensor). Both frameworks run it; we compare, step by step, the shape, dtype and values of
every intermediate, then the gradients of a random weighted sum of the result w.r.t. every
leaf, then a Hessian-vector product through ``create_graph=True``.

Values are kept inside an op's domain by inserting a smooth map before it (``1.5 +
x / sqrt(1 + x**2)`` before log...) when the running values are outside, never by
rejecting the draw; a draw that lands *near* (not at) a kink or a tie is rejected, since
there the two frameworks may round to different sides. Exactly at a kink both must follow
the same convention (checked to first order; the second order is skipped there).

A failing example prints as the program, one line per op with its shapes and dtypes.
Examples: the profile's ``max_examples`` times ``EXAMPLES_PER_PROFILE_EXAMPLE``, or
``FUZZ_EXAMPLES`` (an environment variable) per dtype mode.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

torch = pytest.importorskip("torch", reason="PyTorch not installed: the differential fuzz "
                                            "test against it is skipped")

# --- settings ---

EXAMPLES_PER_PROFILE_EXAMPLE = 10  # ci: 25 -> 250 programs per dtype mode (~15 s in all)
MAX_NDIM, MAX_SIZE = 5, 512       # growth caps for broadcasting, stacking, matmul batches


def fuzz_settings() -> settings:
    """The loaded profile (derandomized in ci) with this test's number of examples."""
    n = os.environ.get("FUZZ_EXAMPLES")
    n = int(n) if n else settings.default.max_examples * EXAMPLES_PER_PROFILE_EXAMPLE
    return settings(max_examples=n)


# --- known differences from torch, decided; each switch turns its check on if that changes ---

# PyTorch: a 0-d tensor does not widen the dtype of a dimensioned tensor of the same
# category (float32 of shape (3,) + float64 of shape () is float32), as a Python scalar
# does not. Ours gives float64 there (the wider dtype, as NumPy): casting the 0-d operand
# down would cut its second-order gradient, and casting the result would cut Pow's. Not
# wrong, only wider; while True, such steps are not drawn.
ZERO_DIM_RULE_PENDING = True
# Ops whose second operand is never drawn as an integer tensor (none left).
PROMOTION_PENDING: set = set()
# ReLU, Clip, Maximum and Minimum multiply the incoming gradient by their 0/1 mask, so an
# inf or nan arriving where the mask is 0 gives nan; torch selects, giving 0:
# x = [0., -1.]; x.relu().sqrt().sum().backward() gives x.grad [nan, nan], torch [0, 0].
# Selecting with NumPy (np.where on a random mask) is about 20x slower than the multiply,
# in ReLU's backward on every training step; a nan is never a silently wrong number. While
# True, a program with a step at a kink that gives a nan where torch does not is skipped.
NAN_THROUGH_A_MASK_PENDING = True


# The forms of PyTorch's max(dim) / min(dim) drawn: t.max(1), t.max(1, True),
# t.max(1, keepdim=True), t.max(dim=1, keepdim=True).
DIM_FORMS = ["dim", "dim, keepdim", "dim, keepdim=", "dim=, keepdim="]


# (rtol, atol): float64 tight, float32 looser (see assert_same for how they are used).
TOLERANCE = {np.dtype(np.float64): (1e-7, 1e-9), np.dtype(np.float32): (1e-4, 1e-5)}
# Relative distance to a kink below which a draw is rejected (rounding could cross it).
KINK_MARGIN = {np.dtype(np.float64): 1e-7, np.dtype(np.float32): 1e-3}

TORCH_DTYPE = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64,
               np.dtype(np.int64): torch.int64, np.dtype(np.int32): torch.int32,
               np.dtype(np.bool_): torch.bool}
NUMPY_DTYPE = {v: k for k, v in TORCH_DTYPE.items()}


# --- the pieces of a program ---

@dataclass
class Leaf:
    """An input array: ``uniform(lo, hi, shape)`` (or integers) from ``seed``."""

    shape: tuple
    dtype: np.dtype
    domain: str
    seed: int

    def array(self) -> np.ndarray:
        rng = np.random.default_rng(self.seed)
        if self.dtype == np.bool_:
            return rng.random(self.shape) < 0.5
        if self.dtype.kind == "i":
            lo, hi = {"positive": (1, 4), "nonzero": (1, 4)}.get(self.domain, (-3, 4))
            a = rng.integers(lo, hi, self.shape)
            if self.domain == "nonzero":
                a = a * rng.choice([-1, 1], self.shape)
            return a.astype(self.dtype)
        lo, hi = {"positive": (0.5, 2.5), "nonzero": (0.5, 2.5),
                  "probability": (0.0, 1.0)}.get(self.domain, (-2.0, 2.0))
        a = rng.uniform(lo, hi, self.shape)
        if self.domain == "nonzero":
            a = a * rng.choice([-1.0, 1.0], self.shape)
        return a.astype(self.dtype)

    @property
    def requires_grad(self) -> bool:
        return self.dtype.kind == "f"

    def __repr__(self) -> str:
        return f"{self.dtype.name}{list(self.shape)} {self.domain} seed={self.seed}"


@dataclass
class Operand:
    """The second operand of a step: ``leaf`` (index into the leaves), ``earlier`` (index of
    an earlier value), ``scalar`` (a Python number), ``const`` (an integer or bool leaf, no
    grad) or ``ratio`` (integer leaf / integer leaf: true division of integers)."""

    kind: str
    ref: Any

    def __repr__(self) -> str:
        if self.kind == "leaf" or self.kind == "const":
            return f"x{self.ref}"
        if self.kind == "earlier":
            return f"v{self.ref}"
        if self.kind == "ratio":
            return f"(x{self.ref[0]} / x{self.ref[1]})"
        return repr(self.ref)


@dataclass
class Step:
    op: FuzzOp
    params: dict
    operands: list
    shape: tuple = ()        # torch's output shape and dtype, for the printout
    dtype: Any = None
    at_kink: bool = False    # exactly at a kink or tie: first order only
    torch_error: str = ""    # torch refuses this step: ours must refuse it too


@dataclass
class Program:
    mode: str
    leaves: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    seed: int = 0

    def __repr__(self) -> str:
        lines = [f"Program(mode={self.mode!r}, seed={self.seed}):"]
        lines += [f"  x{i} = leaf {leaf!r}" for i, leaf in enumerate(self.leaves)]
        lines.append("  v0 = x0")
        for k, step in enumerate(self.steps, 1):
            args = ", ".join([f"v{k - 1}"] + [repr(o) for o in step.operands]
                             + [f"{name}={_short(v)}" for name, v in step.params.items()])
            end = (f"-> torch raises {step.torch_error}" if step.torch_error
                   else f"-> {list(step.shape)} {step.dtype}" + ("  (at a kink)" if step.at_kink
                                                                   else ""))
            lines.append(f"  v{k} = {step.op.name}({args})  {end}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle):  # what Hypothesis prints for a failing example
        printer.text(repr(self))

    @property
    def precision(self) -> np.dtype:
        """float32 if any float32 value takes part (its rounding reaches later float64
        values), else float64: the tolerance to compare with."""
        dtypes = [leaf.dtype for leaf in self.leaves] + [NUMPY_DTYPE.get(step.dtype)
                                                         for step in self.steps]
        return np.dtype(np.float32 if np.float32 in dtypes else np.float64)


def _short(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array({value.tolist()})" if value.size <= 12 else f"array(shape={value.shape})"
    if isinstance(value, tuple):
        return "(" + ", ".join(_short(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, slice):
        return f"{'' if value.start is None else value.start}:" \
               f"{'' if value.stop is None else value.stop}" \
               f"{'' if value.step is None else ':' + str(value.step)}"
    if value is Ellipsis:
        return "..."
    return repr(value)


# --- running a program in either framework ---

class Ours:
    @staticmethod
    def tensor(array, requires_grad=False):
        return tg.Tensor(array, requires_grad=requires_grad)

    @staticmethod
    def call(op, *args, **params):
        return op.ours(*args, **params)

    @staticmethod
    def grad(outputs, inputs, grad_outputs=None, create_graph=False):
        return tg.grad(outputs, inputs, grad_outputs=grad_outputs, create_graph=create_graph,
                       allow_unused=True)


class Torch(Ours):
    @staticmethod
    def tensor(array, requires_grad=False):
        return torch.tensor(array, requires_grad=requires_grad)

    @staticmethod
    def call(op, *args, **params):
        return op.theirs(*args, **params)

    @staticmethod
    def grad(outputs, inputs, grad_outputs=None, create_graph=False):
        return torch.autograd.grad(outputs, inputs, grad_outputs=grad_outputs,
                                   create_graph=create_graph, allow_unused=True)


class Torch64(Torch):
    """Torch with float32 arrays read as float64: the reference that tells how much of a
    float32 difference is rounding (an ``astype(float32)`` step still rounds)."""

    @staticmethod
    def tensor(array, requires_grad=False):
        array = np.asarray(array)
        if array.dtype == np.float32:
            array = array.astype(np.float64)
        return torch.tensor(array, requires_grad=requires_grad)

    @staticmethod
    def call(op, *args, **params):
        def wide(a):
            return a.double() if isinstance(a, torch.Tensor) and a.is_floating_point() else a
        return op.theirs(*(wide(a) for a in args), **params)


def _operand_value(operand: Operand, leaves: list, values: list, fw) -> Any:
    if operand.kind in ("leaf", "const"):
        return leaves[operand.ref]
    if operand.kind == "earlier":
        return values[operand.ref]
    if operand.kind == "ratio":
        return leaves[operand.ref[0]] / leaves[operand.ref[1]]
    return operand.ref


def run_program(program: Program, fw) -> tuple:
    """(leaves, values, operand values per step); stops before a step torch refuses."""
    leaves = [fw.tensor(leaf.array(), leaf.requires_grad) for leaf in program.leaves]
    values, operands = [leaves[0]], []
    for step in program.steps:
        if step.torch_error:
            break
        args = [_operand_value(o, leaves, values, fw) for o in step.operands]
        operands.append(args)
        values.append(fw.call(step.op, values[-1], *args, **step.params))
    return leaves, values, operands


def _numpy(t) -> np.ndarray:
    if isinstance(t, torch.Tensor):
        # torch's second order may return a lazy ZeroTensor; materialising one whose
        # strides are not contiguous crashes torch 2.x (a segfault): build the zeros here.
        if getattr(t, "_is_zerotensor", lambda: False)():
            return np.zeros(tuple(t.shape), NUMPY_DTYPE[t.dtype])
        return t.detach().numpy(force=True)
    return np.asarray(t.data if isinstance(t, tg.Tensor) else t)


def program_results(program: Program, fw) -> list:
    """(what, array) for everything compared, in order: each step's tensor operands and
    value; the gradients of sum(v * y) w.r.t. the float leaves (v random); then, unless a
    non-smooth op sits exactly at its kink, d/d(leaves, v) of sum_i(u_i * grad_i)
    (u random): the Hessian of sum(v * y) times u, and J u."""
    leaves, values, operands = run_program(program, fw)
    results = [("the leaf x0", values[0])]
    for k, (args, y) in enumerate(zip(operands, values[1:]), 1):
        name = f"step {k} ({program.steps[k - 1].op.name})"
        results += [(f"an operand of {name}", a) for a in args if isinstance(a, (tg.Tensor,
                                                                                   torch.Tensor))]
        results.append((f"forward value v{k} of {name}", y))
    if program.steps[-1].torch_error:
        return results
    rng = np.random.default_rng(program.seed)
    names = [f"x{i}" for i, leaf in enumerate(program.leaves) if leaf.requires_grad]
    wrt = [x for x, leaf in zip(leaves, program.leaves) if leaf.requires_grad]
    y = values[-1]
    v = fw.tensor(rng.standard_normal(tuple(y.shape)).astype(_numpy(y).dtype), True)
    grads = fw.grad(y, wrt, v, create_graph=True)
    results += [(f"gradient of sum(v * y) w.r.t. {name}",
                 np.zeros(x.shape, _numpy(x).dtype) if g is None else g)
                for g, x, name in zip(grads, wrt, names)]
    if any(step.at_kink and not step.op.smooth for step in program.steps):
        return results
    us = [fw.tensor(rng.standard_normal(tuple(x.shape)).astype(_numpy(x).dtype)) for x in wrt]
    terms = [(g * u).sum() for g, u in zip(grads, us) if g is not None and g.requires_grad]
    inputs, names = wrt + [v], names + ["v"]
    hvps = fw.grad(sum(terms[1:], terms[0]), inputs) if terms else [None] * len(inputs)
    results += [(f"second order: d/d{name} of sum(u * gradient)",
                 np.zeros(x.shape, _numpy(x).dtype) if h is None else h)
                for h, x, name in zip(hvps, inputs, names)]
    return results


# --- comparison ---

def assert_same(what: str, ours, theirs, reference, program: Program) -> None:
    """Same shape and dtype as torch, values within tolerance.

    The tolerance is the program's precision's (the absolute part scaled by the largest
    magnitude in torch's array), widened for float32 by 8 times torch's own largest float32
    error in this array against the float64 ``reference``: float32 rounding, amplified
    by an ill-conditioned program, is not a bug of ours (a wrong formula shows in the
    float64 programs, at tight tolerance).
    """
    a, b = _numpy(ours), _numpy(theirs)
    where = f"{what}\n{program!r}"
    assert a.shape == b.shape, f"shape {a.shape} vs torch {b.shape}: {where}"
    assert a.dtype == b.dtype, f"dtype {a.dtype} vs torch {b.dtype}: {where}"
    if a.dtype.kind != "f":
        np.testing.assert_array_equal(a, b, err_msg=where)
        return
    rtol, atol = TOLERANCE[program.precision]
    finite = np.abs(b[np.isfinite(b)])
    allowed = atol * max(1.0, float(np.max(finite, initial=0.0))) + rtol * np.abs(b)
    if reference is not None:
        c = _numpy(reference).astype(np.float64)
        error = np.nan_to_num(np.abs(b.astype(np.float64) - c))
        allowed = allowed + 8 * float(np.max(error, initial=0.0))
    both_nan = np.isnan(a) & np.isnan(b)
    same_inf = np.isinf(a) & (a == b)
    bad = ~(np.abs(a.astype(np.float64) - b) <= allowed) & ~both_nan & ~same_inf
    if np.any(bad):
        i = tuple(int(n) for n in np.argwhere(bad)[0])
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {a.size} values differ; at index {i}: ours "
            f"{a[i]!r}, torch {b[i]!r}" + ("" if reference is None else
                                           f", torch in float64 {_numpy(reference)[i]!r}")
            + f" (allowed difference {allowed[i]:.3g})\n  ours:  {np.array2string(a)}\n"
            f"  torch: {np.array2string(b)}\n{program!r}")


def check_program(program: Program) -> None:
    """Forward (every intermediate), first order (every leaf), second order (an HVP)."""
    ours = program_results(program, Ours)
    theirs = program_results(program, Torch)
    references = (program_results(program, Torch64) if program.precision == np.float32
                  else [(None, None)] * len(theirs))
    assert len(ours) == len(theirs)
    if NAN_THROUGH_A_MASK_PENDING and any(step.at_kink for step in program.steps):
        for (_, a), (_, b) in zip(ours, theirs):
            a, b = _numpy(a), _numpy(b)
            if a.shape == b.shape and a.dtype.kind == "f" and np.any(~np.isfinite(a)
                                                                     & np.isfinite(b)):
                reject()
    for (what, a), (_, b), (_, c) in zip(ours, theirs, references):
        assert_same(what, a, b, c, program)
    if program.steps[-1].torch_error:  # torch refused the last step: so must we
        leaves, values, _ = run_program(program, Ours)
        step = program.steps[-1]
        args = [_operand_value(o, leaves, values, Ours) for o in step.operands]
        try:
            step.op.ours(values[-1], *args, **step.params)
        except Exception:  # noqa: BLE001 - the message is checked by the op's own tests
            return
        raise AssertionError(f"torch refuses the last step ({step.torch_error}), ours "
                             f"returned a value\n{program!r}")


# --- the fuzz table ---

@dataclass(frozen=True)
class FuzzOp:
    """One op of the fuzz table.

    ``ours(x, *operands, **params)`` and ``theirs`` (torch) compute it; ``args(ctx)`` is a
    strategy of ``(params, operands)`` for the running value described by ``ctx`` (None: no
    arguments); ``shape`` says in words how it maps the shape; ``domain`` is where x must be
    ("real", "positive", "nonzero", "moderate", "small", "unit", "above_one"), reached by a
    smooth map when it is not; ``kink(x, operands, params)`` gives the distance to a kink or tie,
    per element (torch values); ``smooth`` is False where the second derivative does not
    exist at a kink; ``ties_allowed`` is False where the frameworks may differ exactly at a
    tie (which index gets the gradient).
    """

    name: str
    ours: Callable[..., Any]
    theirs: Callable[..., Any]
    shape: str = "same"
    args: Callable[..., Any] | None = None
    domain: str = "real"
    kink: Callable[..., Any] | None = None
    smooth: bool = True
    min_ndim: int = 0
    max_ndim: int = MAX_NDIM
    ties_allowed: bool = True  # False: exactly at a kink or tie is rejected too

    def __repr__(self) -> str:
        return self.name


@dataclass
class Context:
    """What an op's ``args`` may look at while the program is drawn."""

    mode: str
    shape: tuple
    dtype: np.dtype
    values: list           # torch values so far (v0, v1, ...)
    program: Program

    def new_leaf(self, draw, shape, dtype=None, domain="real") -> int:
        dtype = np.dtype(dtype if dtype is not None else self.float_dtype(draw))
        self.program.leaves.append(Leaf(tuple(shape), dtype, domain, draw(SEEDS)))
        return len(self.program.leaves) - 1

    def float_dtype(self, draw) -> np.dtype:
        if self.mode == "float32+float64":
            return np.dtype(draw(st.sampled_from([np.float32, np.float64])))
        return self.dtype


SEEDS = st.integers(0, 2**32 - 1)
OPERAND_KINDS = ("leaf", "earlier", "scalar", "int", "bool", "ratio")


def _broadcastable(a: tuple, b: tuple) -> bool:
    try:
        shape = np.broadcast_shapes(a, b)
    except ValueError:
        return False
    return len(shape) <= MAX_NDIM and int(np.prod(shape)) <= MAX_SIZE


@st.composite
def _operand(draw, ctx: Context, domain: str = "real", kinds=OPERAND_KINDS,
             shape: tuple | None = None):
    """A second operand for a binary op on ctx's running value: of ``shape``, or of any
    shape that broadcasts with it; inside ``domain``."""
    if ctx.mode != "float+int":
        kinds = [k for k in kinds if k not in ("int", "bool", "ratio")]
    earlier = [i for i, v in enumerate(ctx.values)
               if (tuple(v.shape) == shape if shape is not None
                   else _broadcastable(ctx.shape, tuple(v.shape)))
               and _in_domain(v, domain)]
    if not earlier:
        kinds = [k for k in kinds if k != "earlier"]
    if shape is not None:
        kinds = [k for k in kinds if k != "scalar"]
    kind = draw(st.sampled_from(list(kinds)))
    if kind == "earlier":
        return Operand("earlier", draw(st.sampled_from(earlier)))
    if kind == "scalar":
        return Operand("scalar", draw(_scalar(domain)))
    if shape is None:
        shape = draw(hnp.mutually_broadcastable_shapes(
            num_shapes=1, base_shape=ctx.shape, min_side=0, max_side=3,
            max_dims=max(len(ctx.shape), 3)).filter(
                lambda s: _broadcastable(ctx.shape, s.input_shapes[0]))).input_shapes[0]
    if kind == "leaf":
        return Operand("leaf", ctx.new_leaf(draw, shape, domain=domain))
    if kind == "bool":
        return Operand("const", ctx.new_leaf(draw, shape, np.bool_))
    int_dtype = draw(st.sampled_from([np.int64, np.int32]))
    if kind == "int":
        return Operand("const", ctx.new_leaf(draw, shape, int_dtype, domain))
    return Operand("ratio", (ctx.new_leaf(draw, shape, int_dtype, domain),
                             ctx.new_leaf(draw, shape, np.int64, "positive")))


def _scalar(domain: str):
    if domain == "positive":
        return st.one_of(st.floats(0.5, 2.5), st.integers(1, 3))
    if domain == "nonzero":
        return st.one_of(st.floats(0.5, 2.5), st.floats(-2.5, -0.5),
                         st.sampled_from([-2, -1, 1, 3]))
    return st.one_of(st.floats(-2.0, 2.0), st.integers(-3, 3))


# --- domains and the smooth maps into them ---

def _in_domain(v, domain: str) -> bool:
    a = _numpy(v).astype(np.float64)
    if a.size == 0:
        return True
    big = np.max(np.abs(a))
    if not np.all(np.isfinite(a)):
        return False
    if domain == "positive":
        return bool(np.min(a) > 0.2 and big < 1e3)
    if domain == "nonzero":
        return bool(np.min(np.abs(a)) > 0.2 and big < 1e3)
    if domain == "moderate":
        return bool(big <= 5.0)
    if domain == "small":
        return bool(big <= 3.0)
    if domain == "unit":
        return bool(big <= 0.9)
    if domain == "above_one":
        return bool(np.min(a) > 1.2 and big < 1e3)
    return bool(big <= 100.0)  # "real": any value, but keep the magnitudes bounded


# Algebraic maps, not tanh: tanh saturates, and in float32 its derivative 1 - y**2 there is
# all rounding (NumPy's tanh and torch's differ by an ulp), which later ops amplify.
def _squash(x):
    """x / sqrt(1 + x**2), smooth, from R onto (-1, 1)."""
    return x / (x * x + 1).sqrt()


DOMAIN_MAPS = {
    "positive": ("into_positive", lambda x: _squash(x) + 1.5),       # (0.5, 2.5)
    "nonzero": ("into_positive", lambda x: _squash(x) + 1.5),
    "moderate": ("into_moderate", lambda x: _squash(x / 4) * 4),     # (-4, 4)
    "small": ("into_small", lambda x: _squash(x / 3) * 3),           # (-3, 3)
    "unit": ("into_unit", lambda x: _squash(x) * 0.9),               # (-0.9, 0.9)
    "above_one": ("into_above_one", lambda x: _squash(x) + 2.5),     # (1.5, 3.5)
    "real": ("into_moderate", lambda x: _squash(x / 4) * 4),
}


def _map_op(domain: str) -> FuzzOp:
    name, f = DOMAIN_MAPS[domain]
    return FuzzOp(name, f, f, "same")


# --- helpers for the rows ---

def _t(x, like=None):
    """A Python scalar as a 0-d torch tensor (torch.maximum takes tensors only): a float in
    ``like``'s dtype (float64 if None), as ours converts a scalar to the tensor's dtype."""
    if isinstance(x, torch.Tensor):
        return x
    if isinstance(x, float):
        return torch.tensor(x, dtype=torch.float64 if like is None else like.dtype)
    return torch.tensor(x)


def _dims(axis, ndim):
    return tuple(range(ndim)) if axis is None else axis


def _all_dims(axis):
    """torch.amax/amin: dim=() means every axis."""
    return () if axis is None else axis


def _dist(a, b=0.0):
    a = a.detach().double()
    return (a - _t(b).double()).abs() / (1 + a.abs())


@st.composite
def _axis(draw, ctx: Context, tuples=True, nonempty=False):
    """None, an int (maybe negative) or a tuple of distinct axes (not empty)."""
    ndim = len(ctx.shape)
    choices = [st.none(), st.integers(-max(ndim, 1), max(ndim, 1) - 1)]
    if tuples and ndim > 0:
        choices.append(hnp.valid_tuple_axes(ndim, min_size=1))
    axis = draw(st.one_of(*choices))
    if nonempty and _reduced_count(ctx.shape, axis) == 0:
        reject()  # mean/var/std of nothing: we raise by design, torch returns nan
    return axis


def _reduced_count(shape, axis):
    if not shape:
        return 1
    axes = range(len(shape)) if axis is None else (axis,) if isinstance(axis, int) else axis
    return int(np.prod([shape[a] for a in axes]))


def _reduction_args(nonempty=False, ddof=False):
    @st.composite
    def args(draw, ctx):
        axis = draw(_axis(ctx, nonempty=nonempty))
        params = {"axis": axis, "keepdims": draw(st.booleans()),
                  "names": draw(st.sampled_from(["numpy", "torch"]))}
        if ddof:
            n = _reduced_count(ctx.shape, axis)
            params["ddof"] = draw(st.integers(0, min(1, n - 1)))
        return params, []
    return args


def _reduce(method: str):
    """Our reduction ``method`` called with NumPy's names (axis=, keepdims=, ddof=) or
    PyTorch's (dim=, keepdim=, correction=), as ``names`` says."""
    def ours(x, axis, keepdims, names, **ddof):
        if names == "numpy":
            return getattr(x, method)(axis=axis, keepdims=keepdims, **ddof)
        correction = {"correction": ddof["ddof"]} if ddof else {}
        return getattr(x, method)(dim=axis, keepdim=keepdims, **correction)
    return ours


@st.composite
def _dim_args(draw, ctx, forms=True):
    """PyTorch's one int ``dim`` (0 or -1 for a 0-d tensor) and ``keepdim`` (and which
    form of the call, for max and min)."""
    ndim = max(len(ctx.shape), 1)
    dim = draw(st.integers(-ndim, ndim - 1))
    if ctx.shape and ctx.shape[dim] == 0:
        reject()  # max over nothing: both refuse (the errors are tested elsewhere)
    keepdim = draw(st.booleans())
    if not forms:
        return {"dim": dim, "keepdim": keepdim}, []
    forms = [f for f in DIM_FORMS if not keepdim or f != "dim"]
    return {"dim": dim, "keepdim": keepdim, "form": draw(st.sampled_from(forms))}, []


def _dim_call(method, dim, keepdim, form):
    if form == "dim":
        return method(dim)
    if form == "dim, keepdim":
        return method(dim, keepdim)
    if form == "dim, keepdim=":
        return method(dim, keepdim=keepdim)
    return method(dim=dim, keepdim=keepdim)


@st.composite
def _numpy_reduction_args(draw, ctx):
    """axis and keepdims only (NumPy's names)."""
    return {"axis": draw(_axis(ctx)), "keepdims": draw(st.booleans())}, []


def _tie_gap(x, operands, params):
    """For max/min over ``axis``: the gap between the extreme and the next distinct value."""
    x = x.detach().double()
    if x.numel() == 0:
        return x
    dims = _all_dims(params.get("axis"))
    top = torch.amax(x, dim=dims, keepdim=True)
    rest = torch.where(x == top, torch.tensor(-np.inf, dtype=x.dtype), x)
    gap = top - torch.amax(rest, dim=dims, keepdim=True)
    ties = (x == top).sum(dim=dims, keepdim=True) > 1
    gap = torch.where(torch.isfinite(gap), gap, torch.tensor(np.inf, dtype=x.dtype))
    return torch.where(ties, torch.zeros_like(gap), gap / (1 + top.abs()))


def _neg_tie_gap(x, operands, params):
    return _tie_gap(-x, operands, params)


def _binary_args(domain="real", kinds=OPERAND_KINDS):
    @st.composite
    def args(draw, ctx):
        return {}, [draw(_operand(ctx, domain, kinds))]
    return args


def _scalar_args(name, values):
    @st.composite
    def args(draw, ctx):
        return {name: draw(values)}, []
    return args


@st.composite
def _clip_args(draw, ctx):
    lo = draw(st.one_of(st.none(), st.floats(-1.5, -0.1)))
    hi = draw(st.floats(0.1, 1.5) if lo is None else st.one_of(st.none(), st.floats(0.1, 1.5)))
    return {"lo": lo, "hi": hi}, []


def _clip_kink(x, operands, params):
    d = [_dist(x, b) for b in (params["lo"], params["hi"]) if b is not None]
    return torch.minimum(*d) if len(d) == 2 else d[0]


@st.composite
def _softmax_args(draw, ctx):
    ndim = max(len(ctx.shape), 1)
    return {"axis": draw(st.integers(-ndim, ndim - 1))}, []


@st.composite
def _where_args(draw, ctx):
    """A bool ``cond`` that broadcasts to x's shape, and y broadcasting with x."""
    cut = draw(st.integers(0, len(ctx.shape)))
    cond_shape = tuple(1 if draw(st.booleans()) else n for n in ctx.shape[cut:])
    cond = np.asarray(np.random.default_rng(draw(SEEDS)).random(cond_shape) < 0.5)
    operand = draw(_operand(ctx, "real", ("leaf", "earlier", "scalar", "int", "bool")))
    return {"cond": cond}, [operand]


@st.composite
def _matmul_args(draw, ctx, reflected=False):
    """y for x @ y (or y @ x): 1-D, 2-D or batched, with the dtype of x (torch's matmul
    does not promote)."""
    s = ctx.shape
    n = s[0] if len(s) == 1 else s[-2] if reflected else s[-1]
    batch = s[:-2] if len(s) >= 2 else ()
    choice = draw(st.sampled_from(["vector", "matrix", "batched"]))
    other = draw(st.integers(0, 3))
    if choice == "vector":
        shape = (n,)
    elif choice == "matrix":
        shape = (other, n) if reflected else (n, other)
    else:
        lead = draw(hnp.mutually_broadcastable_shapes(
            num_shapes=1, base_shape=batch, min_dims=1, max_dims=max(len(batch), 1),
            min_side=0, max_side=3)).input_shapes[0]
        shape = lead + ((other, n) if reflected else (n, other))
    if len(shape) > 4:
        reject()
    return {}, [Operand("leaf", ctx.new_leaf(draw, shape, ctx.dtype))]


@st.composite
def _reshape_args(draw, ctx):
    size, new = int(np.prod(ctx.shape)), []
    if size == 0:
        new = list(draw(st.permutations([0] + [draw(st.integers(1, 3))
                                               for _ in range(draw(st.integers(0, 2)))])))
        return {"shape": tuple(new)}, []
    remaining = size
    for _ in range(draw(st.integers(0, 3))):
        d = draw(st.sampled_from([d for d in range(1, remaining + 1) if remaining % d == 0]))
        new.append(d)
        remaining //= d
    new = draw(st.permutations(new + [remaining]))
    if draw(st.booleans()):
        new[draw(st.integers(0, len(new) - 1))] = -1
    return {"shape": tuple(new)}, []


@st.composite
def _transpose_args(draw, ctx):
    if draw(st.booleans()):
        return {"axes": None}, []
    ndim = len(ctx.shape)
    perm = draw(st.permutations(range(ndim)))
    return {"axes": tuple(a - ndim if draw(st.booleans()) else a for a in perm)}, []


def _transpose_ours(x, axes):
    return x.transpose() if axes is None else x.transpose(axes)  # a tuple: a permutation


def _transpose_theirs(x, axes):
    return x.permute(tuple(range(x.ndim - 1, -1, -1)) if axes is None else axes)


@st.composite
def _swapaxes_args(draw, ctx):
    axis = st.integers(-len(ctx.shape), len(ctx.shape) - 1)
    return {"axis1": draw(axis), "axis2": draw(axis)}, []


@st.composite
def _squeeze_args(draw, ctx):
    ones = [i for i, n in enumerate(ctx.shape) if n == 1]
    if not ones or draw(st.booleans()):
        return {"axis": None}, []
    chosen = draw(st.lists(st.sampled_from(ones), min_size=1, unique=True))
    chosen = tuple(a - len(ctx.shape) if draw(st.booleans()) else a for a in chosen)
    return {"axis": chosen[0] if len(chosen) == 1 and draw(st.booleans()) else chosen}, []


def _squeeze_theirs(x, axis):
    return x.squeeze() if axis is None else x.squeeze(axis)


@st.composite
def _unsqueeze_args(draw, ctx):
    return {"axis": draw(st.integers(-len(ctx.shape) - 1, len(ctx.shape)))}, []


@st.composite
def _broadcast_to_args(draw, ctx):
    shapes = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=1, base_shape=ctx.shape, min_side=0, max_side=3,
        max_dims=min(len(ctx.shape) + 1, MAX_NDIM)).filter(
            lambda s: _broadcastable(ctx.shape, s.input_shapes[0])))
    return {"shape": shapes.result_shape}, []


@st.composite
def _basic_index_args(draw, ctx):
    """ints, slices with positive steps (torch has no negative steps), None and ``...``."""
    parts = []
    for n in ctx.shape:
        kind = draw(st.sampled_from(["int", "slice", "all"] if n > 0 else ["slice", "all"]))
        if kind == "int":
            parts.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            start = draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))
            stop = draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))
            parts.append(slice(start, stop, draw(st.one_of(st.none(), st.integers(1, 3)))))
        else:
            parts.append(slice(None))
    if draw(st.booleans()) and len(ctx.shape) < MAX_NDIM:
        parts.insert(draw(st.integers(0, len(parts))), None)
    if parts and draw(st.booleans()):  # the leading or trailing full slices as ...
        cut = draw(st.integers(0, len(parts)))
        parts = parts[:cut] + [Ellipsis] if draw(st.booleans()) else [Ellipsis] + parts[cut:]
    index = tuple(parts)
    if len(index) == 1 and draw(st.booleans()):
        index = index[0]
    return {"index": index}, []


@st.composite
def _array_index_args(draw, ctx):
    """Integer arrays (repeats likely) on the leading axes, maybe after a full slice; or a
    bool mask over the leading axes."""
    shape = ctx.shape
    rng = np.random.default_rng(draw(SEEDS))
    if draw(st.booleans()):
        k = draw(st.integers(1, len(shape)))
        return {"index": rng.random(shape[:k]) < 0.5}, []
    start = 1 if len(shape) >= 2 and draw(st.booleans()) else 0
    k = draw(st.integers(1, len(shape) - start))
    if any(n == 0 for n in shape[start:start + k]):
        reject()
    result = draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3))
    arrays = tuple(rng.integers(-n, n, result) for n in shape[start:start + k])
    index = (slice(None),) * start + arrays
    return {"index": index[0] if len(index) == 1 else index}, []


def _index_theirs(x, index):
    def convert(i):
        return torch.as_tensor(i) if isinstance(i, np.ndarray) else i
    return x[tuple(convert(i) for i in index) if isinstance(index, tuple) else convert(index)]


@st.composite
def _join_args(draw, ctx, stack=False):
    """1 or 2 more pieces, for concatenate (sizes differ along ``axis``) or stack."""
    ndim = len(ctx.shape) + (1 if stack else 0)
    axis = draw(st.integers(-ndim, ndim - 1))
    operands = []
    for _ in range(draw(st.integers(1, 2))):
        shape = list(ctx.shape)
        if not stack:
            shape[axis] = draw(st.integers(0, 3))
        operands.append(draw(_operand(ctx, "real", ("leaf", "earlier", "int"), tuple(shape))))
    total = int(np.prod(ctx.shape)) * (len(operands) + 1)
    if total > MAX_SIZE:
        reject()
    return {"axis": axis, "reversed": draw(st.booleans())}, operands


def _pieces(x, operands, reversed):
    pieces = [x, *operands]
    return pieces[::-1] if reversed else pieces


@st.composite
def _split_args(draw, ctx, unbind=False):
    ndim = len(ctx.shape)
    axis = draw(st.integers(-ndim, ndim - 1))
    size = ctx.shape[axis]
    if unbind:
        if size == 0:
            reject()
        return {"axis": axis}, []
    if size > 0 and draw(st.booleans()):
        return {"axis": axis, "sections": draw(st.sampled_from(
            [d for d in range(1, size + 1) if size % d == 0]))}, []
    return {"axis": axis, "sections": sorted(draw(st.lists(st.integers(0, size), max_size=3)))}, []


def _split_ours(x, axis, sections):
    return tg.concatenate(list(tg.split(x, sections, axis=axis))[::-1], axis=axis)


def _split_theirs(x, axis, sections):
    return torch.cat(torch.tensor_split(x, sections, dim=axis)[::-1], dim=axis)


@st.composite
def _cast_args(draw, ctx):
    return {"dtype": draw(st.sampled_from([np.float32, np.float64]))}, []

# --- helpers for the rows of ops/math.py, functions.py and sorting.py ---

def _atan2_kink(x, operands, params):
    """arctan2(x, y) jumps where x = 0 with y < 0 and is not differentiable at the origin."""
    x, y = torch.broadcast_tensors(x.detach().double(), _t(operands[0]).detach().double())
    r = torch.sqrt(x * x + y * y)
    return torch.where(y < 0, torch.minimum(x.abs(), r), r) / (1 + r)


def _hypot_kink(x, operands, params):
    x, y = torch.broadcast_tensors(x.detach().double(), _t(operands[0]).detach().double())
    return torch.sqrt(x * x + y * y)


def _norm_kink(x, operands, params):
    """|x| for the 1-norm (each term), the norm for the 2-norm, ties and zeros for inf."""
    p, axis = params["p"], params["axis"]
    x = x.detach().double()
    if p == 1:
        return _dist(x)
    if p in (2, "fro"):
        return torch.linalg.vector_norm(x, 2, axis).reshape(-1)
    gaps = _tie_gap(x.abs() if p == np.inf else -x.abs(), operands, {"axis": axis})
    return torch.cat([gaps.reshape(-1), _dist(x).reshape(-1)])


def _neighbour_gap(x, operands, params):
    """For sorting along a dim: the smallest gap between two values of one slice."""
    dim = params.get("dim", params.get("axis", -1))
    x = x.detach().double()
    if dim is None:
        x, dim = x.reshape(-1), 0
    if x.ndim == 0 or x.shape[dim] < 2:
        return torch.ones(1, dtype=x.dtype)
    values = torch.sort(x, dim=dim).values
    return torch.diff(values, dim=dim).reshape(-1) / (1 + values.abs().max())


@st.composite
def _roll_args(draw, ctx):
    ndim = len(ctx.shape)
    if ndim == 0 or draw(st.booleans()):
        return {"shifts": draw(st.integers(-5, 5)), "axis": None}, []
    if draw(st.booleans()):
        return {"shifts": draw(st.integers(-5, 5)), "axis": draw(st.integers(-ndim, ndim - 1))}, []
    axes = draw(hnp.valid_tuple_axes(ndim, min_size=1))
    return {"shifts": tuple(draw(st.integers(-5, 5)) for _ in axes), "axis": axes}, []


@st.composite
def _flip_args(draw, ctx):
    ndim = len(ctx.shape)
    if ndim == 0 or draw(st.booleans()):
        return {"axis": None}, []
    if draw(st.booleans()):
        return {"axis": draw(st.integers(-ndim, ndim - 1))}, []
    return {"axis": draw(hnp.valid_tuple_axes(ndim, min_size=1))}, []


@st.composite
def _scan_args(draw, ctx):
    ndim = max(len(ctx.shape), 1)
    return {"axis": draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1)))}, []


def _scan_theirs(scan, x, axis):
    """np.cumsum's rules in torch: None flattens, and so does a 0-d input (shape (1,))."""
    if axis is None or x.ndim == 0:
        return scan(x.reshape(-1), 0)
    return scan(x, axis)


def _prod_theirs(x, axis, keepdims):
    """torch.prod takes one int dim: a tuple (or None) is a product over each axis in turn."""
    if x.ndim == 0:
        return x.clone()
    axes = range(x.ndim) if axis is None else (axis,) if isinstance(axis, int) else axis
    for a in sorted((a % x.ndim for a in axes), reverse=True):
        x = torch.prod(x, a, keepdim=True)
    if not keepdims:
        x = x.reshape([n for i, n in enumerate(x.shape) if i not in
                       {a % max(len(x.shape), 1) for a in axes}])
    return x


@st.composite
def _tile_args(draw, ctx):
    reps = tuple(draw(st.lists(st.integers(0, 2), min_size=0, max_size=len(ctx.shape) + 1)))
    size = int(np.prod(ctx.shape)) * int(np.prod(reps))
    if size > MAX_SIZE or max(len(reps), len(ctx.shape)) > MAX_NDIM:
        reject()
    return {"reps": reps}, []


@st.composite
def _repeat_args(draw, ctx):
    ndim = len(ctx.shape)
    axis = None if ndim == 0 or draw(st.booleans()) else draw(st.integers(-ndim, ndim - 1))
    n = int(np.prod(ctx.shape)) if axis is None else ctx.shape[axis]
    if draw(st.booleans()) or n == 0:
        repeats = draw(st.integers(0, 3))
    else:
        repeats = tuple(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    return {"repeats": repeats, "axis": axis}, []


def _repeat_theirs(x, repeats, axis):
    counts = torch.as_tensor(repeats) if isinstance(repeats, tuple) else repeats
    if axis is None:
        return torch.repeat_interleave(x.reshape(-1), counts, 0)
    return torch.repeat_interleave(x, counts, axis)


@st.composite
def _diagonal_args(draw, ctx):
    ndim = len(ctx.shape)
    axis1, axis2 = draw(st.permutations(range(ndim)))[:2]
    negative = st.booleans()
    return {"offset": draw(st.integers(-3, 3)),
            "axis1": axis1 - ndim if draw(negative) else axis1,
            "axis2": axis2 - ndim if draw(negative) else axis2}, []


def _trace_theirs(x, offset, axis1, axis2):
    if x.ndim == 2 and offset == 0 and (axis1 % 2, axis2 % 2) == (0, 1):
        return torch.trace(x)
    return torch.diagonal(x, offset, axis1, axis2).sum(-1)


@st.composite
def _norm_args(draw, ctx):
    p = draw(st.sampled_from([2, 1, np.inf, -np.inf, "fro"]))
    axis = draw(_axis(ctx))
    if p in (np.inf, -np.inf) and _reduced_count(ctx.shape, axis) == 0:
        reject()  # the largest of nothing: both refuse
    return {"p": p, "axis": axis, "keepdims": draw(st.booleans())}, []


@st.composite
def _outer_args(draw, ctx):
    if int(np.prod(ctx.shape)) > 16:
        reject()
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
    kinds = ("leaf", "earlier") + (() if "outer" in PROMOTION_PENDING else ("int",))
    return {}, [draw(_operand(ctx, "real", kinds, shape))]


@st.composite
def _tensordot_args(draw, ctx):
    """y whose first N axes are x's last N (an int N), or two lists of paired axes;
    same dtype as x (torch.tensordot does not promote)."""
    ndim = len(ctx.shape)
    extra = tuple(draw(st.lists(st.integers(0, 3), max_size=2)))
    if draw(st.booleans()):
        n = draw(st.integers(0, min(ndim, 2)))
        shape = ctx.shape[ndim - n:] + extra
        axes = n
    else:
        k = draw(st.integers(0, min(ndim, 2)))
        x_axes = draw(st.permutations(range(ndim)))[:k]
        y_ndim = k + len(extra)
        y_axes = draw(st.permutations(range(y_ndim)))[:k]
        shape = [None] * y_ndim
        for a, b in zip(x_axes, y_axes):
            shape[b] = ctx.shape[a]
        rest = iter(extra)
        shape = tuple(next(rest) if n is None else n for n in shape)
        axes = (list(x_axes), list(y_axes))
    kept = range(ndim - axes) if isinstance(axes, int) else set(range(ndim)) - set(axes[0])
    out = [ctx.shape[i] for i in kept] + list(extra)
    if len(out) > MAX_NDIM or int(np.prod(out)) > MAX_SIZE:
        reject()
    return {"axes": axes}, [Operand("leaf", ctx.new_leaf(draw, shape, ctx.dtype))]


@st.composite
def _einsum_args(draw, ctx):
    """Random subscripts: a letter per axis of x (a repeat on axes of equal size takes a
    diagonal), maybe a second operand sharing some letters, an explicit output of distinct
    letters (summing the others away)."""
    letters = "abcdefghij"
    sizes: dict = {}
    x_sub = ""
    for n in ctx.shape:
        same = [c for c, m in sizes.items() if m == n]
        c = draw(st.sampled_from(same)) if same and draw(st.integers(0, 3)) == 0 else \
            letters[len(sizes)]
        sizes[c] = n
        x_sub += c
    operands, subs = [], [x_sub]
    if draw(st.booleans()):
        y_sub = ""
        for _ in range(draw(st.integers(0, 3))):
            if sizes and draw(st.booleans()):
                c = draw(st.sampled_from(sorted(sizes)))
            else:
                c = letters[len(sizes)]
                sizes[c] = draw(st.integers(1, 3))
            y_sub += c
        subs.append(y_sub)
        y_shape = tuple(sizes[c] for c in y_sub)
        if ctx.mode == "float+int" and "einsum" not in PROMOTION_PENDING and draw(st.booleans()):
            operands.append(Operand("const", ctx.new_leaf(draw, y_shape, np.int64)))
        else:  # x's dtype: torch.einsum refuses float32 with float64 for some subscripts
            operands.append(Operand("leaf", ctx.new_leaf(draw, y_shape, ctx.dtype)))
    used = sorted(set("".join(subs)))
    out = "".join(draw(st.permutations(used))[:draw(st.integers(0, len(used)))])
    if len(out) > MAX_NDIM or int(np.prod([sizes[c] for c in out])) > MAX_SIZE:
        reject()
    return {"subscripts": ",".join(subs) + "->" + out}, operands


@st.composite
def _pad_args(draw, ctx):
    widths = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in ctx.shape)
    size = int(np.prod([n + a + b for n, (a, b) in zip(ctx.shape, widths)]))
    if size > MAX_SIZE:
        reject()
    return {"widths": widths, "value": draw(st.floats(-2.0, 2.0))}, []


@st.composite
def _diff_args(draw, ctx):
    ndim = len(ctx.shape)
    return {"n": draw(st.integers(0, 2)), "axis": draw(st.integers(-ndim, ndim - 1))}, []


@st.composite
def _moveaxis_args(draw, ctx):
    ndim = len(ctx.shape)
    k = draw(st.integers(1, ndim))
    source = draw(st.permutations(range(ndim)))[:k]
    destination = draw(st.permutations(range(ndim)))[:k]
    if k == 1 and draw(st.booleans()):
        return {"source": source[0], "destination": destination[0] - ndim}, []
    return {"source": tuple(source), "destination": tuple(destination)}, []


@st.composite
def _np_sort_args(draw, ctx):
    ndim = len(ctx.shape)
    return {"axis": draw(st.integers(-ndim, ndim - 1))}, []


@st.composite
def _layer_norm_args(draw, ctx):
    """normalized_shape: the last 1 to ndim axes (not empty); maybe weight and bias."""
    k = draw(st.integers(1, len(ctx.shape)))
    normalized = tuple(ctx.shape[-k:])
    if int(np.prod(normalized)) == 0:
        reject()  # the mean of nothing
    operands = [Operand("leaf", ctx.new_leaf(draw, normalized, ctx.dtype))
                for _ in range(draw(st.sampled_from([0, 2, 1])))]
    return {"normalized_shape": normalized}, operands


def _loss_args(threshold: str = "", target: str = "real"):
    """A target of x's shape and dtype (a leaf, or an earlier value), the reduction, maybe
    delta."""
    @st.composite
    def args(draw, ctx):
        reduction = draw(st.sampled_from(["mean", "sum", "none"]))
        if reduction == "mean" and int(np.prod(ctx.shape)) == 0:
            reject()  # the mean of nothing: torch gives nan
        # x's dtype: torch's backward of huber_loss fails for float32 with float64
        same = [i for i, v in enumerate(ctx.values)
                if tuple(v.shape) == ctx.shape and v.dtype == TORCH_DTYPE[ctx.dtype]]
        if target == "real" and draw(st.booleans()):
            y = Operand("earlier", draw(st.sampled_from(same)))
        else:
            y = Operand("leaf", ctx.new_leaf(draw, ctx.shape, ctx.dtype, target))
        params = {"reduction": reduction}
        if threshold:
            params[threshold] = draw(st.floats(0.25, 2.0))
        return params, [y]
    return args


def _huber_kink(x, operands, params):
    return _dist((x - _t(operands[0])).abs(), params["delta"])


@st.composite
def _class_label_args(draw, ctx):
    """Class labels in [0, C) for logits (N, C); the reduction."""
    classes = ctx.shape[-1]
    reduction = draw(st.sampled_from(["mean", "sum", "none"]))
    if classes == 0 or (reduction == "mean" and int(np.prod(ctx.shape[:-1])) == 0):
        reject()
    labels = np.random.default_rng(draw(SEEDS)).integers(0, classes, ctx.shape[:-1])
    return {"labels": np.asarray(labels, dtype=np.int64), "reduction": reduction}, []


@st.composite
def _sort_args(draw, ctx):
    ndim = max(len(ctx.shape), 1)
    return {"dim": draw(st.integers(-ndim, ndim - 1)), "descending": draw(st.booleans())}, []


@st.composite
def _topk_args(draw, ctx):
    ndim = max(len(ctx.shape), 1)
    dim = draw(st.integers(-ndim, ndim - 1))
    n = ctx.shape[dim] if ctx.shape else 1
    if n == 0:
        reject()  # topk of nothing (torch: k=0 gives empty; ours asks for k >= 1)
    return {"k": draw(st.integers(1, n)), "dim": dim, "largest": draw(st.booleans())}, []


@st.composite
def _quantile_args(draw, ctx):
    ndim = len(ctx.shape)  # a 0-d tensor: axis None only (NumPy refuses axis 0, torch not)
    axis = draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1))) if ndim else None
    if int(np.prod(ctx.shape)) == 0:
        reject()  # torch refuses any empty input (ours gives an empty result, as NumPy)
    q = draw(st.one_of(st.floats(0, 1), st.lists(st.floats(0, 1), min_size=1, max_size=3)))
    q = np.asarray(q, dtype=np.float64)
    if q.ndim == 0:
        q = float(q)
    return {"q": q, "axis": axis, "keepdims": draw(st.booleans())}, []

_TENSORS_AND_SCALARS = ("leaf", "earlier", "scalar", "int", "ratio")

FUZZ_OPS: list[FuzzOp] = [
    # --- arithmetic, with broadcasting against a second operand ---
    FuzzOp("add", lambda x, y: x + y, lambda x, y: x + y, "broadcast", _binary_args()),
    FuzzOp("radd", lambda x, y: y + x, lambda x, y: y + x, "broadcast", _binary_args()),
    FuzzOp("sub", lambda x, y: x - y, lambda x, y: x - y, "broadcast",
           _binary_args(kinds=_TENSORS_AND_SCALARS)),
    FuzzOp("rsub", lambda x, y: y - x, lambda x, y: y - x, "broadcast",
           _binary_args(kinds=_TENSORS_AND_SCALARS)),
    FuzzOp("mul", lambda x, y: x * y, lambda x, y: x * y, "broadcast", _binary_args()),
    FuzzOp("rmul", lambda x, y: y * x, lambda x, y: y * x, "broadcast", _binary_args()),
    FuzzOp("div", lambda x, y: x / y, lambda x, y: x / y, "broadcast",
           _binary_args("nonzero", _TENSORS_AND_SCALARS)),
    FuzzOp("rdiv", lambda x, y: y / x, lambda x, y: y / x, "broadcast",
           _binary_args(kinds=_TENSORS_AND_SCALARS), domain="nonzero"),
    FuzzOp("pow", lambda x, y: x ** y, lambda x, y: x ** y, "broadcast",
           _binary_args("moderate", _TENSORS_AND_SCALARS), domain="positive"),
    FuzzOp("rpow", lambda x, y: y ** x, lambda x, y: y ** x, "broadcast",
           _binary_args("positive", _TENSORS_AND_SCALARS), domain="moderate"),
    FuzzOp("pow_int", lambda x, exponent: x ** exponent, lambda x, exponent: x ** exponent,
           "same", _scalar_args("exponent", st.sampled_from([0, 1, 2, 3]))),
    FuzzOp("neg", lambda x: -x, lambda x: -x),
    FuzzOp("maximum", tg.maximum, lambda x, y: torch.maximum(x, _t(y, x)), "broadcast",
           _binary_args(kinds=("leaf", "earlier", "scalar", "int")),
           kink=lambda x, ops, p: _dist(x, ops[0]), smooth=False),
    FuzzOp("minimum", tg.minimum, lambda x, y: torch.minimum(x, _t(y, x)), "broadcast",
           _binary_args(kinds=("leaf", "earlier", "scalar", "int")),
           kink=lambda x, ops, p: _dist(x, ops[0]), smooth=False),
    FuzzOp("where", lambda x, y, cond: tg.where(cond, x, y),
           lambda x, y, cond: torch.where(torch.as_tensor(cond), x, y), "broadcast",
           _where_args),
    FuzzOp("rwhere", lambda x, y, cond: tg.where(cond, y, x),
           lambda x, y, cond: torch.where(torch.as_tensor(cond), y, x), "broadcast",
           _where_args),
    # --- matrix product (same dtype: torch.matmul does not promote) ---
    FuzzOp("matmul", lambda x, y: x @ y, torch.matmul, "(..,m,n)@(..,n,p)",
           _matmul_args, min_ndim=1, max_ndim=4),
    FuzzOp("rmatmul", lambda x, y: y @ x, lambda x, y: torch.matmul(y, x), "(..,m,n)@(..,n,p)",
           lambda ctx: _matmul_args(ctx, reflected=True), min_ndim=1, max_ndim=4),
    # --- element-wise math ---
    FuzzOp("exp", lambda x: x.exp(), torch.exp, domain="moderate"),
    FuzzOp("log", lambda x: x.log(), torch.log, domain="positive"),
    FuzzOp("sqrt", lambda x: x.sqrt(), torch.sqrt, domain="positive"),
    FuzzOp("pow_scalar", lambda x, exponent: x ** exponent, lambda x, exponent: x ** exponent,
           "same", _scalar_args("exponent", st.floats(-2.5, 2.5)), domain="positive"),
    FuzzOp("abs", lambda x: x.abs(), torch.abs, kink=lambda x, ops, p: _dist(x), smooth=False),
    FuzzOp("sin", lambda x: x.sin(), torch.sin, domain="moderate"),
    FuzzOp("cos", lambda x: x.cos(), torch.cos, domain="moderate"),
    FuzzOp("tanh", lambda x: x.tanh(), torch.tanh),
    FuzzOp("sigmoid", lambda x: x.sigmoid(), torch.sigmoid),
    FuzzOp("relu", lambda x: x.relu(), torch.relu, kink=lambda x, ops, p: _dist(x),
           smooth=False),
    FuzzOp("leaky_relu", lambda x, slope: x.leaky_relu(slope),
           lambda x, slope: torch.nn.functional.leaky_relu(x, slope), "same",
           _scalar_args("slope", st.floats(-0.5, 0.5)), kink=lambda x, ops, p: _dist(x),
           smooth=False),
    FuzzOp("softplus", lambda x, beta: F.softplus(x, beta),
           lambda x, beta: torch.nn.functional.softplus(x, beta), "same",
           _scalar_args("beta", st.floats(0.5, 2.0)), domain="moderate"),
    FuzzOp("clip", lambda x, lo, hi: x.clip(lo, hi), lambda x, lo, hi: torch.clamp(x, lo, hi),
           "same", _clip_args, kink=_clip_kink, smooth=False),
    FuzzOp("astype", lambda x, dtype: x.astype(dtype),
           lambda x, dtype: x.to(TORCH_DTYPE[np.dtype(dtype)]), "same", _cast_args),
    FuzzOp("clone", lambda x: x.clone(), lambda x: x.clone()),
    # --- reductions ---
    FuzzOp("sum", _reduce("sum"),
           lambda x, axis, keepdims, names: torch.sum(x, dim=axis, keepdim=keepdims), "reduce",
           _reduction_args()),
    FuzzOp("mean", _reduce("mean"),
           lambda x, axis, keepdims, names: torch.mean(x, dim=axis, keepdim=keepdims), "reduce",
           _reduction_args(nonempty=True)),
    FuzzOp("var", _reduce("var"),
           lambda x, axis, keepdims, names, ddof: torch.var(x, dim=axis, correction=ddof,
                                                            keepdim=keepdims),
           "reduce", _reduction_args(nonempty=True, ddof=True)),
    FuzzOp("std", _reduce("std"),
           lambda x, axis, keepdims, names, ddof: torch.std(x, dim=axis, correction=ddof,
                                                            keepdim=keepdims),
           "reduce", _reduction_args(nonempty=True, ddof=True),
           kink=lambda x, ops, p: torch.std(x.detach().double(), dim=p["axis"],
                                            correction=p["ddof"]).reshape(-1), smooth=False),
    # max(axis=...) is NumPy's (the values); max(dim=...) too (a keyword dim, not PyTorch's
    # positional form, which returns (values, indices): the max_dim row).
    FuzzOp("max", lambda x, axis, keepdims: x.max(axis=axis, keepdims=keepdims),
           lambda x, axis, keepdims: torch.amax(x, dim=_all_dims(axis), keepdim=keepdims),
           "reduce", _numpy_reduction_args, kink=_tie_gap, smooth=False),
    FuzzOp("min", lambda x, axis, keepdims: x.min(axis=axis, keepdims=keepdims),
           lambda x, axis, keepdims: torch.amin(x, dim=_all_dims(axis), keepdim=keepdims),
           "reduce", _numpy_reduction_args, kink=_neg_tie_gap, smooth=False),
    # PyTorch's max(dim): (values, indices), the gradient to the index returned; which index
    # torch returns at a tie is not specified, so exact ties are not drawn.
    FuzzOp("max_dim", lambda x, dim, keepdim, form: _dim_call(x.max, dim, keepdim, form).values,
           lambda x, dim, keepdim, form: torch.max(x, dim, keepdim=keepdim).values, "reduce",
           _dim_args, kink=lambda x, ops, p: _tie_gap(x, ops, {"axis": p["dim"]}), smooth=False,
           ties_allowed=False),
    FuzzOp("min_dim", lambda x, dim, keepdim, form: _dim_call(x.min, dim, keepdim, form).values,
           lambda x, dim, keepdim, form: torch.min(x, dim, keepdim=keepdim).values, "reduce",
           _dim_args, kink=lambda x, ops, p: _tie_gap(-x, ops, {"axis": p["dim"]}),
           smooth=False, ties_allowed=False),
    FuzzOp("amax", lambda x, axis, keepdims: x.amax(axis=axis, keepdims=keepdims),
           lambda x, axis, keepdims: torch.amax(x, dim=_all_dims(axis), keepdim=keepdims),
           "reduce", _numpy_reduction_args, kink=_tie_gap, smooth=False),
    FuzzOp("amin", lambda x, axis, keepdims: x.amin(axis=axis, keepdims=keepdims),
           lambda x, axis, keepdims: torch.amin(x, dim=_all_dims(axis), keepdim=keepdims),
           "reduce", _numpy_reduction_args, kink=_neg_tie_gap, smooth=False),
    FuzzOp("logsumexp", _reduce("logsumexp"),
           lambda x, axis, keepdims, names: torch.logsumexp(x, dim=_dims(axis, x.ndim) or 0,
                                                            keepdim=keepdims),
           "reduce", _reduction_args()),
    FuzzOp("softmax", lambda x, axis: x.softmax(axis=axis),
           lambda x, axis: torch.softmax(x, dim=axis), "same", _softmax_args),
    FuzzOp("log_softmax", lambda x, axis: x.log_softmax(axis=axis),
           lambda x, axis: torch.log_softmax(x, dim=axis), "same", _softmax_args),
    # --- shape ---
    FuzzOp("reshape", lambda x, shape: x.reshape(*shape), lambda x, shape: x.reshape(shape),
           "any (same size)", _reshape_args),
    FuzzOp("flatten", lambda x: x.flatten(), lambda x: x.reshape(-1), "(size,)"),
    FuzzOp("transpose", _transpose_ours, _transpose_theirs, "permuted", _transpose_args),
    FuzzOp("swapaxes", lambda x, axis1, axis2: x.swapaxes(axis1, axis2),
           lambda x, axis1, axis2: torch.swapaxes(x, axis1, axis2), "two axes exchanged",
           _swapaxes_args, min_ndim=1),
    FuzzOp("squeeze", lambda x, axis: x.squeeze(axis), _squeeze_theirs, "size-1 axes removed",
           _squeeze_args),
    FuzzOp("unsqueeze", lambda x, axis: x.unsqueeze(axis), lambda x, axis: x.unsqueeze(axis),
           "a size-1 axis inserted", _unsqueeze_args, max_ndim=MAX_NDIM - 1),
    FuzzOp("broadcast_to", lambda x, shape: x.broadcast_to(shape),
           lambda x, shape: x.broadcast_to(shape), "broadcast", _broadcast_to_args),
    FuzzOp("getitem_basic", lambda x, index: x[index], _index_theirs, "any",
           _basic_index_args),
    FuzzOp("getitem_array", lambda x, index: x[index], _index_theirs, "any",
           _array_index_args, min_ndim=1),
    FuzzOp("concatenate", lambda x, *ys, axis, reversed: tg.concatenate(
               _pieces(x, ys, reversed), axis=axis),
           lambda x, *ys, axis, reversed: torch.cat(_pieces(x, ys, reversed), dim=axis),
           "joined along axis", _join_args, min_ndim=1),
    FuzzOp("stack", lambda x, *ys, axis, reversed: tg.stack(_pieces(x, ys, reversed), axis=axis),
           lambda x, *ys, axis, reversed: torch.stack(_pieces(x, ys, reversed), dim=axis),
           "a new axis", lambda ctx: _join_args(ctx, stack=True),
           max_ndim=MAX_NDIM - 1),
    FuzzOp("split_reversed", _split_ours, _split_theirs, "same (pieces swapped)", _split_args,
           min_ndim=1),
    FuzzOp("unbind_reversed",
           lambda x, axis: tg.stack(list(tg.unbind(x, axis))[::-1], axis=axis),
           lambda x, axis: torch.stack(torch.unbind(x, axis)[::-1], dim=axis),
           "same (slices reversed)", lambda ctx: _split_args(ctx, unbind=True),
           min_ndim=1),

    # --- more element-wise math (ops/math.py) ---
    FuzzOp("square", lambda x: x.square(), torch.square),
    FuzzOp("pow_method", lambda x, exponent: x.pow(exponent),
           lambda x, exponent: x.pow(exponent), "same",
           _scalar_args("exponent", st.floats(-2.5, 2.5)), domain="positive"),
    FuzzOp("reciprocal", lambda x: x.reciprocal(), torch.reciprocal, domain="nonzero"),
    FuzzOp("exp2", lambda x: x.exp2(), torch.exp2, domain="moderate"),
    FuzzOp("expm1", lambda x: x.expm1(), torch.expm1, domain="moderate"),
    FuzzOp("log1p", lambda x: x.log1p(), torch.log1p, domain="positive"),
    FuzzOp("log2", lambda x: x.log2(), torch.log2, domain="positive"),
    FuzzOp("log10", lambda x: x.log10(), torch.log10, domain="positive"),
    FuzzOp("tan", lambda x: x.tan(), torch.tan, domain="unit"),
    FuzzOp("arcsin", lambda x: x.arcsin(), torch.asin, domain="unit"),
    FuzzOp("arccos", lambda x: x.arccos(), torch.acos, domain="unit"),
    FuzzOp("arctan", lambda x: x.arctan(), torch.atan),
    FuzzOp("sinh", lambda x: x.sinh(), torch.sinh, domain="moderate"),
    FuzzOp("cosh", lambda x: x.cosh(), torch.cosh, domain="moderate"),
    FuzzOp("arcsinh", lambda x: x.arcsinh(), torch.asinh),
    FuzzOp("arccosh", lambda x: x.arccosh(), torch.acosh, domain="above_one"),
    FuzzOp("arctanh", lambda x: x.arctanh(), torch.atanh, domain="unit"),
    FuzzOp("logaddexp", lambda x, y: x.logaddexp(y), lambda x, y: torch.logaddexp(x, y),
           "broadcast", _binary_args(kinds=("leaf", "earlier", "int"))),
    FuzzOp("arctan2", lambda x, y: x.arctan2(y), lambda x, y: torch.atan2(x, y), "broadcast",
           _binary_args(kinds=("leaf", "earlier", "int")), kink=_atan2_kink, smooth=False),
    FuzzOp("hypot", lambda x, y: x.hypot(y), lambda x, y: torch.hypot(x, y), "broadcast",
           _binary_args(kinds=("leaf", "earlier", "int")), kink=_hypot_kink, smooth=False),
    # Piecewise constant: gradient 0 (also at the jumps, as PyTorch); near a jump rejected.
    FuzzOp("sign", lambda x: x.sign(), torch.sign, kink=lambda x, ops, p: _dist(x)),
    FuzzOp("floor", lambda x: x.floor(), torch.floor, kink=lambda x, ops, p: _dist(x, x.round())),
    FuzzOp("ceil", lambda x: x.ceil(), torch.ceil, kink=lambda x, ops, p: _dist(x, x.round())),
    FuzzOp("trunc", lambda x: x.trunc(), torch.trunc, kink=lambda x, ops, p: _dist(x, x.round())),
    FuzzOp("round", lambda x: x.round(), torch.round,
           kink=lambda x, ops, p: _dist(x, x.floor() + 0.5)),
    # --- NumPy functions (functions.py) ---
    FuzzOp("roll", lambda x, shifts, axis: x.roll(shifts, axis),
           lambda x, shifts, axis: torch.roll(x, shifts, axis), "same", _roll_args),
    FuzzOp("flip", lambda x, axis: x.flip(axis),
           lambda x, axis: torch.flip(x, tuple(range(x.ndim)) if axis is None else
                                      (axis,) if isinstance(axis, int) else axis),
           "same", _flip_args),
    FuzzOp("cumsum", lambda x, axis: x.cumsum(axis), lambda x, axis: _scan_theirs(
               torch.cumsum, x, axis), "same (None: flattened)", _scan_args),
    FuzzOp("cumprod", lambda x, axis: x.cumprod(axis), lambda x, axis: _scan_theirs(
               torch.cumprod, x, axis), "same (None: flattened)", _scan_args),
    FuzzOp("prod", lambda x, axis, keepdims: x.prod(axis, keepdims),
           _prod_theirs, "reduce", _numpy_reduction_args),
    FuzzOp("tile", lambda x, reps: x.tile(reps), lambda x, reps: torch.tile(x, reps),
           "copies", _tile_args),
    FuzzOp("repeat_interleave", lambda x, repeats, axis: x.repeat_interleave(repeats, axis),
           _repeat_theirs, "repeated in place", _repeat_args),
    FuzzOp("np_repeat", lambda x, repeats, axis: x.repeat(repeats, axis=axis),
           _repeat_theirs, "repeated in place", _repeat_args),
    FuzzOp("diagonal", lambda x, offset, axis1, axis2: x.diagonal(offset, axis1, axis2),
           lambda x, offset, axis1, axis2: torch.diagonal(x, offset, axis1, axis2),
           "two axes -> a last one", _diagonal_args, min_ndim=2),
    FuzzOp("trace", lambda x, offset, axis1, axis2: x.trace(offset, axis1, axis2),
           _trace_theirs, "two axes summed away", _diagonal_args, min_ndim=2),
    FuzzOp("norm", lambda x, p, axis, keepdims: x.norm(p, axis, keepdims),
           lambda x, p, axis, keepdims: torch.linalg.vector_norm(x, 2 if p == "fro" else p,
                                                                 axis, keepdims),
           "reduce", _norm_args, kink=_norm_kink, smooth=False),
    FuzzOp("outer", lambda x, y: tg.outer(x, y),
           lambda x, y: torch.outer(x.reshape(-1), y.reshape(-1)), "(x.size, y.size)",
           _outer_args, max_ndim=2),
    FuzzOp("tensordot", lambda x, y, axes: tg.tensordot(x, y, axes),
           lambda x, y, axes: torch.tensordot(x, y, axes), "contracted", _tensordot_args),
    FuzzOp("einsum", lambda x, *ys, subscripts: tg.einsum(subscripts, x, *ys),
           lambda x, *ys, subscripts: torch.einsum(subscripts, x, *ys), "any", _einsum_args),
    # --- NumPy functions on a Tensor (numpy_functions.py, through __array_function__) ---
    FuzzOp("np_pad", lambda x, widths, value: np.pad(x, widths, constant_values=value),
           lambda x, widths, value: torch.nn.functional.pad(
               x, [n for pair in widths[::-1] for n in pair], value=value),
           "each axis widened", _pad_args, min_ndim=1),
    FuzzOp("np_diff", lambda x, n, axis: np.diff(x, n, axis),
           lambda x, n, axis: torch.diff(x, n, axis), "axis shortened by n", _diff_args,
           min_ndim=1),
    FuzzOp("np_moveaxis", lambda x, source, destination: np.moveaxis(x, source, destination),
           lambda x, source, destination: torch.movedim(x, source, destination), "permuted",
           _moveaxis_args, min_ndim=1),
    FuzzOp("np_sort", lambda x, axis: np.sort(x, axis),
           lambda x, axis: torch.sort(x, dim=axis, stable=True).values, "same", _np_sort_args,
           kink=lambda x, ops, p: _neighbour_gap(x, ops, {"dim": p["axis"]}), smooth=False,
           min_ndim=1),
    # --- nn.functional ---
    FuzzOp("gelu", lambda x: F.gelu(x), torch.nn.functional.gelu),
    # |x| <= 3: below -5, 1 + tanh(u) in float32 is all rounding, and ours loses the second
    # order there (torch's kernel less so); reported, not a formula bug.
    FuzzOp("gelu_tanh", lambda x: F.gelu(x, approximate="tanh"),
           lambda x: torch.nn.functional.gelu(x, approximate="tanh"), domain="small"),
    FuzzOp("layer_norm", lambda x, *wb, normalized_shape: F.layer_norm(x, normalized_shape, *wb),
           lambda x, *wb, normalized_shape: torch.nn.functional.layer_norm(
               x, normalized_shape, *wb), "same", _layer_norm_args, min_ndim=1),
    FuzzOp("mse_loss", lambda x, y, reduction: F.mse_loss(x, y, reduction=reduction),
           lambda x, y, reduction: torch.nn.functional.mse_loss(x, y, reduction=reduction),
           "reduced (or same)", _loss_args()),
    FuzzOp("l1_loss", lambda x, y, reduction: F.l1_loss(x, y, reduction=reduction),
           lambda x, y, reduction: torch.nn.functional.l1_loss(x, y, reduction=reduction),
           "reduced (or same)", _loss_args(), kink=lambda x, ops, p: _dist(x, ops[0]),
           smooth=False),
    FuzzOp("huber_loss", lambda x, y, reduction, delta: F.huber_loss(
               x, y, reduction=reduction, delta=delta),
           lambda x, y, reduction, delta: torch.nn.functional.huber_loss(
               x, y, reduction=reduction, delta=delta), "reduced (or same)",
           _loss_args("delta"), kink=_huber_kink, smooth=False),
    FuzzOp("smooth_l1_loss", lambda x, y, reduction, delta: F.smooth_l1_loss(
               x, y, reduction=reduction, beta=delta),
           lambda x, y, reduction, delta: torch.nn.functional.smooth_l1_loss(
               x, y, reduction=reduction, beta=delta), "reduced (or same)",
           _loss_args("delta"), kink=_huber_kink, smooth=False),
    FuzzOp("bce_with_logits", lambda x, y, reduction: F.binary_cross_entropy_with_logits(
               x, y, reduction=reduction),
           lambda x, y, reduction: torch.nn.functional.binary_cross_entropy_with_logits(
               x, y, reduction=reduction), "reduced (or same)", _loss_args(target="probability")),
    FuzzOp("cross_entropy", lambda x, labels, reduction: F.cross_entropy(
               x, labels, reduction=reduction),
           lambda x, labels, reduction: torch.nn.functional.cross_entropy(
               x, torch.as_tensor(labels), reduction=reduction), "(N, C) -> (N,) or reduced",
           _class_label_args, min_ndim=2, max_ndim=2),  # (C,): as nll_loss
    FuzzOp("nll_loss", lambda x, labels, reduction: F.nll_loss(x, labels, reduction=reduction),
           lambda x, labels, reduction: torch.nn.functional.nll_loss(
               x, torch.as_tensor(labels), reduction=reduction), "(N, C) -> (N,) or reduced",
           _class_label_args, min_ndim=2, max_ndim=2),  # (C,): torch takes it, ours asks for (N, C)
    # --- sorting (sorting.py): stable in both; which index topk/median pick at a tie is
    # not specified in torch, so exact ties are not drawn for them ---
    FuzzOp("sort", lambda x, dim, descending: x.sort(dim, descending).values,
           lambda x, dim, descending: torch.sort(x, dim=dim, descending=descending,
                                                 stable=True).values,
           "same", _sort_args, kink=_neighbour_gap, smooth=False),
    FuzzOp("topk", lambda x, k, dim, largest: x.topk(k, dim, largest).values,
           lambda x, k, dim, largest: torch.topk(x, k, dim, largest).values,
           "k along dim", _topk_args, kink=_neighbour_gap, smooth=False, ties_allowed=False),
    FuzzOp("median_dim", lambda x, dim, keepdim: x.median(dim, keepdim).values,
           lambda x, dim, keepdim: torch.median(x, dim, keepdim).values, "reduce",
           lambda ctx: _dim_args(ctx, forms=False), kink=_neighbour_gap, smooth=False,
           ties_allowed=False),
    FuzzOp("quantile", lambda x, q, axis, keepdims: x.quantile(q, axis, keepdims),
           lambda x, q, axis, keepdims: torch.quantile(x, torch.as_tensor(q, dtype=x.dtype),
                                                       axis, keepdims),
           "q's axes, then reduced", _quantile_args, kink=_neighbour_gap, smooth=False,
           ties_allowed=False),
]
FUZZ_OPS_BY_NAME = {op.name: op for op in FUZZ_OPS}
assert len(FUZZ_OPS_BY_NAME) == len(FUZZ_OPS), "fuzz op names must be unique"


# --- drawing a program ---

def _zero_dim_tensor_kept_the_dtype(x, args, y) -> bool:
    floats = [t.dtype for t in [x, *args] if isinstance(t, torch.Tensor) and t.is_floating_point()]
    if len(set(floats)) < 2:
        return False
    return y.dtype != max(floats, key=lambda d: torch.finfo(d).bits)

LEAF_DTYPES = {
    "float64": [np.float64],
    "float32": [np.float32],
    "float32+float64": [np.float32, np.float64],
    "float+int": [np.float32, np.float64],
}


@st.composite
def leaf_shapes(draw):
    """0-d to 3-D, sides 1 to 4; one program in ten has a size-0 axis."""
    ndim = draw(st.sampled_from([2, 1, 3, 0]))  # 0-d a quarter of the time
    shape = list(draw(hnp.array_shapes(min_dims=ndim, max_dims=ndim, min_side=1, max_side=4)))
    if shape and draw(st.integers(0, 9)) == 0:
        shape[draw(st.integers(0, len(shape) - 1))] = 0
    return tuple(shape)


@st.composite
def programs(draw, mode: str, ops=None):
    ops = FUZZ_OPS if ops is None else ops
    program = Program(mode, seed=draw(SEEDS))
    dtype = np.dtype(draw(st.sampled_from(LEAF_DTYPES[mode])))
    program.leaves.append(Leaf(draw(leaf_shapes()), dtype, "real", draw(SEEDS)))
    t_leaves = [torch.tensor(program.leaves[0].array())]
    values = [t_leaves[0]]
    with torch.no_grad():
        # Shrinks to 2 ops; drawn 4 to 6 more often than a plain integers(2, 6) would.
        for _ in range(draw(st.one_of(st.integers(2, 6), st.integers(4, 6)))):
            x = values[-1]
            ctx = Context(mode, tuple(x.shape), NUMPY_DTYPE[x.dtype], values, program)
            candidates = [op for op in ops if op.min_ndim <= x.ndim <= op.max_ndim]
            op = draw(st.sampled_from(candidates))
            if not _in_domain(x, op.domain):  # a smooth map into the domain first
                mapped = _map_op(op.domain)
                values.append(mapped.theirs(x))
                program.steps.append(Step(mapped, {}, [], tuple(values[-1].shape),
                                          values[-1].dtype))
                x = values[-1]
                ctx = Context(mode, tuple(x.shape), NUMPY_DTYPE[x.dtype], values, program)
            params, operands = draw(op.args(ctx)) if op.args else ({}, [])
            while len(t_leaves) < len(program.leaves):
                t_leaves.append(torch.tensor(program.leaves[len(t_leaves)].array()))
            args = [_operand_value(o, t_leaves, values, Torch) for o in operands]
            step = Step(op, params, operands)
            program.steps.append(step)
            try:
                y = op.theirs(x, *args, **params)
            except (RuntimeError, IndexError, ValueError) as error:
                step.torch_error = f"{type(error).__name__}: {str(error).splitlines()[0][:80]}"
                break
            if op.kink is not None and x.numel() > 0:
                d = _numpy(op.kink(x, args, params))
                d = d[np.isfinite(d)]
                lowest = 0 if op.ties_allowed else -1
                if np.any((d > lowest) & (d < KINK_MARGIN[NUMPY_DTYPE[x.dtype]])):
                    reject()  # so close to a kink that rounding may cross it
                step.at_kink = bool(np.any(d == 0))
            if y.ndim > MAX_NDIM or y.numel() > MAX_SIZE or not bool(torch.isfinite(y).all()):
                reject()
            if ZERO_DIM_RULE_PENDING and _zero_dim_tensor_kept_the_dtype(x, args, y):
                reject()
            step.shape, step.dtype = tuple(y.shape), y.dtype
            values.append(y)
    return program


# --- the tests ---

MODES = ["float64", "float32", "float32+float64", "float+int"]


@pytest.mark.parametrize("mode", MODES)
@fuzz_settings()
@given(data=st.data())
def test_random_programs_match_torch(mode, data):
    check_program(data.draw(programs(mode), label="program"))


# --- the checker itself: a wrong op must make it fail, with a readable report ---

class _ExpWithWrongGradient(tg.Function):
    """y = exp(x), but dy/dx = 1.001 exp(x): 0.1% wrong."""

    @staticmethod
    def forward(ctx, x):
        y = np.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, gy):
        (y,) = ctx.saved_tensors
        return gy * y * 1.001


class _ExpWithFirstOrderOnly(tg.Function):
    """y = exp(x), dy/dx right, but computed from the raw array: second order is lost."""

    @staticmethod
    def forward(ctx, x):
        ctx.y = np.exp(x)
        return ctx.y

    @staticmethod
    def backward(ctx, gy):
        return gy * ctx.y


def _one_op_program(mode, ours, dtype=np.float64, name="exp_under_test"):
    op = FuzzOp(name, ours, torch.exp)
    step = Step(op, {}, [], (2, 3), TORCH_DTYPE[np.dtype(dtype)])
    return Program(mode, [Leaf((2, 3), np.dtype(dtype), "real", 7)], [step], seed=3)


@pytest.mark.parametrize("ours, message", [
    (lambda x: x.exp() * (1 + 1e-6), "forward value v1 of step 1"),
    (lambda x: x.exp().astype(np.float32), "dtype float32 vs torch float64"),
    (lambda x: x.exp()[:1], r"shape \(1, 3\) vs torch \(2, 3\)"),
    (_ExpWithWrongGradient.apply, "gradient of sum"),
    (_ExpWithFirstOrderOnly.apply, "second order"),
], ids=["forward", "dtype", "shape", "first-order", "second-order"])
def test_the_checker_catches_a_wrong_op_and_prints_the_program(ours, message):
    check_program(_one_op_program("float64", lambda x: x.exp()))  # the right op passes
    with pytest.raises(AssertionError, match=message) as caught:
        check_program(_one_op_program("float64", ours))
    assert "x0 = leaf float64[2, 3]" in str(caught.value)
    assert "v1 = exp_under_test(v0)  -> [2, 3] torch.float64" in str(caught.value)


def test_the_checker_requires_an_error_where_torch_raises():
    op = FuzzOp("max_or_nothing", lambda x: x.sum(), lambda x: x.amax())
    step = Step(op, {}, [], torch_error="IndexError: amax(): Expected reduction dim 0 to have "
                                        "non-zero size")
    program = Program("float64", [Leaf((0,), np.dtype(np.float64), "real", 0)], [step])
    with pytest.raises(AssertionError, match="torch refuses the last step"):
        check_program(program)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_of_a_0d_tensor(approximate, dtype):
    # Found by the fuzz: the exact GELU crashed inside NumPy on a 0-d tensor.
    name = "gelu" if approximate == "none" else "gelu_tanh"
    step = Step(FUZZ_OPS_BY_NAME[name], {}, [], (), TORCH_DTYPE[np.dtype(dtype)])
    check_program(Program(np.dtype(dtype).name, [Leaf((), np.dtype(dtype), "real", 5)], [step],
                          seed=1))
