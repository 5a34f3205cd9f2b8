"""Tensor factories with PyTorch's names and arguments (tensor, zeros, linspace, randn,
normal, randint...) and the random generator behind manual_seed.

Every factory takes ``dtype=``, ``device=`` (only "cpu") and ``requires_grad=`` and checks
them, with its other arguments, before it makes anything or draws a random number.
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

from . import checks
from ._tensor import Tensor, _holds_grad_tensor
from .autograd import is_grad_enabled
from .devices import check_device
from .dtypes import as_dtype, get_default_dtype, to_array
from .random_generator import numpy_generator

_generator = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Seed every random draw of tinygrad_edu (randn, rand, dropout, weight init)."""
    global _generator
    _generator = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    """The library's random generator (reseeded by ``manual_seed``)."""
    return _generator


# --- the checks every factory shares ---


def _options(where: str, dtype: Any, device: Any, requires_grad: Any,
             default: np.dtype | None = None) -> np.dtype | None:
    """Check ``device=``, ``requires_grad=`` and ``dtype=``; return the dtype (``default``
    when None is given; None then means: the data decides)."""
    check_device(device, f"{where}: device=")
    checks.flag(requires_grad, f"{where}: requires_grad")
    dtype = default if dtype is None else as_dtype(dtype, f"{where}: dtype")
    if requires_grad and dtype is not None and dtype.kind != "f":
        raise TypeError(f"{where}: only floating point tensors can require grad, got dtype "
                        f"{dtype}; pass dtype=tg.float32 (or tg.float64)")
    return dtype


def _float_options(where: str, dtype: Any, device: Any, requires_grad: Any,
                   default: np.dtype | None = None) -> np.dtype:
    """As ``_options``, for a factory that makes floats (randn, normal...)."""
    dtype = _options(where, dtype, device, requires_grad, default or get_default_dtype())
    if dtype.kind != "f":
        raise TypeError(f"{where} draws floats: dtype must be a float dtype, got {dtype} "
                        "(use tg.float32 or tg.float64)")
    return dtype


def _shape(shape: tuple, where: str = "shape", size: Any = None) -> tuple:
    """The shape of ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))``."""
    if size is not None:
        if shape:
            raise TypeError(f"{where}: give the shape once, as arguments or as size=, not both")
        shape = (size,)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in shape):
        raise checks.ArgumentTypeError(f"{where}: a shape is non-negative integers, got {shape}")
    if any(n < 0 for n in shape):
        raise ValueError(f"{where}: a shape is non-negative integers, got {shape}")
    return tuple(int(n) for n in shape)


def _number(value: Any, name: str) -> float | int:
    """A finite real number (a 0-d Tensor gives its value), kept int if it is one."""
    if isinstance(value, Tensor) and value.size == 1:
        value = value.item()
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    return checks.real(value, name)


def _check_fits(value: Any, dtype: np.dtype, where: str) -> None:
    """Refuse a fill value that ``dtype`` would change (2.5 or nan in an int tensor)."""
    if dtype.kind in "iub" and isinstance(value, (float, np.floating)) and \
            not (math.isfinite(value) and float(value).is_integer()):
        raise ValueError(f"{where}: fill_value {value!r} does not fit dtype {dtype} (it would "
                         "be cut to an integer); pass a float dtype or an integer value")


def _like(t: Any, where: str) -> tuple:
    """The shape and dtype of a Tensor or array, for the ``*_like`` factories."""
    if isinstance(t, Tensor):
        return t.shape, t.dtype
    if isinstance(t, (np.ndarray, np.generic)):
        return np.shape(t), as_dtype(t.dtype, f"{where}: the input's dtype")
    raise TypeError(f"{where} takes a Tensor (or ndarray) to copy the shape of, got "
                    f"{type(t).__name__}; for a given shape, drop the _like")


def _make(data: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._wrap(data)
    if requires_grad:
        t.requires_grad = True
    return t


# --- from data ---


def tensor(data: Any, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (PyTorch's ``torch.tensor``).

    Args:
        data: a Python scalar or (nested) list, an ndarray or a Tensor. Python floats get
            the default dtype (float32), ints int64, bools bool; arrays keep their dtype.
        dtype: cast to this dtype (``tg.float64``, ``np.int32``...).
        device: None or "cpu".
        requires_grad: make it a leaf that records operations (floating dtypes only).

    Raises:
        TypeError: a bad dtype, requires_grad on integer data.
        ValueError: a device other than "cpu".

    Example:
        >>> tg.tensor([1, 2]).dtype, tg.tensor([1.0, 2.0]).dtype
        (dtype('int64'), dtype('float32'))
    """
    where = "tg.tensor"
    dtype = _options(where, dtype, device, requires_grad)
    if isinstance(data, Tensor):
        if data.requires_grad and is_grad_enabled():
            warnings.warn("tg.tensor(t) copies t's values into a new leaf: no gradient flows "
                          "back to t. For that use t itself (or t.clone()); for a constant "
                          "copy, t.detach().clone()", UserWarning, stacklevel=2)
        data = data.data
    elif isinstance(data, (list, tuple)) and _holds_grad_tensor(data):
        warnings.warn("tg.tensor([...]) of tensors that require grad copies their values: no "
                      "gradient flows back to them. Use tg.stack([...]) to keep the graph",
                      UserWarning, stacklevel=2)
    python_data = not isinstance(data, (np.ndarray, np.generic))
    data = to_array(data, dtype)
    if python_data and dtype is None and data.dtype.kind == "i":
        data = data.astype(np.int64, copy=False)  # PyTorch's rule, on every platform
    return _make(data, requires_grad)


def as_tensor(data: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """``data`` as a tensor, without a copy where possible (PyTorch's ``torch.as_tensor``).

    A Tensor of the right dtype is returned itself (of another dtype: ``t.astype(dtype)``);
    an ndarray of the right dtype is shared, so changing one changes the other; other data
    is copied as by ``tg.tensor``.
    """
    where = "tg.as_tensor"
    dtype = _options(where, dtype, device, requires_grad)
    if isinstance(data, Tensor):
        if requires_grad:
            raise ValueError(f"{where}: data is already a Tensor; set requires_grad on it "
                             "with t.requires_grad_() instead")
        return data if dtype is None or dtype == data.dtype else data.astype(dtype)
    if isinstance(data, np.ndarray):
        return _make(to_array(data, dtype, copy=None), requires_grad)
    return tensor(data, dtype=dtype, requires_grad=requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing ``array``'s memory (PyTorch's ``torch.from_numpy``): writes to one
    show in the other; the dtype is kept.

    Raises:
        TypeError: ``array`` is not an ndarray, or of a dtype a Tensor cannot hold.
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"tg.from_numpy expects an np.ndarray, got {type(array).__name__}; "
                        "for other data use tg.tensor(data)")
    as_dtype(array.dtype, "tg.from_numpy: the array's dtype")
    return Tensor._wrap(array)


# --- filled with one value ---


def zeros(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)``, ``zeros((2, 3))`` or ``zeros(size=(2, 3))``."""
    dtype = _options("tg.zeros", dtype, device, requires_grad, get_default_dtype())
    return _make(np.zeros(_shape(shape, "tg.zeros", size), dtype), requires_grad)


def ones(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of ones: ``ones(2, 3)``, ``ones((2, 3))`` or ``ones(size=(2, 3))``."""
    dtype = _options("tg.ones", dtype, device, requires_grad, get_default_dtype())
    return _make(np.ones(_shape(shape, "tg.ones", size), dtype), requires_grad)


def empty(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """A tensor whose values are to be overwritten (PyTorch's ``torch.empty``).

    PyTorch leaves them uninitialized; here floats are nan (integers 0), so a value that
    was never written shows up instead of passing for a number.
    """
    dtype = _options("tg.empty", dtype, device, requires_grad, get_default_dtype())
    fill = np.nan if dtype.kind == "f" else 0
    return _make(np.full(_shape(shape, "tg.empty", size), fill, dtype), requires_grad)


def full(shape: Any, fill_value: Any, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype follows the value's (float → default).

    Raises:
        ValueError: a value the dtype would change (``full(3, 2.5, dtype=tg.int64)``).
    """
    dtype = _options("tg.full", dtype, device, requires_grad)
    return _full(shape, fill_value, dtype, requires_grad, "tg.full")


def _full(shape: Any, fill_value: Any, dtype: np.dtype | None, requires_grad: bool,
          where: str) -> Tensor:
    if not isinstance(fill_value, (numbers.Number, np.bool_)):
        raise TypeError(f"{where}: fill_value must be a number or a bool, got "
                        f"{type(fill_value).__name__}")
    if dtype is None:
        dtype = Tensor(fill_value).dtype
        if dtype.kind == "i":
            dtype = np.dtype(np.int64)
        if requires_grad and dtype.kind != "f":
            raise TypeError(f"{where}: only floating point tensors can require grad, got "
                            f"fill_value {fill_value!r} (dtype {dtype}); pass a float or "
                            "dtype=tg.float32")
    _check_fits(fill_value, dtype, where)
    return _make(np.full(_shape((shape,), where), fill_value, dtype=dtype), requires_grad)


def zeros_like(t: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """Zeros with the shape (and, unless given, the dtype) of ``t``."""
    shape, like_dtype = _like(t, "tg.zeros_like")
    dtype = _options("tg.zeros_like", dtype, device, requires_grad, like_dtype)
    return _make(np.zeros(shape, dtype), requires_grad)


def ones_like(t: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """Ones with the shape (and, unless given, the dtype) of ``t``."""
    shape, like_dtype = _like(t, "tg.ones_like")
    dtype = _options("tg.ones_like", dtype, device, requires_grad, like_dtype)
    return _make(np.ones(shape, dtype), requires_grad)


def empty_like(t: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """``tg.empty`` with the shape (and, unless given, the dtype) of ``t``: nan or 0."""
    shape, like_dtype = _like(t, "tg.empty_like")
    dtype = _options("tg.empty_like", dtype, device, requires_grad, like_dtype)
    return _make(np.full(shape, np.nan if dtype.kind == "f" else 0, dtype), requires_grad)


def full_like(t: Any, fill_value: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """``fill_value`` with the shape (and, unless given, the dtype) of ``t``.

    Raises:
        ValueError: a value the dtype would change (2.5 for an integer ``t``: PyTorch
            would silently make it 2).
    """
    shape, like_dtype = _like(t, "tg.full_like")
    dtype = _options("tg.full_like", dtype, device, requires_grad, like_dtype)
    return _full(shape, fill_value, dtype, requires_grad, "tg.full_like")


# --- ranges ---


def arange(start: Any = None, stop: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False, *, end: Any = None, device: Any = None) -> Tensor:
    """Evenly spaced values in [start, stop): ``arange(5)``, ``arange(2, 8, 3)``.

    PyTorch's dtype rule: all-integer arguments give int64, any float gives the default
    float dtype. ``end=`` is PyTorch's name for ``stop`` (NumPy's). Each value is
    ``start + i * step``, computed in float64, then cast.

    Raises:
        ValueError: step 0, an infinite bound, non-integer bounds with an integer dtype.
        TypeError: a bound that is not a number.
    """
    where = "tg.arange"
    if end is not None:
        if stop is not None:
            raise TypeError(f"{where}: give stop (NumPy's name) or end (PyTorch's), not both")
        stop = end
    if stop is None:
        if start is None:
            raise TypeError(f"{where} needs an end: arange(5) or arange(2, 5)")
        start, stop = 0, start
    elif start is None:
        start = 0
    for name, value in (("start", start), ("stop", stop), ("step", step)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer,
                                                             np.floating)):
            raise TypeError(f"arange: {name} must be a number, got {value!r}")
        if not np.isfinite(value):
            raise ValueError(f"arange: {name} must be finite, got {value!r}")
    if step == 0:
        raise ValueError("arange: step must not be 0 (it would never reach stop)")
    integral = all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
    dtype = _options(where, dtype, device, requires_grad,
                     np.dtype(np.int64) if integral else get_default_dtype())
    if dtype.kind in "iub" and not all(float(v).is_integer() for v in (start, stop, step)):
        raise ValueError(f"{where}: dtype {dtype} needs integer start, stop and step, got "
                         f"{start!r}, {stop!r}, {step!r}; pass a float dtype")
    if integral:
        data = np.arange(start, stop, step, dtype=np.int64).astype(dtype, copy=False)
    else:
        count = max(0, math.ceil((stop - start) / step))
        data = (start + step * np.arange(count, dtype=np.float64)).astype(dtype)
    return _make(data, requires_grad)


def _evenly_spaced(start: Any, end: Any, steps: Any, dtype: np.dtype, where: str) -> np.ndarray:
    """``steps`` float64 values from start to end, PyTorch's way: the first half counts up
    from ``start``, the second half down from ``end``, so both ends are exact."""
    steps = checks.integer(steps, f"{where}: steps", low=0)
    start, end = _number(start, f"{where}: start"), _number(end, f"{where}: end")
    if dtype.kind in "iub" and not all(float(v).is_integer() for v in (start, end)):
        raise ValueError(f"{where}: dtype {dtype} needs integer start and end, got {start!r} "
                         f"and {end!r} (PyTorch would cut them to integers first); pass "
                         "integers or a float dtype")
    if steps == 1:
        return np.full(1, float(start))
    if dtype.kind in "iub":  # exact: start + (end - start) * i / (steps - 1), cut toward 0
        numerator = int(start) * (steps - 1) + (int(end) - int(start)) * np.arange(steps)
        return (np.sign(numerator) * (np.abs(numerator) // (steps - 1))).astype(np.float64)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    i = np.arange(steps, dtype=np.float64)
    return np.where(i < steps // 2, start + step * i, end - step * (steps - 1 - i))


def linspace(start: Any, end: Any, steps: int, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included.

    The values are computed in float64 and cast to ``dtype`` (default: the default float
    dtype; an integer dtype truncates toward zero, as PyTorch does).

    Raises:
        ValueError: ``steps`` < 0, a bound that is nan or infinite, a non-integer bound
            with an integer dtype.
    """
    where = "tg.linspace"
    dtype = _options(where, dtype, device, requires_grad, get_default_dtype())
    data = _evenly_spaced(start, end, steps, dtype, where).astype(dtype)
    return _make(data, requires_grad)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, dtype: Any = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:
    """``base ** linspace(start, end, steps)``: ``steps`` values, evenly spaced on a log
    scale from ``base ** start`` to ``base ** end``.

    Raises:
        ValueError: ``steps`` < 0, ``base`` <= 0, a bound that is nan or infinite, a
            non-integer bound with an integer dtype.
    """
    where = "tg.logspace"
    dtype = _options(where, dtype, device, requires_grad, get_default_dtype())
    base = checks.real(base, f"{where}: base", low=0, low_open=True)
    exponents = _evenly_spaced(start, end, steps, dtype, where)
    return _make(np.power(base, exponents).astype(dtype), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:
    """The n x m identity matrix (m defaults to n)."""
    dtype = _options("tg.eye", dtype, device, requires_grad, get_default_dtype())
    n = checks.integer(n, "tg.eye: n", low=0)
    m = n if m is None else checks.integer(m, "tg.eye: m", low=0)
    return _make(np.eye(n, m, dtype=dtype), requires_grad)


# --- random (from a tg.Generator, or the generator that tg.manual_seed seeds) ---


def randn(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False, generator: Any = None) -> Tensor:
    """Standard normal samples (mean 0, variance 1), from ``generator`` (a
    ``tg.Generator``) or the library's seeded generator."""
    dtype = _float_options("tg.randn", dtype, device, requires_grad)
    shape = _shape(shape, "tg.randn", size)
    rng = numpy_generator(generator, "tg.randn")
    return _make(rng.standard_normal(shape).astype(dtype, copy=False), requires_grad)


def rand(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False, generator: Any = None) -> Tensor:
    """Uniform samples in [0, 1), from ``generator`` or the library's seeded generator."""
    dtype = _float_options("tg.rand", dtype, device, requires_grad)
    shape = _shape(shape, "tg.rand", size)
    rng = numpy_generator(generator, "tg.rand")
    return _make(rng.random(shape).astype(dtype, copy=False), requires_grad)


def randn_like(t: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """``tg.randn`` with the shape (and, unless given, the float dtype) of ``t``."""
    shape, like_dtype = _like(t, "tg.randn_like")
    dtype = _float_options("tg.randn_like", dtype, device, requires_grad, like_dtype)
    return _make(_generator.standard_normal(shape).astype(dtype, copy=False), requires_grad)


def rand_like(t: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """``tg.rand`` with the shape (and, unless given, the float dtype) of ``t``."""
    shape, like_dtype = _like(t, "tg.rand_like")
    dtype = _float_options("tg.rand_like", dtype, device, requires_grad, like_dtype)
    return _make(_generator.random(shape).astype(dtype, copy=False), requires_grad)


def _normal_parameter(value: Any, name: str, low: float | None) -> Any:
    """A float or a float array (from a Tensor or ndarray) for tg.normal's mean or std."""
    if isinstance(value, (Tensor, np.ndarray)):
        array = np.asarray(value.data if isinstance(value, Tensor) else value)
        if array.dtype.kind != "f":
            raise TypeError(f"{name} must be a floating point tensor, got dtype {array.dtype}; "
                            "convert it with .astype(tg.float32)")
        if not np.isfinite(array).all() or (low is not None and (array < low).any()):
            bound = "finite" if low is None else f"finite and >= {low:g}"
            raise ValueError(f"{name} must be {bound}, got a tensor with min "
                             f"{array.min()!r} and max {array.max()!r}")
        return array
    return checks.real(value, name, low=low)


def normal(mean: Any, std: Any = 1.0, size: Any = None, *, dtype: Any = None,
           device: Any = None, requires_grad: bool = False, generator: Any = None) -> Tensor:
    """Normal samples with the given mean and standard deviation (PyTorch's forms).

    ``normal(mean_tensor, std_tensor)`` (shapes broadcast), ``normal(mean_tensor, 1.0)``,
    ``normal(0.0, std_tensor)``: the shape and float dtype of the tensors;
    ``normal(0.0, 1.0, size=(2, 3))``: two floats need ``size`` (dtype: the default).

    The sample carries no gradient to ``mean`` or ``std`` (PyTorch gives them zero
    gradients); for a differentiable sample write ``mean + std * tg.randn_like(mean)``.

    Raises:
        ValueError: std < 0, a nan or infinite mean or std.
        TypeError: two floats without ``size``, or a size with tensors.
    """
    where = "tg.normal"
    rng = numpy_generator(generator, where)
    tensors = [v for v in (mean, std) if isinstance(v, (Tensor, np.ndarray))]
    mean = _normal_parameter(mean, f"{where}: mean", None)
    std = _normal_parameter(std, f"{where}: std", 0)
    if tensors:
        if size is not None:
            raise TypeError(f"{where}: size goes with a float mean and std; with a tensor the "
                            "sample takes the tensor's shape")
        default = np.result_type(*(a.dtype for a in (mean, std) if isinstance(a, np.ndarray)))
        shape = np.broadcast_shapes(np.shape(mean), np.shape(std))
    else:
        if size is None:
            raise TypeError(f"{where}(mean, std) with two floats needs size, e.g. "
                            "tg.normal(0.0, 1.0, size=(2, 3))")
        default, shape = None, _shape((size,), where)
    dtype = _float_options(where, dtype, device, requires_grad, default)
    if is_grad_enabled() and any(isinstance(v, Tensor) and v.requires_grad for v in tensors):
        warnings.warn("tg.normal gives no gradient to mean or std (PyTorch gives zeros); for "
                      "a differentiable sample use mean + std * tg.randn_like(mean)",
                      UserWarning, stacklevel=2)
    sample = mean + std * rng.standard_normal(shape)
    return _make(np.asarray(sample).astype(dtype, copy=False), requires_grad)


def randint(*args: Any, low: Any = None, high: Any = None, size: Any = None,
            dtype: Any = None, device: Any = None, requires_grad: bool = False,
            generator: Any = None) -> Tensor:
    """Random integers in [low, high), PyTorch's forms: ``randint(high, size)`` and
    ``randint(low, high, size)`` (``size`` a tuple, e.g. ``(3,)``); dtype int64 by default;
    drawn from ``generator`` (a ``tg.Generator``) or the library's generator.

    Raises:
        ValueError: ``high <= low``, a range the dtype cannot hold.
        TypeError: a bound that is not an int, a missing size or one that is not a tuple.
    """
    where = "tg.randint"
    rng = numpy_generator(generator, where)
    args = list(args)
    if size is None and args and isinstance(args[-1], (tuple, list)):
        size = args.pop()
    if len(args) > 2 or (len(args) == 2 and (low is not None or high is not None)) or \
            (len(args) == 1 and low is not None and high is None):
        hint = " (size must be a tuple, e.g. (3,))" if len(args) == 3 else ""
        raise TypeError(f"{where} takes randint(high, size) or randint(low, high, size){hint}, "
                        f"got {len(args)} numbers and low={low!r}, high={high!r}")
    if len(args) == 2:
        low, high = args
    elif len(args) == 1:
        low, high = (args[0], high) if high is not None else (low, args[0])
    if high is None:
        raise TypeError(f"{where}: high is required: randint(high, size) or "
                        "randint(low, high, size)")
    if size is None:
        raise TypeError(f"{where}: size is required, a tuple such as (3,)")
    dtype = _options(where, dtype, device, requires_grad, np.dtype(np.int64))
    low = checks.integer(0 if low is None else low, f"{where}: low")
    high = checks.integer(high, f"{where}: high")
    if high <= low:
        raise ValueError(f"{where}: high must be > low (the range is [low, high)), got "
                         f"low={low}, high={high}")
    if dtype.kind in "iub":
        lowest, highest = (0, 1) if dtype.kind == "b" else (np.iinfo(dtype).min,
                                                            np.iinfo(dtype).max)
        if low < lowest or high - 1 > highest:
            raise ValueError(f"{where}: dtype {dtype} holds [{lowest}, {highest}], not the "
                             f"range [{low}, {high})")
    shape = _shape((size,), where)
    data = rng.integers(low, high, size=shape, dtype=np.int64).astype(dtype)
    return _make(data, requires_grad)


def randperm(n: int, dtype: Any = None, device: Any = None,
             requires_grad: bool = False, *, generator: Any = None) -> Tensor:
    """A random permutation of ``0 .. n-1`` (int64 by default), drawn from ``generator``
    (a ``tg.Generator``) or, by default, from the library's generator."""
    dtype = _options("tg.randperm", dtype, device, requires_grad, np.dtype(np.int64))
    n = checks.integer(n, "tg.randperm: n", low=0)
    rng = numpy_generator(generator, "tg.randperm")
    return _make(rng.permutation(n).astype(dtype), requires_grad)
