"""The (values, indices) pair that PyTorch's ``max(dim)``, ``min(dim)``, ``sort``, ``topk``
and ``median(dim)`` return.

``_, pred = out.max(1)`` is PyTorch's habit: the pair unpacks as in PyTorch. Used as if it
were the values (NumPy's habit, ``t.max(1) + 1``), it raises an error that says what it is,
instead of acting as a tuple (``pair * 2`` repeating it, ``np.asarray(pair)`` stacking
values and indices) and giving a wrong number.
"""
from __future__ import annotations

import warnings
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
        raise TypeError(self._message)

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _refuse
    __neg__ = __lt__ = __le__ = __gt__ = __ge__ = __float__ = __int__ = _refuse
    __array__ = __array_ufunc__ = __array_function__ = _refuse

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"'ValuesIndices' object has no attribute {name!r}. "
                             f"{self._message}")


_MESSAGE = (
    "t.max(dim) and t.min(dim) return the pair (values, indices), as in PyTorch "
    "(`values, indices = t.max(1)`, or `t.max(1).values`); for the values alone use "
    "NumPy's keyword, t.max(axis=1)")
ValuesIndices._message = _MESSAGE  # what the pair of max(dim) / min(dim) says when misused


class SortValuesIndices(ValuesIndices):
    """``(values, indices)`` of ``t.sort()`` and ``tg.sort``, as PyTorch's ``sort``.

    NumPy's ``a.sort()`` sorts ``a`` in place and returns None, so a NumPy habit writes
    ``t.sort()`` as a statement and goes on using ``t``, which is unchanged: a pair that
    is dropped without ever being read (unpacked, indexed, ``.values``, printed) warns,
    naming both ways to write it.
    """

    # No __slots__: the instance remembers in its __dict__ whether it was read.
    _message = (
        "t.sort() returns the pair (values, indices), as PyTorch's sort (`values, indices = "
        "t.sort(dim=1)`, or `t.sort(1).values`), and leaves t unchanged; for the sorted "
        "values alone use NumPy's np.sort(t, axis=1)")

    def __iter__(self) -> Any:
        self.__dict__["read"] = True
        return super().__iter__()

    def __getitem__(self, index: Any) -> Any:
        self.__dict__["read"] = True
        return super().__getitem__(index)

    def __del__(self) -> None:
        if not self.__dict__.get("read"):
            warnings.warn(_UNREAD_SORT, UserWarning, stacklevel=2)


_UNREAD_SORT = (
    "t.sort() returned (values, indices) and nothing read them: t itself is unchanged. "
    "Tensor.sort is PyTorch's, which returns a sorted copy; NumPy's in-place ndarray.sort "
    "cannot be recorded in the graph. Write `t = np.sort(t)` (NumPy's habit) or "
    "`values, indices = t.sort()` (PyTorch's)")


class TopKValuesIndices(ValuesIndices):
    """``(values, indices)`` of ``t.topk(k)`` and ``tg.topk``, as PyTorch's ``topk``."""

    __slots__ = ()
    _message = ("t.topk(k) returns the pair (values, indices), as in PyTorch (`values, "
                "indices = t.topk(3)`, or `t.topk(3).values`)")


class MedianValuesIndices(ValuesIndices):
    """``(values, indices)`` of ``t.median(dim)``: PyTorch's lower median."""

    __slots__ = ()
    _message = ("t.median(dim) returns the pair (values, indices) of the lower median, as in "
                "PyTorch (`values, indices = t.median(1)`, or `t.median(1).values`); NumPy's "
                "median (the average of the two middle values for an even count) is "
                "np.median(t, axis=1)")
