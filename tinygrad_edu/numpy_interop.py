"""How NumPy's ufuncs and functions act on Tensors.

``np.exp(t)``, ``np.dot(x, W)``, ``np.sum(t, axis=0)``, ``ndarray + t``: the ones with a
differentiable op here run it and return a Tensor, so code written for NumPy arrays (as
in the classic lessons) keeps its gradients. Any other NumPy function gets the tensors'
data and returns what NumPy returns (an array, without gradient), as for an array.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .functions import concatenate, maximum, minimum, stack, where
from .ops.elementwise import Abs, Add, Cos, Div, Exp, Log, Mul, Neg, Pow, Sin, Sqrt, Sub, Tanh
from .ops.linalg import MatMul
from .tensor import Tensor, _data


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
    np.square: lambda x: Mul.apply(x, x),
}
for _ufunc in (np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
               np.sign, np.isnan, np.isinf, np.isfinite, np.logical_not):
    UFUNCS[_ufunc] = _non_differentiable(_ufunc)


def call_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """Run a NumPy ufunc on arguments that include Tensors (see the module docstring)."""
    if "out" in kwargs or method != "__call__":
        # An ndarray destination (w.data -= lr * w.grad) or a ufunc method (np.add.reduce):
        # array arithmetic on the data, no gradient.
        return getattr(ufunc, method)(*_to_data(inputs), **_to_data(kwargs))
    op = UFUNCS.get(ufunc)
    if op is None or kwargs:
        raise TypeError(
            f"np.{ufunc.__name__}{' with ' + ', '.join(kwargs) if kwargs else ''} has no "
            "differentiable op here: apply it to t.data for a constant result, or write a "
            "tg.Function for it")
    # A NumPy scalar acts as a Python number: np.float64(2) * t keeps t's dtype, as
    # t * np.float64(2) does (see tensor._operand).
    return op(*(x.item() if isinstance(x, np.generic) else x for x in inputs))


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _unsupported(name: str, **options: Any) -> None:
    """Refuse NumPy arguments our op cannot honour (any that is not None), naming them."""
    given = [k for k, v in options.items() if v is not None]
    if given:
        raise TypeError(f"np.{name} on a Tensor does not support {', '.join(given)}= "
                        f"(use the Tensor method, e.g. t.{name}(axis=..., keepdims=...))")


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


def _clip(a, a_min=None, a_max=None, out=None, min=None, max=None, **others):
    _unsupported("clip", out=out, **others)
    return _tensor(a).clip(a_min if a_min is not None else min, a_max if a_max is not None else max)


def _where(condition, x=None, y=None):
    if x is None and y is None:  # the one-argument form is np.nonzero: no gradient
        return np.where(_data(condition))
    return where(condition, x, y)


def _join(join: Callable[..., Tensor], name: str) -> Callable[..., Tensor]:
    def joined(arrays, axis=0, out=None, dtype=None, casting=None, **others):
        _unsupported(name, out=out, dtype=dtype, casting=casting, **others)
        return join(list(arrays), axis=axis)
    return joined


FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {
    np.dot: _dot, np.sum: _sum, np.mean: _mean, np.var: _var, np.std: _std,
    np.max: _max, np.amax: _max, np.min: _min, np.amin: _min,
    np.reshape: _reshape, np.ravel: _ravel, np.clip: _clip, np.where: _where,
    np.transpose: lambda a, axes=None: _tensor(a).transpose(axes),
    np.swapaxes: lambda a, axis1, axis2: _tensor(a).swapaxes(axis1, axis2),
    np.squeeze: lambda a, axis=None: _tensor(a).squeeze(axis),
    np.expand_dims: lambda a, axis: _tensor(a).expand_dims(axis),
    np.broadcast_to: lambda array, shape, subok=False: _tensor(array).broadcast_to(shape),
    np.concatenate: _join(concatenate, "concatenate"), np.stack: _join(stack, "stack"),
}


def call_function(func: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    """Run a NumPy function on arguments that include Tensors (see the module docstring)."""
    ours = FUNCTIONS.get(func)
    if ours is not None:
        return ours(*args, **kwargs)
    return func(*_to_data(args), **_to_data(kwargs))


def _to_data(value: Any) -> Any:
    """``value`` with every Tensor in it (also inside lists, tuples, dicts) replaced by its data."""
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, (list, tuple)):
        return type(value)(_to_data(v) for v in value)
    if isinstance(value, dict):
        return {k: _to_data(v) for k, v in value.items()}
    return value
