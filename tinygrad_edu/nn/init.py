"""Weight initialisation, in place on a Tensor's data, with PyTorch's formulas and names.

Every draw comes from the library's generator, so ``tg.manual_seed`` makes it
reproducible. Each function fills ``tensor.data`` without recording a graph and returns
the tensor.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import checks
from ..factories import generator
from .._tensor import Tensor
from ..hints import legacy_size_note

_GAINS = {"linear": 1.0, "identity": 1.0, "conv1d": 1.0, "conv2d": 1.0, "conv3d": 1.0,
          "conv_transpose1d": 1.0, "conv_transpose2d": 1.0, "conv_transpose3d": 1.0,
          "sigmoid": 1.0, "tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 3.0 / 4}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor that keeps activations' variance steady through ``nonlinearity``.

    As PyTorch: 1 for linear/conv/sigmoid, 5/3 for tanh, sqrt(2) for relu, 3/4 for selu,
    and sqrt(2 / (1 + a**2)) for leaky_relu with negative slope a (``param``, 0.01 if None).

    Raises:
        ValueError: an unknown nonlinearity or a slope that is not a finite number.
    """
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else checks.real(param, "calculate_gain: negative slope")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity not in _GAINS:
        raise ValueError(f"unsupported nonlinearity {nonlinearity!r}; known: "
                         f"{', '.join(sorted(_GAINS))}, leaky_relu")
    return _GAINS[nonlinearity]


def _array(tensor: Any) -> np.ndarray:
    data = tensor.data if isinstance(tensor, Tensor) else tensor
    if not isinstance(data, np.ndarray) or data.dtype.kind != "f":
        note = legacy_size_note(data) if isinstance(data, np.ndarray) else ""
        raise TypeError(f"init functions fill a floating point Tensor, got "
                        f"{type(tensor).__name__} of dtype {getattr(data, 'dtype', None)}{note}")
    if isinstance(tensor, Tensor) and tensor.creator is not None:
        raise ValueError(f"init functions fill a leaf tensor (a weight), but this one (shape "
                         f"{tensor.shape}) was computed by {type(tensor.creator).__name__}: "
                         "changing it in place would corrupt the graph that backward uses; "
                         "initialise the weight it was computed from")
    return data


def _fill(tensor: Any, values: Any) -> Any:
    _array(tensor)[...] = values  # in place, cast to the tensor's dtype
    return tensor


def _fans(tensor: Any) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (out, in, *kernel), as PyTorch computes them."""
    shape = _array(tensor).shape
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need a tensor with at least 2 dimensions, "
                         f"got shape {shape}: a {len(shape)}-D tensor (a bias?) has no fan "
                         "in; fill it with zeros_, or with uniform_(b, -bound, bound), "
                         "bound = 1 / sqrt(fan_in of its layer's weight), as nn.Linear does")
    receptive = int(np.prod(shape[2:]))  # kh * kw for a conv kernel, 1 for a matrix
    return shape[1] * receptive, shape[0] * receptive


def uniform_(tensor: Any, a: float = 0.0, b: float = 1.0) -> Any:
    """Fill with samples of U(a, b)."""
    a = checks.real(a, "uniform_: a")
    b = checks.real(b, "uniform_: b", low=a)
    return _fill(tensor, generator().uniform(a, b, _array(tensor).shape))


def normal_(tensor: Any, mean: float = 0.0, std: float = 1.0) -> Any:
    """Fill with samples of N(mean, std**2)."""
    mean = checks.real(mean, "normal_: mean")
    std = checks.real(std, "normal_: std", low=0)
    return _fill(tensor, generator().normal(mean, std, _array(tensor).shape))


def constant_(tensor: Any, val: float) -> Any:
    """Fill with ``val``."""
    return _fill(tensor, checks.real(val, "constant_: val"))


def zeros_(tensor: Any) -> Any:
    """Fill with zeros."""
    return _fill(tensor, 0)


def ones_(tensor: Any) -> Any:
    """Fill with ones."""
    return _fill(tensor, 1)


def xavier_uniform_(tensor: Any, gain: float = 1.0) -> Any:
    """Glorot & Bengio (2010): U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    Example:
        >>> w = nn.init.xavier_uniform_(tg.zeros(64, 32), gain=nn.init.calculate_gain("tanh"))
    """
    gain = checks.real(gain, "xavier_uniform_: gain", low=0)
    fan_in, fan_out = _fans(tensor)
    if fan_in + fan_out == 0:  # a tensor with no elements: nothing to fill
        return tensor
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor: Any, gain: float = 1.0) -> Any:
    """Glorot & Bengio (2010): N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    gain = checks.real(gain, "xavier_normal_: gain", low=0)
    fan_in, fan_out = _fans(tensor)
    if fan_in + fan_out == 0:  # a tensor with no elements: nothing to fill
        return tensor
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def _kaiming_std(tensor: Any, a: float, mode: str, nonlinearity: str) -> float:
    checks.choice(mode, "kaiming init: mode", ("fan_in", "fan_out"))
    a = checks.real(a, "kaiming init: a")
    fan_in, fan_out = _fans(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    if fan == 0:  # a tensor with no elements: nothing to fill
        return 0.0
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor: Any, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu") -> Any:
    """He et al. (2015): U(-bound, bound) with bound = gain * sqrt(3 / fan).

    Args:
        tensor: the weight, shape (out, in, *kernel).
        a: the negative slope of the leaky_relu that follows (used by its gain).
        mode: 'fan_in' (keeps the forward variance) or 'fan_out' (the backward one).
        nonlinearity: 'relu', 'leaky_relu' (the default, as PyTorch), 'tanh', ...

    ``nn.Linear`` uses a = sqrt(5), which gives bound = 1 / sqrt(fan_in).
    """
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor: Any, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu") -> Any:
    """He et al. (2015): N(0, std**2) with std = gain / sqrt(fan)."""
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity))
