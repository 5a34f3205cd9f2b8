"""How NumPy's ufuncs and functions act on Tensors.

``np.exp(t)``, ``np.dot(x, W)``, ``np.sum(t, axis=0)``, ``ndarray + t``: the ones with a
differentiable op here run it and return a Tensor, so code written for NumPy arrays (as
in the classic lessons) keeps its gradients. Any other NumPy function is computed on the
tensors' data; given a Tensor that requires grad (in grad mode) it raises TypeError rather
than return a float result without gradient: never a silent cut in the graph.
"""
from __future__ import annotations

import operator
from typing import Any, Callable

import numpy as np

from .autograd import engine
from .functions import concatenate, maximum, minimum, stack, where
from .numpy_functions import NUMPY_FUNCTIONS, _refuse
from .ops.elementwise import Abs, Add, Cos, Div, Exp, Log, Mul, Neg, Pow, Sin, Sqrt, Sub, Tanh
from .ops.linalg import MatMul
from .ops import math as math_ops
from ._tensor import Tensor, _as_tensor as _tensor, _data


def _non_differentiable(ufunc: np.ufunc) -> Callable[..., Tensor]:
    """``ufunc`` computed on the data: its result (bool, sign) carries no gradient."""
    return lambda *xs: Tensor._wrap(np.asarray(ufunc(*(_data(x) for x in xs))))


UFUNCS: dict[np.ufunc, Callable[..., Any]] = {
    np.add: Add.apply, np.subtract: Sub.apply, np.multiply: Mul.apply,
    np.true_divide: Div.apply, np.power: Pow.apply, np.matmul: MatMul.apply,
    np.negative: Neg.apply, np.positive: lambda x: x,
    np.exp: Exp.apply, np.log: Log.apply, np.sqrt: Sqrt.apply, np.absolute: Abs.apply,
    np.sin: Sin.apply, np.cos: Cos.apply, np.tanh: Tanh.apply,
    np.maximum: maximum, np.minimum: minimum,
}


def _float_power(x0: Any, x1: Any) -> Tensor:
    """np.float_power: x0 ** x1 computed in float64, as NumPy does (float32 in gives float64
    out); the gradient flows back to each input cast to its own dtype."""
    def as_float64(x: Any) -> Any:
        if isinstance(x, Tensor):
            return x if x.dtype == np.float64 else x.astype(np.float64)
        return np.asarray(x, dtype=np.float64) if isinstance(x, np.ndarray) else float(x)
    return Pow.apply(as_float64(x0), as_float64(x1))


# ops/math.py: one op per ufunc (the rounding ones with gradient 0, as PyTorch).
UFUNCS.update({
    np.square: math_ops.Square.apply, np.reciprocal: math_ops.Reciprocal.apply,
    np.cbrt: math_ops.Cbrt.apply, np.fabs: Abs.apply, np.float_power: _float_power,
    np.exp2: math_ops.Exp2.apply, np.expm1: math_ops.Expm1.apply,
    np.log1p: math_ops.Log1p.apply, np.log2: math_ops.Log2.apply,
    np.log10: math_ops.Log10.apply, np.logaddexp: math_ops.LogAddExp.apply,
    np.tan: math_ops.Tan.apply, np.arcsin: math_ops.Arcsin.apply,
    np.arccos: math_ops.Arccos.apply, np.arctan: math_ops.Arctan.apply,
    np.arctan2: math_ops.Arctan2.apply, np.hypot: math_ops.Hypot.apply,
    np.sinh: math_ops.Sinh.apply, np.cosh: math_ops.Cosh.apply,
    np.arcsinh: math_ops.Arcsinh.apply, np.arccosh: math_ops.Arccosh.apply,
    np.arctanh: math_ops.Arctanh.apply,
    np.sign: math_ops.Sign.apply, np.floor: math_ops.Floor.apply, np.ceil: math_ops.Ceil.apply,
    np.trunc: math_ops.Trunc.apply, np.rint: lambda x: math_ops.Round.apply(x, 0),
})
for _ufunc in (np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
               np.isnan, np.isinf, np.isfinite, np.logical_not):
    UFUNCS[_ufunc] = _non_differentiable(_ufunc)


def call_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """Run a NumPy ufunc on arguments that include Tensors (see the module docstring)."""
    op = UFUNCS.get(ufunc) if method == "__call__" and not kwargs else None
    if op is not None:
        # A NumPy scalar acts as a Python number: np.float64(2) * t keeps t's dtype, as
        # t * np.float64(2) does (see tensor._operand).
        return op(*(x.item() if isinstance(x, np.generic) else x for x in inputs))
    # An ndarray destination (w.data -= lr * w.grad), a ufunc method (np.add.reduce), an
    # option (where=, dtype=) or a ufunc without a differentiable op: computed on the data.
    name = f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
    if kwargs:
        name += " with " + ", ".join(f"{k}=" for k in kwargs)
    if method == "at" and engine._mode.enabled and _requires_grad(inputs[0]):
        raise TypeError(IN_PLACE_MESSAGE.format(name=name))  # NumPy's at() ignores read-only
    result = _without_graph(name, getattr(ufunc, method), inputs, kwargs)
    if method != "__call__" or "out" in kwargs:
        return result
    return tuple(map(_wrap, result)) if isinstance(result, tuple) else _wrap(result)


def _wrap(result: Any) -> Any:
    if isinstance(result, (np.ndarray, np.generic)):
        return Tensor._wrap(np.asarray(result))
    return result


def _unsupported(name: str, **options: Any) -> None:
    """Refuse NumPy arguments our op cannot honour (any that is not None), naming them."""
    _refuse(name, f"use the Tensor method, e.g. t.{name}(axis=..., keepdims=...)", **options)


def _dot(a: Any, b: Any, out: Any = None) -> Tensor:
    _unsupported("dot", out=out)
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return Mul.apply(_tensor(a), _tensor(b))
    if np.ndim(a) > 2 or np.ndim(b) > 2:
        raise TypeError("np.dot of a Tensor with more than 2 dimensions is not supported: "
                        "use @ (np.matmul), whose rules for stacks of matrices differ")
    return MatMul.apply(_tensor(a), _tensor(b))


def _sum(a, axis=None, dtype=None, out=None, keepdims=False, **others):
    _unsupported("sum", dtype=dtype, out=out, **others)
    return _tensor(a).sum(axis=axis, keepdims=keepdims)


def _mean(a, axis=None, dtype=None, out=None, keepdims=False, **others):
    _unsupported("mean", dtype=dtype, out=out, **others)
    return _tensor(a).mean(axis=axis, keepdims=keepdims)


def _var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **others):
    _unsupported("var", dtype=dtype, out=out, **others)
    return _tensor(a).var(axis=axis, keepdims=keepdims, ddof=ddof)


def _std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **others):
    _unsupported("std", dtype=dtype, out=out, **others)
    return _tensor(a).std(axis=axis, keepdims=keepdims, ddof=ddof)


def _max(a, axis=None, out=None, keepdims=False, **others):
    _unsupported("max", out=out, **others)
    return _tensor(a).max(axis=axis, keepdims=keepdims)


def _min(a, axis=None, out=None, keepdims=False, **others):
    _unsupported("min", out=out, **others)
    return _tensor(a).min(axis=axis, keepdims=keepdims)


def _reshape(a, shape=None, order="C", newshape=None, copy=None):
    if order != "C":
        raise TypeError(f"np.reshape on a Tensor supports order='C' only, got {order!r}")
    return _tensor(a).reshape(shape if shape is not None else newshape)


def _ravel(a, order="C"):
    if order != "C":
        raise TypeError(f"np.ravel on a Tensor supports order='C' only, got {order!r}")
    return _tensor(a).flatten()


def _clip(a, a_min=np._NoValue, a_max=np._NoValue, out=None, *, min=np._NoValue,
          max=np._NoValue, **others):
    _unsupported("clip", out=out, **others)
    if (a_min is np._NoValue) != (a_max is np._NoValue):  # NumPy's rule: both, or neither
        raise TypeError("np.clip(a, a_min, a_max) needs both bounds (None for no bound), "
                        "or the keywords min= / max=")
    lo, hi = (min, max) if a_min is np._NoValue else (a_min, a_max)
    return _tensor(a).clip(None if lo is np._NoValue else lo, None if hi is np._NoValue else hi)


def _where(condition, x=None, y=None):
    if x is None and y is None:  # the one-argument form is np.nonzero: no gradient
        return np.where(_data(condition))
    return where(condition, x, y)


def _round(a, decimals=0, out=None):
    _unsupported("round", out=out)
    return math_ops.Round.apply(_tensor(a), operator.index(decimals))  # 2.0 refused, as NumPy


def _join(join: Callable[..., Tensor], name: str) -> Callable[..., Tensor]:
    def joined(arrays, axis=0, out=None, dtype=None, casting=None, **others):
        _unsupported(name, out=out, dtype=dtype, casting=casting, **others)
        return join(list(arrays), axis=axis)
    return joined


FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {
    np.dot: _dot, np.sum: _sum, np.mean: _mean, np.var: _var, np.std: _std,
    np.max: _max, np.amax: _max, np.min: _min, np.amin: _min,
    np.reshape: _reshape, np.ravel: _ravel, np.clip: _clip, np.where: _where,
    np.round: _round, np.around: _round,
    np.transpose: lambda a, axes=None: _tensor(a).transpose(axes),
    np.swapaxes: lambda a, axis1, axis2: _tensor(a).swapaxes(axis1, axis2),
    np.squeeze: lambda a, axis=None: _tensor(a).squeeze(axis),
    np.expand_dims: lambda a, axis: _tensor(a).expand_dims(axis),
    np.broadcast_to: lambda array, shape, subok=False: _tensor(array).broadcast_to(shape),
    np.concatenate: _join(concatenate, "concatenate"), np.stack: _join(stack, "stack"),
    **NUMPY_FUNCTIONS,  # roll, pad, cumsum, prod, einsum, linalg.norm...: numpy_functions.py
}


def call_function(func: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    """Run a NumPy function on arguments that include Tensors (see the module docstring)."""
    ours = FUNCTIONS.get(func)
    if ours is not None:
        return ours(*args, **kwargs)
    return _without_graph(f"np.{_qualified_name(func)}", func, args, kwargs)


GRAPH_CUT_MESSAGE = (
    "{name} has no differentiable op here: on a Tensor that requires grad its result would "
    "silently carry no gradient (a cut in the graph). Use the Tensor ops (t.sum(), t @ w, "
    "tg.where, ...: see the README's list), call it on t.detach() (or t.data) if you want a "
    "constant, or write a tg.Function for it.")

IN_PLACE_MESSAGE = (
    "{name} would change a Tensor that requires grad in place, which the graph cannot "
    "record: build a new tensor with Tensor ops instead (or change t.data under "
    "tg.no_grad() if no gradient should see it)")


def _without_graph(name: str, func: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    """``func`` run on the tensors' data, for a NumPy function with no differentiable op.

    Outside grad mode, or when no tensor in the arguments requires grad, that is what the
    user asked for. Otherwise a float result would be a silent cut in the graph, and an
    in-place change of a tensor's data one the graph cannot see: both raise TypeError.
    Results without floats (shapes, indices, bools: np.argmax, np.allclose) carry no
    gradient anyway and are returned.
    """
    if not (engine._mode.enabled and _requires_grad((args, kwargs))):
        return func(*_to_data(args), **_to_data(kwargs))
    try:
        result = func(*_to_data(args, True), **_to_data(kwargs, True))
    except ValueError as error:
        if "read-only" not in str(error):
            raise
        raise TypeError(IN_PLACE_MESSAGE.format(name=name)) from None
    if _has_floats(result):
        raise TypeError(GRAPH_CUT_MESSAGE.format(name=name))
    return result


def _qualified_name(func: Callable[..., Any]) -> str:
    module = getattr(func, "__module__", "") or ""
    sub = module.removeprefix("numpy").strip(".").split(".")[0]
    sub = "" if sub in ("", "core", "_core", "lib") or sub.startswith("_") else sub + "."
    return sub + getattr(func, "__name__", repr(func))


def _requires_grad(value: Any) -> bool:
    if isinstance(value, Tensor):
        return value._requires_grad
    if isinstance(value, (list, tuple)):
        return any(_requires_grad(v) for v in value)
    if isinstance(value, dict):
        return any(_requires_grad(v) for v in value.values())
    return False


def _has_floats(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "fc"
    if isinstance(value, (float, complex, np.inexact)):
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_floats(v) for v in value)
    return False


def _to_data(value: Any, read_only: bool = False) -> Any:
    """``value`` with every Tensor in it (also inside lists, tuples, dicts) replaced by its
    data; with ``read_only``, by a view of it that cannot be written to."""
    if isinstance(value, Tensor):
        if not read_only:
            return value.data
        view = np.asarray(value.data).view()
        view.flags.writeable = False
        return view
    if isinstance(value, (list, tuple)):
        return type(value)(_to_data(v, read_only) for v in value)
    if isinstance(value, dict):
        return {k: _to_data(v, read_only) for k, v in value.items()}
    return value
