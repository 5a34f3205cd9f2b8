"""PyTorch's names for Tensor methods and ``tg.`` functions, in one place.

``import tinygrad_edu as torch`` runs PyTorch code: this module gives Tensor PyTorch's
methods (``x.view(2, -1)``, ``x.clamp(min=0)``, ``x.size(1)``, ``x.to(tg.float64)``) and
the package PyTorch's functions (``tg.sin(x)``, ``tg.cat``, ``tg.max(x, 1)``). Read it as
three tables, installed when the package is imported:

1. ``METHOD_ALIASES``: a PyTorch name -> the Tensor method that already does it.
2. ``METHODS``: PyTorch's methods whose arguments differ from ours, one small function
   each in ``pytorch_methods.py`` (its docstring names PyTorch's meaning), and functions
   that serve as methods.
3. ``FUNCTION_NAMES``: ``tg.f(x, ...)`` is ``x.f(...)`` for each name; ``FUNCTIONS``: those
   and the ``tg.`` functions whose signature differs (split, transpose, cat, clip).

Where NumPy and PyTorch disagree, NumPy's reading keeps NumPy's spelling and PyTorch's
gets PyTorch's, or it raises (README, "both habits"): ``tg.split(x, 2)`` is PyTorch's (pieces
of 2), ``tg.split(x, 2, axis=0)`` NumPy's (2 equal parts); ``x.var(dim=0)`` is PyTorch's
(n - 1), ``x.var(axis=0)`` NumPy's (n). Nothing here is on the per-op hot path: an alias is
the method itself, and the operators are untouched.
"""
from __future__ import annotations

import numbers
from typing import Any, Callable

import numpy as np

from . import functions, sampling
from ._tensor import Tensor, _as_tensor
from .pytorch_methods import (
    add, allclose, copy_into, bmm, chunk, clamp, clamp_max, clamp_min, contiguous, cpu,
    cuda, dim, div, dot, equal, expand, expand_as, floor_divide,
    gather, index_select, is_floating_point, isclose, masked_fill, mm, mv, narrow, new_empty,
    new_full, new_ones, new_tensor, new_zeros, numel, permute, reshape_as, rsqrt, split, sub,
    sum_to_size, t, to, tril, triu, type_, unbind, view, view_as, where, _cast, _device, _logical,
)


# --- the tables ---

METHOD_ALIASES = {
    # NumPy's names are the methods; PyTorch's are aliases (the same function)
    "asin": "arcsin", "acos": "arccos", "atan": "arctan", "atan2": "arctan2",
    "asinh": "arcsinh", "acosh": "arccosh", "atanh": "arctanh",
    "absolute": "abs", "fix": "trunc", "swapdims": "swapaxes", "ndimension": "dim",
    "nelement": "numel", "divide": "div", "subtract": "sub",
    "copy": "clone",  # NumPy's a.copy(), e.g. in a Function body written for arrays
    # the operators under their PyTorch names
    "mul": "__mul__", "multiply": "__mul__", "true_divide": "__truediv__",
    "neg": "__neg__", "negative": "__neg__",
    "eq": "__eq__", "ne": "__ne__", "lt": "__lt__", "le": "__le__", "gt": "__gt__",
    "ge": "__ge__", "not_equal": "__ne__", "less": "__lt__", "less_equal": "__le__",
    "greater": "__gt__", "greater_equal": "__ge__",
}

METHODS: dict[str, Callable] = {
    # shapes
    "view": view, "view_as": view_as, "reshape_as": reshape_as, "expand": expand,
    "expand_as": expand_as, "permute": permute, "t": t, "narrow": narrow,
    "split": split, "chunk": chunk, "unbind": unbind, "sum_to_size": sum_to_size,
    "dim": dim, "numel": numel, "contiguous": contiguous,
    # dtypes and devices
    "type": type_, "to": to, "cpu": cpu, "cuda": cuda, "is_floating_point": is_floating_point,
    "double": _cast("double", np.float64), "float": _cast("float", np.float32),
    "half": _cast("half", np.float16), "long": _cast("long", np.int64),
    "int": _cast("int", np.int32), "short": _cast("short", np.int16),
    "bool": _cast("bool", np.bool_),
    # arithmetic and products
    "add": add, "sub": sub, "div": div, "floor_divide": floor_divide, "rsqrt": rsqrt,
    "clamp": clamp, "clamp_min": clamp_min, "clamp_max": clamp_max,
    "mm": mm, "bmm": bmm, "mv": mv, "dot": dot, "outer": functions.outer,
    "maximum": functions.maximum, "minimum": functions.minimum,
    # selecting and comparing
    "masked_fill": masked_fill, "gather": gather, "index_select": index_select,
    "where": where, "allclose": allclose, "isclose": isclose, "equal": equal,
    "all": _logical("all", np.all), "any": _logical("any", np.any),
    # new tensors with this one's dtype
    "new_zeros": new_zeros, "new_ones": new_ones, "new_empty": new_empty,
    "new_full": new_full, "new_tensor": new_tensor,
    # sampling, triangles
    "multinomial": sampling.multinomial, "bernoulli": sampling.bernoulli,
    "tril": tril, "triu": triu,
}

PROPERTIES = {
    "device": property(_device, doc=_device.__doc__),
    "is_cuda": property(lambda x: False, doc="PyTorch's ``is_cuda``: always False."),
    "is_cpu": property(lambda x: True, doc="PyTorch's ``is_cpu``: always True."),
}

for _name, _method in METHODS.items():
    setattr(Tensor, _name, _method)
for _name, _target in METHOD_ALIASES.items():
    setattr(Tensor, _name, getattr(Tensor, _target))
for _name, _property in PROPERTIES.items():
    setattr(Tensor, _name, _property)


# --- tg. functions: tg.f(x, ...) is x.f(...) ---

FUNCTION_NAMES = (
    # element-wise math
    "abs", "absolute", "neg", "negative", "exp", "exp2", "expm1", "log", "log1p", "log2",
    "log10", "sqrt", "rsqrt", "square", "reciprocal", "sin", "cos", "tan", "sinh", "cosh",
    "tanh", "asin", "acos", "atan", "asinh", "acosh", "atanh", "arcsin", "arccos", "arctan",
    "arcsinh", "arccosh", "arctanh", "atan2", "arctan2", "hypot", "logaddexp", "sigmoid",
    "relu", "sign", "floor", "ceil", "round", "trunc", "fix",
    # arithmetic
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide",
    "floor_divide", "pow", "clamp", "clamp_min", "clamp_max",
    # comparisons
    "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
    "not_equal", "allclose", "isclose", "equal",
    # reductions
    "sum", "mean", "std", "var", "max", "min", "amax", "amin", "argmax", "argmin", "all",
    "any", "median", "softmax", "log_softmax",
    # shapes and selecting
    "reshape", "flatten", "squeeze", "unsqueeze", "permute", "t", "narrow", "chunk",
    "broadcast_to", "swapaxes", "swapdims", "masked_fill", "gather", "index_select",
    # products and the rest
    "matmul", "mm", "bmm", "mv", "dot", "clone", "detach",
)  # (tg.numel, tg.is_tensor, tg.is_floating_point: predicates.py)

# tg.add(2.0, x) is 2.0 + x: the number keeps x's dtype, as a Python scalar in an operator.
_REFLECTED = {"add": "__radd__", "sub": "__rsub__", "subtract": "__rsub__",
              "mul": "__rmul__", "multiply": "__rmul__", "div": "__rtruediv__",
              "divide": "__rtruediv__", "true_divide": "__rtruediv__", "pow": "__rpow__"}


def _function(name: str) -> Callable:
    reflected = _REFLECTED.get(name)

    def function(input: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: A002 (torch's name)
        if kwargs.get("out") is not None:
            out = kwargs.pop("out")
            return copy_into(out, function(input, *args, **kwargs), name)
        kwargs.pop("out", None)
        if not isinstance(input, Tensor):
            if reflected and len(args) == 1 and not kwargs and isinstance(args[0], Tensor):
                return getattr(args[0], reflected)(input)
            if isinstance(input, np.ndarray) and not any(isinstance(a, Tensor) for a in args):
                # An array in, an array out (as np.<f>): inside a Function's forward and
                # first-order backward, where PyTorch's tensors are NumPy arrays here.
                out = getattr(_as_tensor(input), name)(*args, **kwargs)
                return out.data if isinstance(out, Tensor) else out
            input = _as_tensor(input)
        return getattr(input, name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"``tg.{name}(input, ...)`` is ``input.{name}(...)`` (PyTorch's "
                        f"``torch.{name}``).\n\n{getattr(Tensor, name).__doc__ or ''}")
    return function


def transpose(input: Any, *dims: Any) -> Tensor:  # noqa: A002 (torch's name)
    """PyTorch's ``torch.transpose(x, dim0, dim1)``: the two dims swapped (on a matrix too:
    in this function form two ints are never NumPy's permutation). ``tg.transpose(x)`` and
    ``tg.transpose(x, axes)`` (a tuple) are NumPy's, as ``x.transpose(...)``."""
    x = _as_tensor(input)
    if len(dims) == 2 and all(isinstance(d, numbers.Integral) for d in dims):
        return x.swapaxes(*dims)
    return x.transpose(*dims)


FUNCTIONS: dict[str, Callable] = {
    **{name: _function(name) for name in FUNCTION_NAMES},
    "split": split, "transpose": transpose,
    "clip": _function("clamp"),  # torch.clip is clamp (tensor bounds get their gradient)
    "cat": functions.concatenate, "concat": functions.concatenate,
    "multinomial": sampling.multinomial, "bernoulli": sampling.bernoulli,
    "tril": tril, "triu": triu,
}
FUNCTIONS["clip"].__name__ = FUNCTIONS["clip"].__qualname__ = "clip"
FUNCTIONS["clip"].__doc__ = "``tg.clip`` is ``tg.clamp`` (as ``torch.clip``).\n\n" + clamp.__doc__

# What ``from tinygrad_edu import *`` gives: all but those that would shadow Python's builtins
# (tg.max, tg.sum... are still there).
EXPORTED = sorted(set(FUNCTIONS) - {"abs", "all", "any", "max", "min", "pow", "round", "sum"})
