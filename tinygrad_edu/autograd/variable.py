"""``Variable``, the wrapper of PyTorch before 0.4, as PyTorch keeps it today: a
Tensor is a Variable, and ``Variable(t, requires_grad=True)`` makes a new leaf on t's
data.

    x = Variable(tg.randn(3), requires_grad=True)     # old code runs unchanged
"""
from __future__ import annotations

import warnings
from typing import Any

from .._tensor import Tensor


class _VariableMeta(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(data, requires_grad=False)`` → a new leaf Tensor sharing ``data``'s array.

    As in PyTorch: the result is outside ``data``'s graph (no gradient flows back to
    ``data``), ``isinstance(t, Variable)`` is True for every Tensor, and ``volatile=``
    only warns (write ``with tg.no_grad():`` instead).

    Raises:
        TypeError: ``data`` is not a Tensor (PyTorch's rule; use ``tg.tensor(data)``),
            or ``requires_grad=True`` on integer data.
    """

    def __new__(cls, data: Any, requires_grad: bool = False, volatile: Any = None) -> Tensor:
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a Tensor, got {type(data).__name__}; "
                            "wrap it first: Variable(tg.tensor(data)), or just use "
                            "tg.tensor(data, requires_grad=...)")
        if volatile is not None:
            warnings.warn("volatile was removed from PyTorch and has no effect; use "
                          "`with tg.no_grad():` instead", UserWarning, stacklevel=2)
        leaf = Tensor._wrap(data.data)
        leaf.requires_grad = requires_grad
        return leaf
