"""Numerical differentiation, as the classic lessons teach it: no graph, just f evaluated twice.

The central difference (f(x+h) - f(x-h)) / 2h has error O(h**2), the forward difference
(f(x+h) - f(x)) / h only O(h); h = 1e-4 balances that error against float rounding
(h = 1e-50 rounds to x + h == x in float32, and the difference becomes 0).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .tensor import Tensor


def numerical_diff(f: Callable[[Any], Any], x: Any, h: float = 1e-4) -> Any:
    """The derivative of a one-variable function by central difference.

    Args:
        f: a function of one number (or array, element-wise).
        x: where to differentiate.
        h: the step; 1e-4 by default.

    Returns:
        (f(x + h) - f(x - h)) / (2 * h)

    Example:
        >>> round(numerical_diff(lambda x: 0.01 * x**2 + 0.1 * x, 5.0), 6)
        0.2
    """
    _check_step(h)
    return (f(x + h) - f(x - h)) / (2 * h)


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

    Example:
        >>> numerical_gradient(lambda x: np.sum(x**2), np.array([3.0, 4.0]))
        array([6., 8.])
    """
    _check_step(h)
    if isinstance(x, Tensor):
        x = x.data
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(
            "numerical_gradient needs a float ndarray to perturb in place, got "
            f"{type(x).__name__} of dtype {getattr(x, 'dtype', None)}; use e.g. "
            "np.array([3.0, 4.0]) rather than np.array([3, 4])")
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index].copy()
        try:
            x[index] = original + h
            f_plus = _scalar(f(x))
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

    Example:
        >>> gradient_descent(lambda x: np.sum(x**2), np.array([2.0, 2.0]), lr=0.1)
        array([4.07e-10, 4.07e-10])  # approximately
    """
    if not lr >= 0:
        raise ValueError(f"lr must be >= 0, got {lr}")
    if int(step_num) != step_num or step_num < 0:
        raise ValueError(f"step_num must be a non-negative integer, got {step_num}")
    x = np.array(init_x.data if isinstance(init_x, Tensor) else init_x, copy=True)
    if x.dtype.kind != "f":
        raise TypeError(f"init_x must hold floats, got dtype {x.dtype}; e.g. np.array([2.0, 2.0])")
    for _ in range(int(step_num)):
        x -= lr * numerical_gradient(f, x)
    return x


def _check_step(h: float) -> None:
    if not h > 0:
        raise ValueError(f"the step h must be > 0, got {h}")


def _scalar(value: Any) -> float:
    arr = np.asarray(value.data if isinstance(value, Tensor) else value)
    if arr.size != 1:
        raise ValueError(f"f must return a single number, got an array of shape {arr.shape}")
    return float(arr.reshape(()))
