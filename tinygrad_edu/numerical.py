"""Numerical differentiation, as the classic lessons teach it: no graph, just f evaluated twice.

The central difference (f(x+h) - f(x-h)) / 2h has error O(h**2), the forward difference
(f(x+h) - f(x)) / h only O(h); h = 1e-4 balances that error against float rounding
(h = 1e-50 rounds to x + h == x in float32, and the difference becomes 0).
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np

from . import checks
from ._tensor import Tensor


def numerical_diff(f: Callable[[Any], Any], x: Any, h: float = 1e-4) -> Any:
    """The derivative of a one-variable function by central difference.

    Args:
        f: a function of one number (or array, element-wise).
        x: where to differentiate.
        h: the step; 1e-4 by default.

    Returns:
        (f(x + h) - f(x - h)) / (2 * h)

    Raises:
        ValueError: ``h`` is not a finite number > 0.

    Example:
        >>> round(numerical_diff(lambda x: 0.01 * x**2 + 0.1 * x, 5.0), 6)
        0.2
    """
    checks.real(h, "numerical_diff: h", low=0, low_open=True)
    _warn_if_not_float64(_dtype_of(x), "x", "numerical_diff", h)
    result = (f(x + h) - f(x - h)) / (2 * h)
    if _dtype_of(x) == np.float64:
        _warn_if_not_float64(_dtype_of(result), "f's result", "numerical_diff", h)
    return result


def numerical_gradient(f: Callable[[np.ndarray], Any], x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """The gradient of a scalar function of an array, one central difference per element.

    Each element of ``x`` is perturbed in place by +h and -h and restored (also when
    ``f`` raises), so ``f`` may close over ``x``, as in the lessons' ``lambda w: net.loss(x, t)``.

    Args:
        f: maps the array ``x`` to a number (or a one-element array/Tensor).
        x: a float ndarray of any shape (or a Tensor, whose data is used).
        h: the step; 1e-4 by default.

    Returns:
        An ndarray shaped like ``x``: df/dx[i] for every index i.

    Raises:
        TypeError: ``x`` is not a floating point array (an integer array would truncate
            x + h back to x).
        ValueError: ``h`` is not a finite number > 0.

    Warns:
        UserWarning: ``x`` (or what ``f`` returns) is not float64: float32's rounding
            error, divided by h, makes the result inaccurate (see ``gradcheck``).

    Example:
        >>> numerical_gradient(lambda x: np.sum(x**2), np.array([3.0, 4.0]))
        array([6., 8.])
    """
    checks.real(h, "numerical_gradient: h", low=0, low_open=True)
    if isinstance(x, Tensor):
        x = x.data
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(
            "numerical_gradient needs a float ndarray to perturb in place, got "
            f"{type(x).__name__} of dtype {getattr(x, 'dtype', None)}; use e.g. "
            "np.array([3.0, 4.0]) rather than np.array([3, 4])")
    _warn_if_not_float64(x.dtype, "x", "numerical_gradient", h)
    grad = np.zeros_like(x)
    checked_result = x.dtype != np.float64  # already warned about x
    for index in np.ndindex(x.shape):
        original = x[index].copy()
        try:
            x[index] = original + h
            value = f(x)
            if not checked_result:
                _warn_if_not_float64(_dtype_of(value), "f's result", "numerical_gradient", h)
                checked_result = True
            f_plus = _scalar(value)
            x[index] = original - h
            f_minus = _scalar(f(x))
        finally:
            x[index] = original
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def gradient_descent(f: Callable[[np.ndarray], Any], init_x: Any, lr: float = 0.01,
                     step_num: int = 100) -> np.ndarray:
    """Minimise ``f`` by x <- x - lr * grad f(x), the gradient by ``numerical_gradient``.

    Args:
        f: maps an array to a number.
        init_x: the starting point (a float array; it is copied, not modified).
        lr: the learning rate. Too large and the steps overshoot and diverge; too small
            and x barely moves.
        step_num: how many steps to take.

    Returns:
        The final x.

    Raises:
        ValueError: ``lr`` is not a finite number >= 0 or ``step_num`` not an integer >= 0.
        TypeError: ``init_x`` does not hold floats.

    Example:
        >>> gradient_descent(lambda x: np.sum(x**2), np.array([2.0, 2.0]), lr=0.1)
        array([4.07e-10, 4.07e-10])  # approximately
    """
    lr = checks.real(lr, "gradient_descent: lr", low=0)
    step_num = checks.integer(step_num, "gradient_descent: step_num", low=0)
    x = np.array(init_x.data if isinstance(init_x, Tensor) else init_x, copy=True)
    if x.dtype.kind != "f":
        raise TypeError(f"init_x must hold floats, got dtype {x.dtype}; e.g. np.array([2.0, 2.0])")
    for _ in range(int(step_num)):
        x -= lr * numerical_gradient(f, x)
    return x


def _dtype_of(value: Any) -> np.dtype | None:
    """The float dtype of a number, array or Tensor (None for anything else)."""
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, float):  # a Python float, also np.float64
        return np.dtype(np.float64)
    dtype = getattr(value, "dtype", None)
    return dtype if dtype is not None and dtype.kind == "f" else None


def _warn_if_not_float64(dtype: np.dtype | None, what: str, name: str, h: float) -> None:
    """Warn as ``gradcheck`` does: in float32 the rounding of f(x + h) - f(x - h) swamps h."""
    if dtype is None or dtype == np.float64:
        return
    warnings.warn(
        f"{name}: {what} is {dtype}, not float64. Its rounding error (about "
        f"{np.finfo(dtype).eps:.0e} relative) divided by the step h={h:g} swamps the central "
        "difference: in float32 the gradient [6, 8] of x0**2 + x1**2 at (3, 4) comes out as "
        "[5.989, 8.0013]. Use float64 for accurate values: "
        + ("x.astype(np.float64)." if what == "x" else "compute f in float64."),
        UserWarning, stacklevel=3)


def _scalar(value: Any) -> float:
    arr = np.asarray(value.data if isinstance(value, Tensor) else value)
    if arr.size != 1:
        raise ValueError(f"f must return a single number, got an array of shape {arr.shape}")
    return float(arr.reshape(()))
