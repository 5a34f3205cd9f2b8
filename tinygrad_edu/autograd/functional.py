"""``tg.autograd.functional``: derivatives of a whole function, as ``torch.autograd.functional``.

Each entry calls ``func`` once on fresh copies of the inputs (so the caller's tensors and
their ``.grad`` are untouched) and differentiates with ``tg.grad``: a Jacobian is one
vector-Jacobian product per output element, a Hessian the Jacobian of the gradient, and
the forward products (jvp, hvp) use the double-backward trick, exactly, with no finite step.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import checks
from .._tensor import Tensor
from .engine import grad
from .grad_mode import enable_grad

__all__ = ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"]

_LINEAR = ("the gradient for input {i} does not depend on the inputs (func is linear in it, "
           "or does not use it)")


def vjp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """vjp = v^T J, J[i, j] = d out_i / d in_j: one backward pass seeded with ``v``.

    Returns ``(func(*inputs), vjp)``, vjp shaped like the inputs (a tuple for a tuple).
    ``v`` is shaped like the outputs; None is allowed for one single-element output.
    """
    inputs_tuple, xs = _start("vjp", func, inputs, create_graph, strict)
    with enable_grad():
        xs = _prepare(xs, create_graph, "vjp")
        outputs_tuple, ys = _call(func, xs, "vjp", strict)
        vs = _vector(v, ys, outputs_tuple, "vjp", "func returns", create_graph)
        gs = _fill(_grad(ys, xs, vs, create_graph), xs, strict, create_graph, "vjp",
                   "the outputs do not depend on input {i}")
    return _finish(ys, create_graph, outputs_tuple), _finish(gs, create_graph, inputs_tuple)


def jvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """jvp = J v, J[i, j] = d out_i / d in_j, exactly, by the double-backward trick (as in
    PyTorch): g(u) = J^T u is linear in a dummy u, and its vjp in u seeded with v is J v.

    Returns ``(func(*inputs), jvp)``, jvp shaped like the outputs. ``v`` is shaped like
    the inputs; None is allowed for one single-element input.
    """
    inputs_tuple, xs = _start("jvp", func, inputs, create_graph, strict)
    with enable_grad():
        xs = _prepare(xs, create_graph, "jvp")
        vs = _vector(v, xs, inputs_tuple, "jvp", "its input is", create_graph)
        outputs_tuple, ys = _call(func, xs, "jvp", strict)
        gs = _jvp_by_double_backward(ys, xs, vs, create_graph, strict and "jvp")
        gs = _fill(gs, ys, strict, create_graph, "jvp", "output {i} does not depend on the inputs")
    return _finish(ys, create_graph, outputs_tuple), _finish(gs, create_graph, outputs_tuple)


def jacobian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """J[i, j] = d out_i / d in_j, of shape ``out.shape + in.shape``; row i is e_i^T J.

    A Tensor for one input and one output, a tuple over inputs (or outputs), or a tuple
    (over outputs) of tuples (over inputs). ``vectorize=True`` and
    ``strategy="forward-mode"`` are accepted as in PyTorch (forward-mode only with
    vectorize=True), but computed the same way, row by row: same values, not faster.
    An unused input gives zeros (``strict=True``: an error).
    """
    checks.choice(strategy, "jacobian: strategy", ("reverse-mode", "forward-mode"))
    forward, vectorize = strategy == "forward-mode", checks.flag(vectorize, "jacobian: vectorize")
    if forward and checks.flag(create_graph, "jacobian: create_graph"):
        raise NotImplementedError("jacobian: create_graph=True and strategy='forward-mode' "
                                  "are not supported together; use strategy='reverse-mode'")
    if checks.flag(strict, "jacobian: strict") and (vectorize or forward):
        raise RuntimeError("jacobian: strict=True is not supported with vectorize=True or "
                           "strategy='forward-mode' (as in PyTorch); set strict=False")
    if forward and not vectorize:
        raise NotImplementedError("jacobian: strategy='forward-mode' needs vectorize=True "
                                  "(as in PyTorch)")
    inputs_tuple, xs = _start("jacobian", func, inputs, create_graph, strict)
    with enable_grad():
        xs = _prepare(xs, create_graph, "jacobian")
        outputs_tuple, ys = _call(func, xs, "jacobian", strict)
        jac = tuple(_blocks(y, xs, i, create_graph, strict) for i, y in enumerate(ys))
        jac = tuple(_finish(row, create_graph, True) for row in jac)
    rows = jac if inputs_tuple else tuple(row[0] for row in jac)
    return rows if outputs_tuple else rows[0]


def hessian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """H[i][j] = d2 f / (d in_i d in_j), shape ``in_i.shape + in_j.shape``: the Jacobian of
    the gradient, for ``func`` returning one single-element Tensor. A Tensor for a single
    input, a tuple of tuples for a tuple. ``vectorize`` and ``outer_jacobian_strategy``
    as in ``jacobian`` (accepted, same computation).
    """
    inputs_tuple, _ = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*xs: Tensor) -> tuple:
        g = jacobian(lambda *a: _scalar(func, a, "hessian", strict)[0].reshape(()), xs,
                     create_graph=True)
        _strict_graph(g, strict, "hessian", _LINEAR)
        return g

    h = jacobian(gradient, inputs if inputs_tuple else (inputs,), create_graph, strict,
                 vectorize, outer_jacobian_strategy)
    return h if inputs_tuple else h[0][0]


def vhp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """vhp = v^T H, H = d2 f / dx2: the vector-Jacobian product of the gradient, seeded with v.

    Returns ``(func(*inputs), vhp)``; ``func`` returns one single-element Tensor, ``v`` and
    the result are shaped like the inputs (None is allowed for one single-element input).
    """
    return _hessian_product("vhp", func, inputs, v, create_graph, strict)


def hvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """hvp = H v: ``jvp``'s double-backward trick applied to the gradient, exactly; the
    same as ``vhp`` when H is symmetric (always, for twice continuously differentiable
    f; not for a custom Function whose backward is not a true gradient). Arguments as vhp.
    """
    return _hessian_product("hvp", func, inputs, v, create_graph, strict)


def _hessian_product(fn: str, func: Callable, inputs: Any, v: Any, create_graph: bool,
                     strict: bool) -> tuple:
    inputs_tuple, xs = _start(fn, func, inputs, create_graph, strict)
    with enable_grad():
        xs = _prepare(xs, create_graph, fn)
        vs = _vector(v, xs, inputs_tuple, fn, "its input is", create_graph)
        ys = _scalar(func, xs, fn, strict)
        g = _grad(ys, xs, None, True)
        _strict_graph(g, strict, fn, _LINEAR)
        gs = (_grad(g, xs, vs, create_graph) if fn == "vhp"
              else _jvp_by_double_backward(g, xs, vs, create_graph, None))
        gs = _fill(gs, xs, strict, create_graph, fn, "the gradient does not depend on input {i}")
    return _finish(ys, create_graph, False), _finish(gs, create_graph, inputs_tuple)


# --- the shared steps: structure in and out, fresh inputs, tg.grad without the gaps ---

def _as_tuple(value: Any, name: str, fn: str) -> tuple[bool, tuple]:
    """(was it a tuple?, the Tensors as a tuple); a list or non-Tensor is a TypeError."""
    is_tuple = isinstance(value, tuple)
    for i, t in enumerate(value if is_tuple else (value,)):
        if not isinstance(t, Tensor):
            where = f"{name}[{i}]" if is_tuple else name
            raise TypeError(f"{fn}: {where} must be a Tensor (or {name} a tuple of Tensors), "
                            f"got {type(t).__name__}")
    return is_tuple, value if is_tuple else (value,)


def _start(fn: str, func: Any, inputs: Any, create_graph: Any, strict: Any) -> tuple:
    if not callable(func):
        raise TypeError(f"{fn}: func must be a callable, got {type(func).__name__}")
    checks.flag(create_graph, f"{fn}: create_graph")
    checks.flag(strict, f"{fn}: strict")
    return _as_tuple(inputs, "inputs", fn)


def _prepare(xs: tuple, create_graph: bool, fn: str, need_graph: bool = True) -> tuple:
    """Fresh tensors for ``func``: detached and requiring grad, or, to keep the result
    differentiable (create_graph=True), a copy of an input that requires grad in the graph."""
    fresh = []
    for i, x in enumerate(xs):
        if create_graph and x.requires_grad:
            fresh.append(x.clone())
        elif need_graph and x.dtype.kind != "f":
            raise TypeError(f"{fn}: inputs[{i}] has dtype {x.dtype}; only floating point "
                            "tensors can be differentiated (make it with dtype=np.float64)")
        else:
            fresh.append(x.detach().requires_grad_(need_graph))
    return tuple(fresh)


def _call(func: Callable, xs: tuple, fn: str, strict: bool) -> tuple[bool, tuple]:
    is_tuple, ys = _as_tuple(func(*xs), "outputs of func", fn)
    for i, y in enumerate(ys):
        if strict and not y.requires_grad:
            raise RuntimeError(f"{fn}(strict=True): output {i} of func does not depend "
                               "differentiably on the inputs (it does not require grad)")
    return is_tuple, ys


def _scalar(func: Callable, xs: tuple, fn: str, strict: bool) -> tuple:
    is_tuple, ys = _call(func, xs, fn, strict)
    if is_tuple or ys[0].size != 1:
        got = "a tuple" if is_tuple else f"shape {ys[0].shape}"
        raise RuntimeError(f"{fn}: func must return a single Tensor with a single element, "
                           f"got {got}; reduce it first, e.g. with .sum()")
    return ys


def _vector(v: Any, refs: tuple, refs_tuple: bool, fn: str, what: str,
            create_graph: bool) -> Any:
    """Check ``v`` against the tensors it pairs with (outputs or inputs); fresh copies."""
    if v is None:
        if len(refs) != 1 or refs[0].size != 1:
            raise RuntimeError(f"{fn}: v can only be None when {what} a single Tensor with a "
                               f"single element; pass v shaped {[r.shape for r in refs]}")
        return None
    _, vs = _as_tuple(v, "v", fn)
    if len(vs) != len(refs):
        raise RuntimeError(f"{fn}: v has {len(vs)} Tensors, should have {len(refs)}")
    for i, (t, r) in enumerate(zip(vs, refs)):
        if t.shape != r.shape:
            where = f"v[{i}]" if refs_tuple else "v"
            raise RuntimeError(f"{fn}: {where} has shape {t.shape}, should be {r.shape}")
    return _prepare(vs, create_graph, fn, need_graph=False)


def _grad(ys: tuple, xs: tuple, seeds: Any, create_graph: bool) -> list:
    """``tg.grad`` over the outputs that have a graph and the inputs that require grad;
    None for an input nothing flows to."""
    seeds = (None,) * len(ys) if seeds is None else seeds
    pairs = [(y, s) for y, s in zip(ys, seeds) if y is not None and y.requires_grad]
    wanted = [i for i, x in enumerate(xs) if x.requires_grad]
    result: list = [None] * len(xs)
    if pairs and wanted:
        gs = grad([y for y, _ in pairs], [xs[i] for i in wanted], [s for _, s in pairs],
                  retain_graph=True, create_graph=create_graph, allow_unused=True)
        for i, g in zip(wanted, gs):
            result[i] = g
    return result


def _jvp_by_double_backward(ys: tuple, xs: tuple, vs: Any, create_graph: bool,
                            strict_fn: Any) -> list:
    """J v from two backward passes: g(u) = J^T u is linear in a dummy u, and the
    vector-Jacobian product of g with respect to u, seeded with v, is (J^T)^T v = J v."""
    us = tuple(Tensor._wrap(np.zeros_like(y.data), y.requires_grad) for y in ys)
    g = _grad(ys, xs, us, True)
    _strict_graph(g, bool(strict_fn), strict_fn, "the outputs do not depend on input {i}")
    return _grad(g, us, vs, create_graph)


def _fill(gs: list, refs: tuple, strict: bool, create_graph: bool, fn: str, why: str) -> list:
    """Zeros shaped like ``refs[i]`` where no gradient flowed; ``strict`` refuses that (and,
    with create_graph, a result outside the graph). ``why`` names the cause, with ``{i}``."""
    for i, g in enumerate(gs):
        if strict and (g is None or (create_graph and not g.requires_grad)):
            how = "" if g is None else " differentiably: the result is a constant (func is linear)"
            raise RuntimeError(f"{fn}(strict=True): {why.format(i=i)}{how}; pass "
                               "strict=False to get zeros")
        if g is None:
            gs[i] = Tensor._wrap(np.zeros_like(refs[i].data))
    return gs


def _strict_graph(gs: Any, strict: bool, fn: str, why: str) -> None:
    """With ``strict``, refuse an intermediate derivative that is missing or constant."""
    for i, g in enumerate(gs):
        if strict and (g is None or not g.requires_grad):
            raise RuntimeError(f"{fn}(strict=True): {why.format(i=i)}; pass strict=False "
                               "to get zeros")


def _blocks(y: Tensor, xs: tuple, i: int, create_graph: bool, strict: bool) -> tuple:
    """d y / d x_j for every input: one backward pass per element of y, stacked."""
    rows: list = [[] for _ in xs]
    for k in range(y.size if y.requires_grad else 0):
        seed = np.zeros(y.size, y.dtype)
        seed[k] = 1
        gs = _grad((y,), xs, (seed.reshape(y.shape),), create_graph)
        _fill(gs, xs, strict, create_graph, "jacobian", f"output {i} does not depend on "
              "input {i}")
        for row, g in zip(rows, gs):
            row.append(g)
    if not y.requires_grad or y.size == 0:
        return tuple(Tensor._wrap(np.zeros(y.shape + x.shape, x.dtype)) for x in xs)
    return tuple(stack(row).reshape(y.shape + x.shape) for row, x in zip(rows, xs))


def _finish(ts: Any, create_graph: bool, is_tuple: bool) -> Any:
    """Detach the results unless create_graph; a single Tensor for a single argument."""
    ts = tuple(ts) if create_graph else tuple(t.detach() for t in ts)
    return ts if is_tuple else ts[0]


from ..functions import stack  # noqa: E402  (last: functions builds on Tensor)
