"""The one place where hyper-parameters are checked: numbers, integers, flags, choices.

Every constructor and function of the library checks its settings (a learning rate, a
kernel size, a reduction name) with these helpers, before it changes anything, so that
a bad value fails at once with one kind of message, naming the argument, the value and
what is allowed::

    checks.real(float("inf"), "SGD: lr", low=0)
    # ValueError: SGD: lr must be a finite number >= 0, got inf

A value of the wrong type (a string where a number belongs, ``True`` where an integer
belongs, ``"yes"`` for a flag) raises ``ArgumentTypeError``, which is both a TypeError
(what Python raises for a wrong type) and a ValueError (the API promises ValueError for
every invalid hyper-parameter), so either ``except`` catches it. A value of the right
type out of range (negative, nan, inf, not one of the choices) raises ValueError.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Sequence

import numpy as np

__all__ = ["ArgumentTypeError", "real", "integer", "flag", "choice", "pair", "int_pair",
           "int_tuple"]


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type: a TypeError and, as every invalid hyper-parameter,
    a ValueError."""


def real(value: Any, name: str, *, low: float | None = None, high: float | None = None,
         low_open: bool = False, high_open: bool = False) -> float:
    """A finite real number in the range, as a Python float.

    Args:
        value: the value to check: a Python or NumPy real number (not a bool, a string,
            an array or a Tensor).
        name: the argument's name in the message, with its owner (``"SGD: lr"``).
        low, high: the bounds (None: unbounded on that side).
        low_open, high_open: exclude the bound itself (``> low`` instead of ``>= low``).

    Returns:
        ``float(value)``.

    Raises:
        ArgumentTypeError: ``value`` is not a real number.
        ValueError: it is nan, infinite or out of range.
    """
    # The message is built only on failure: optimizer.step() re-checks changed values.
    if type(value) not in (float, int) and (isinstance(value, bool)
                                            or not isinstance(value, numbers.Real)):
        limits = _range_text(low, high, low_open, high_open)
        raise ArgumentTypeError(f"{name} must be a number{limits}, got {_shown(value)}")
    number = float(value)
    if math.isfinite(number) and _in_range(number, low, high, low_open, high_open):
        return number
    limits = _range_text(low, high, low_open, high_open)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number{limits}, got {_shown(value)}")
    raise ValueError(f"{name} must be{limits}, got {_shown(value)}")


def integer(value: Any, name: str, *, low: int | None = None,
            high: int | None = None) -> int:
    """A Python or NumPy integer (not a bool, not a float such as 2.0) in [low, high].

    Returns:
        ``int(value)``.

    Raises:
        ArgumentTypeError: ``value`` is not an integer.
        ValueError: it is out of range.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        limits = _range_text(low, high, False, False)
        raise ArgumentTypeError(f"{name} must be an int{limits}, got {_shown(value)}")
    if not _in_range(value, low, high, False, False):
        limits = _range_text(low, high, False, False)
        raise ValueError(f"{name} must be an int{limits}, got {_shown(value)}")
    return int(value)


def flag(value: Any, name: str) -> bool:
    """A bool (or a NumPy bool); 0, 1, "yes" and None are refused.

    Raises:
        ArgumentTypeError: ``value`` is not a bool.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be True or False, got {_shown(value)}")
    return bool(value)


def choice(value: Any, name: str, options: Sequence[str]) -> str:
    """One of the strings ``options``.

    Raises:
        ArgumentTypeError: ``value`` is not a string.
        ValueError: it is a string not among ``options``.
    """
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be {_either(options)}, got {_shown(value)}")
    if value not in options:
        raise ValueError(f"{name} must be {_either(options)}, got {value!r}")
    return value


def pair(value: Any, name: str, item: Callable[..., Any] = real, **bounds: Any) -> tuple:
    """A tuple or list of two values, each checked by ``item`` (e.g. ``real``) as
    ``name[0]`` and ``name[1]`` with ``bounds``; Adam's ``betas``.

    Returns:
        The pair as a tuple of the checked values.

    Raises:
        ArgumentTypeError: ``value`` is not a tuple or list, or an element has the wrong type.
        ValueError: it does not have two elements, or an element is out of range.
    """
    if not isinstance(value, (tuple, list)):
        raise ArgumentTypeError(f"{name} must be a pair (a tuple of two values), got "
                                f"{_shown(value)}")
    if len(value) != 2:
        raise ValueError(f"{name} must be a pair (a tuple of two values), got {_shown(value)}")
    return tuple(item(v, f"{name}[{i}]", **bounds) for i, v in enumerate(value))


def int_pair(value: Any, name: str, *, low: int) -> tuple[int, int]:
    """An int >= low, used for both axes, or a pair of them: a kernel size, a stride.

    Returns:
        ``(a, b)`` as Python ints (``(value, value)`` for a single int).

    Raises:
        ArgumentTypeError: not an int or a tuple/list of ints.
        ValueError: a pair not of length 2, or an int below ``low``.
    """
    return int_tuple(value, name, low=low, length=2)


def int_tuple(value: Any, name: str, *, low: int, length: int | None = None) -> tuple:
    """An int >= low, or a tuple/list of them: of ``length`` elements, or of any
    non-zero number when ``length`` is None (a single int then gives a 1-tuple).

    Raises:
        ArgumentTypeError: not an int or a tuple/list of ints.
        ValueError: the wrong number of elements, or an int below ``low``.
    """
    if isinstance(value, (tuple, list)):
        items = tuple(value)
    else:
        items = (value,) * (1 if length is None else length)
    them = "a pair of them" if length == 2 else (
        "a non-empty tuple of them" if length is None else f"a tuple of {length} of them")
    message = f"{name} must be an int >= {low} or {them}, got {_shown(value)}"
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items):
        raise ArgumentTypeError(message)
    if not items or (length is not None and len(items) != length) or any(v < low for v in items):
        raise ValueError(message)
    return tuple(int(v) for v in items)


# --- the messages ---


def _in_range(value: Any, low: Any, high: Any, low_open: bool, high_open: bool) -> bool:
    if low is not None and not (value > low if low_open else value >= low):
        return False
    return high is None or (value < high if high_open else value <= high)


def _range_text(low: Any, high: Any, low_open: bool, high_open: bool) -> str:
    """' in [0, 1)', ' >= 0', ' < 1' or '' (with a leading space, to follow 'must be')."""
    if low is not None and high is not None:
        return (f" in {'(' if low_open else '['}{_bound(low)}, {_bound(high)}"
                f"{')' if high_open else ']'}")
    if low is not None:
        return f" {'>' if low_open else '>='} {_bound(low)}"
    if high is not None:
        return f" {'<' if high_open else '<='} {_bound(high)}"
    return ""


def _bound(x: Any) -> str:
    return str(int(x)) if isinstance(x, (int, np.integer)) else f"{x:g}"


def _either(options: Sequence[str]) -> str:
    """"'a', 'b' or 'c'"."""
    quoted = [repr(o) for o in options]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _shown(value: Any) -> str:
    """The value as the message shows it: numbers plainly (2.0, not np.float64(2.0)),
    strings quoted, short tuples and lists in full, other objects by their type."""
    if value is None or isinstance(value, (bool, np.bool_, numbers.Number)):
        return str(value)
    if isinstance(value, (str, bytes)):
        return repr(value)
    if isinstance(value, (tuple, list)) and len(value) <= 4:
        inner = ", ".join(_shown(v) for v in value)
        if isinstance(value, list):
            return f"[{inner}]"
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple):
        return f"{type(value).__name__} of shape {shape}"
    return type(value).__name__
