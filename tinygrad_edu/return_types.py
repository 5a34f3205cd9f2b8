"""The (values, indices) pair that PyTorch's ``max(dim)``, ``min(dim)`` return.

``_, pred = out.max(1)`` is PyTorch's habit: the pair unpacks as in PyTorch. Used as if it
were the values (NumPy's habit, ``t.max(1) + 1``), it raises an error that says what it is,
instead of acting as a tuple (``pair * 2`` repeating it, ``np.asarray(pair)`` stacking
values and indices) and giving a wrong number.
"""
from __future__ import annotations

from typing import Any


class ValuesIndices(tuple):
    """``(values, indices)`` of a reduction over one dim: ``.values`` and ``.indices``."""

    __slots__ = ()

    def __new__(cls, values: Any, indices: Any) -> "ValuesIndices":
        return super().__new__(cls, (values, indices))

    @property
    def values(self) -> Any:
        return self[0]

    @property
    def indices(self) -> Any:
        return self[1]

    def __repr__(self) -> str:
        return f"ValuesIndices(values={self[0]!r}, indices={self[1]!r})"

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(_MESSAGE)

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _refuse
    __neg__ = __lt__ = __le__ = __gt__ = __ge__ = __float__ = __int__ = _refuse
    __array__ = __array_ufunc__ = __array_function__ = _refuse

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"'ValuesIndices' object has no attribute {name!r}. {_MESSAGE}")


_MESSAGE = (
    "t.max(dim) and t.min(dim) return the pair (values, indices), as in PyTorch "
    "(`values, indices = t.max(1)`, or `t.max(1).values`); for the values alone use "
    "NumPy's keyword, t.max(axis=1)")
