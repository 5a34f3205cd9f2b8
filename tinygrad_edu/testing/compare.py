"""assert_close: are two results equal up to rounding? PyTorch's rule and default tolerances.

Two values are close where |actual - expected| <= atol + rtol * |expected|; inf only
equals itself and NaN nothing (unless ``equal_nan``). Without ``rtol``/``atol`` the
tolerances follow the dtype, as in ``torch.testing.assert_close``: a few units of the
last place that dtype keeps.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

import numpy as np

from .. import checks
from .._tensor import Tensor

# (rtol, atol) per dtype: torch.testing.assert_close's defaults (PyTorch 2.x).
_FLOAT_TOLERANCES = {
    np.dtype(np.float16): (1e-3, 1e-5),
    np.dtype(np.float32): (1.3e-6, 1e-5),
    np.dtype(np.float64): (1e-7, 1e-7),
}
# Python numbers count as these dtypes (as in PyTorch: a float is a float64).
_NUMBER_DTYPES = {bool: np.dtype(np.bool_), int: np.dtype(np.int64),
                  float: np.dtype(np.float64), complex: np.dtype(np.complex128)}


def default_tolerances(*dtypes: Any) -> tuple[float, float]:
    """PyTorch's default ``(rtol, atol)`` for comparing values of these dtypes.

    float16: (1e-3, 1e-5); float32 and complex64: (1.3e-6, 1e-5); float64 and
    complex128: (1e-7, 1e-7); integers and bools: (0, 0), an exact comparison. For
    several dtypes, the largest of each.
    """
    rtols, atols = [0.0], [0.0]
    for dtype in dtypes:
        dtype = np.dtype(dtype)
        if dtype.kind == "c":
            dtype = np.dtype(f"f{dtype.itemsize // 2}")
        if dtype.kind == "f":
            rtol, atol = _FLOAT_TOLERANCES.get(dtype, _FLOAT_TOLERANCES[np.dtype(np.float64)])
            rtols.append(rtol)
            atols.append(atol)
    return max(rtols), max(atols)


def assert_close(actual: Any, expected: Any, rtol: float | None = None,
                 atol: float | None = None, *, equal_nan: bool = False, check_dtype: bool = True,
                 msg: str | Callable[[str], str] | None = None, **torch_only: Any) -> None:
    """Assert that ``actual`` and ``expected`` are close, as ``torch.testing.assert_close``.

    Close means same shape, same dtype (if ``check_dtype``) and, element by element,
    ``|actual - expected| <= atol + rtol * |expected|`` (``expected`` is the reference:
    the rule is not symmetric). Tensors, NumPy arrays and Python or NumPy numbers are
    compared (a Tensor with an array too, and with a NumPy scalar, which has a dtype; a
    Python number only with a number); lists, tuples and dicts of them are compared item
    by item (a state_dict, a list of gradients).

    Args:
        actual: what was computed.
        expected: the reference.
        rtol, atol: the tolerances; give both or neither. Neither: PyTorch's defaults for
            the dtypes (``default_tolerances``): float64 (1e-7, 1e-7), float32
            (1.3e-6, 1e-5), float16 (1e-3, 1e-5), integers and bools exact.
        equal_nan: NaN equals NaN (default False: a NaN is a mismatch).
        check_dtype: require the same dtype (default True); if False, both are
            compared at the wider dtype, with the larger default tolerances.
        msg: replaces the message; a function receives the message and returns another.
        **torch_only: PyTorch's ``check_device``, ``check_stride``, ``check_layout`` and
            ``allow_subclasses`` are accepted and change nothing (one device, no strides).

    Raises:
        AssertionError: they are not close. The message counts the mismatched elements,
            gives the greatest absolute and relative differences with their index (as
            PyTorch's does) and names the worst element: its index, both values, both
            errors and the allowed error.
        TypeError: values that cannot be compared (a number with a Tensor, a list with an
            array, strings), or an unknown keyword.
        ValueError: only one of ``rtol``/``atol`` given, or one negative or not finite.

    Example:
        >>> assert_close(tg.Tensor([1.0, 2.0]) * 3, np.array([3.0, 6.0], dtype=np.float32))
    """
    unknown = set(torch_only) - {"check_device", "check_stride", "check_layout",
                                 "allow_subclasses"}
    if unknown:
        raise TypeError(f"assert_close got unexpected keyword argument(s) {sorted(unknown)}")
    if (rtol is None) != (atol is None):
        missing = "atol" if atol is None else "rtol"
        raise ValueError(f"assert_close: give both rtol and atol or neither (PyTorch's rule: "
                         f"one alone is easy to misread), got no {missing}")
    if rtol is not None:
        rtol = checks.real(rtol, "assert_close: rtol", low=0)
        atol = checks.real(atol, "assert_close: atol", low=0)
    checks.flag(equal_nan, "assert_close: equal_nan")
    checks.flag(check_dtype, "assert_close: check_dtype")
    problem = _compare(actual, expected, rtol, atol, equal_nan, check_dtype, path="")
    if problem is None:
        return
    if callable(msg):
        problem = msg(problem)
    elif msg is not None:
        problem = str(msg)
    raise AssertionError(problem)


# --- structure: nested sequences and mappings ---

def _compare(actual, expected, rtol, atol, equal_nan, check_dtype, path) -> str | None:
    """The mismatch message, or None when they are close."""
    where = f"\n\nThe failure occurred for item {path}" if path else ""
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        if missing or extra:
            return ("The keys of the mappings do not match:\n"
                    + (f"Missing keys in the actual mapping: {missing}\n" if missing else "")
                    + (f"Additional keys in the actual mapping: {extra}" if extra else "")
                    ).rstrip() + where
        for key in expected:
            problem = _compare(actual[key], expected[key], rtol, atol, equal_nan, check_dtype,
                               f"{path}[{key!r}]")
            if problem is not None:
                return problem
        return None
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            return f"The length of the sequences mismatch: {len(actual)} != {len(expected)}{where}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            problem = _compare(a, e, rtol, atol, equal_nan, check_dtype, f"{path}[{i}]")
            if problem is not None:
                return problem
        return None
    problem = _compare_values(actual, expected, rtol, atol, equal_nan, check_dtype)
    return None if problem is None else problem + where


def _is_sequence(value: Any) -> bool:
    return isinstance(value, (list, tuple))


def _kind(value: Any) -> str:
    """'array' (a Tensor or ndarray), 'number', or what else it is."""
    if isinstance(value, (Tensor, np.ndarray)):
        return "array"
    if isinstance(value, (bool, int, float, complex, np.bool_, np.number)):
        return "number"
    return type(value).__name__


def _as_number(value: Any) -> bool | int | float | complex:
    return value.item() if isinstance(value, np.generic) else value


def _type_error(actual: Any, expected: Any) -> TypeError:
    kinds = {_kind(actual), _kind(expected)}
    if kinds == {"array", "number"}:
        hint = ("a number has no dtype to take the tolerances from: compare with an array "
                "of the dtype meant (np.asarray(2.0, dtype=np.float32)), or compare "
                "t.item() with the number")
    elif kinds & {"list", "tuple"}:
        hint = "convert the list with np.asarray(...) to compare it with an array"
    else:
        hint = "compare Tensors, NumPy arrays or numbers (or lists and dicts of them)"
    return TypeError(f"assert_close cannot compare a {type(actual).__name__} with a "
                     f"{type(expected).__name__}: {hint}")


# --- values ---

def _compare_values(actual, expected, rtol, atol, equal_nan, check_dtype) -> str | None:
    kinds = (_kind(actual), _kind(expected))
    if "array" in kinds:  # a NumPy scalar (np.exp of a 0-d array gives one) has a dtype
        actual, expected = (np.asarray(x) if isinstance(x, np.generic) else x
                            for x in (actual, expected))
        kinds = (_kind(actual), _kind(expected))
    if kinds == ("number", "number"):
        actual, expected = _as_number(actual), _as_number(expected)
        if check_dtype and type(actual) is not type(expected):
            return (f"The (d)types do not match: {type(actual).__name__} != "
                    f"{type(expected).__name__}.")
        dtypes = (_NUMBER_DTYPES[type(actual)], _NUMBER_DTYPES[type(expected)])
        a, e = np.asarray(actual), np.asarray(expected)
    elif kinds == ("array", "array"):
        a = np.asarray(actual.data if isinstance(actual, Tensor) else actual)
        e = np.asarray(expected.data if isinstance(expected, Tensor) else expected)
        if a.shape != e.shape:
            return f"The values for attribute 'shape' do not match: {a.shape} != {e.shape}."
        for x in (a, e):
            if x.dtype.kind not in "biufc":
                raise TypeError(f"assert_close compares numbers, got an array of dtype {x.dtype}")
        if check_dtype and a.dtype != e.dtype:
            return (f"The values for attribute 'dtype' do not match: {a.dtype} != {e.dtype}. "
                    "Pass check_dtype=False to compare the values at the wider dtype.")
        dtypes = (a.dtype, e.dtype)
    else:
        raise _type_error(actual, expected)
    if rtol is None:
        rtol, atol = default_tolerances(*dtypes)
    common = np.result_type(*dtypes)
    if common.kind in "biu":  # exact; differences in int64 (no uint8 wrap-around)
        common = np.dtype(np.float64) if common.kind == "u" and common.itemsize == 8 else \
            np.dtype(np.int64)
    a, e = a.astype(common), e.astype(common)
    close = np.asarray(np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan))
    if close.all():
        return None
    return _mismatch_message(a, e, close, rtol, atol)


def _mismatch_message(a: np.ndarray, e: np.ndarray, close: np.ndarray, rtol: float,
                      atol: float) -> str:
    equality = rtol == 0 and atol == 0
    verb = "equal" if equality else "close"
    allowed = "" if equality else " (up to {} allowed)"
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        abs_diff = np.asarray(np.abs(a - e))  # 0-d stays an array (not a NumPy scalar)
        rel_diff = np.asarray(abs_diff / np.abs(e))
    abs_diff[close] = 0
    rel_diff[close] = 0
    if a.ndim == 0:
        return (f"Scalars are not {verb}!\n\nExpected {e.item()} but got {a.item()}.\n"
                f"Absolute difference: {abs_diff.item()}{allowed.format(atol)}\n"
                f"Relative difference: {rel_diff.item()}{allowed.format(rtol)}")
    n_bad, n = int((~close).sum()), close.size
    abs_at, rel_at = _argmax(abs_diff), _argmax(rel_diff)
    lines = [
        f"Tensor-likes are not {verb}!", "",
        f"Mismatched elements: {n_bad} / {n} ({n_bad / n:.1%})",
        f"Greatest absolute difference: {abs_diff[abs_at].item()} at index {abs_at}"
        + allowed.format(atol),
        f"Greatest relative difference: {rel_diff[rel_at].item()} at index {rel_at}"
        + allowed.format(rtol),
    ]
    worst = _worst(abs_diff, e, close, rtol, atol)
    bound = atol + rtol * abs(e[worst].item())
    lines.append(
        f"Worst element: index {worst}: actual {a[worst].item()}, expected {e[worst].item()}; "
        f"absolute error {abs_diff[worst].item():.3g}, relative error "
        f"{rel_diff[worst].item():.3g}"
        + ("" if equality else
           f", allowed {bound:.3g} (atol {atol:g} + rtol {rtol:g} * |expected|)") + ".")
    return "\n".join(lines)


def _argmax(values: np.ndarray) -> tuple:
    """Index of the largest value (the first NaN, as torch.max, if there is one)."""
    return tuple(int(i) for i in np.unravel_index(np.argmax(values), values.shape))


def _worst(abs_diff, e, close, rtol, atol) -> tuple:
    """The mismatch furthest outside its allowed error (a NaN or inf first), relative to
    that allowed error; ties (exact comparisons) by the absolute difference."""
    allowed = atol + rtol * np.abs(e)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(allowed > 0, abs_diff / np.where(allowed > 0, allowed, 1), np.inf)
    ratio = np.where(np.isnan(abs_diff) | np.isnan(ratio), np.inf, ratio)
    ratio[close] = -1.0
    size = np.nan_to_num(abs_diff, nan=np.inf)
    flat = np.lexsort((size.ravel(), ratio.ravel()))[-1]
    return tuple(int(i) for i in np.unravel_index(flat, e.shape))
