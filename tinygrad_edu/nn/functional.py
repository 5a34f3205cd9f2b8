"""Stateless neural-network functions (``import tinygrad_edu.nn.functional as F``).

The layers in ``tg.nn`` hold the parameters and call these. Argument names and defaults
follow ``torch.nn.functional``; an axis may be given as ``dim`` (PyTorch's name) or
``axis`` (NumPy's). PyTorch's deprecated ``size_average``/``reduce`` are refused with the
``reduction`` to write instead.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..factories import generator as _generator
from ..ops import affine as _affine
from ..ops import conv as _conv
from ..ops import elementwise as _ew
from ..ops import embedding as _embedding
from ..ops import gelu as _gelu
from ..ops import loss as _loss
from ..ops import nn as _nn_ops
from ..ops import norm as _norm
from ..ops.shape import GetItem as _GetItem
from .. import checks
from ..dtypes import as_dtype as _as_dtype
from ..functions import norm as _norm_fn
from .._tensor import Tensor, _as_tensor as _tensor
from .input_checks import check_input

__all__ = [
    "relu", "sigmoid", "tanh", "softmax", "log_softmax", "leaky_relu", "softplus", "gelu",
    "normalize",
    "linear", "dropout", "conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d",
    "layer_norm",
    "cross_entropy", "nll_loss", "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "embedding", "one_hot",
]


def __dir__() -> list[str]:
    """``dir(F)`` lists the public functions only (not numpy, Tensor or the helpers)."""
    return sorted(__all__)


_REDUCTIONS = ("mean", "sum", "none")
_NOT_GIVEN = object()  # a default that tells "not given" from None


# --- activations ---


def relu(x: Tensor) -> Tensor:
    """max(x, 0) element-wise."""
    return _ew.ReLU.apply(_tensor(x))


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + exp(-x)) element-wise (computed without overflow)."""
    return _ew.Sigmoid.apply(_tensor(x))


def tanh(x: Tensor) -> Tensor:
    """tanh(x) element-wise."""
    return _ew.Tanh.apply(_tensor(x))


def softmax(x: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None, *,
            axis: Any = _NOT_GIVEN) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim`` (NumPy's name ``axis`` works too), computed stably.

    ``F.softmax(x, 1)``, ``F.softmax(x, dim=1)`` and ``F.softmax(x, axis=1)`` are the same.
    Without an axis, PyTorch's legacy choice (dim 0 for 0-, 1- and 3-D input, else 1) is
    the last axis for 0- to 2-D input, which is used; for 3-D and more it is not the last
    axis (NumPy's habit, ``Tensor.softmax``), so that call raises instead of guessing.

    Args:
        dim: the axis that sums to 1; ``axis`` is the same (give one of them).
        _stacklevel: ignored (PyTorch's, for its warning).
        dtype: cast x to this float dtype first (as PyTorch), e.g. ``np.float64``.

    Raises:
        TypeError: both ``dim`` and ``axis``; ``axis=None`` (NumPy's "all elements"?) or
            no axis for a 3-D or larger input (the message gives PyTorch's choice).
    """
    return _nn_ops.Softmax.apply(*_softmax_args("softmax", x, dim, axis, dtype))


def log_softmax(x: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None, *,
                axis: Any = _NOT_GIVEN) -> Tensor:
    """x - log(sum(exp(x))) along ``dim`` (or ``axis``), computed stably; the arguments and
    the call without an axis as in ``softmax``."""
    return _nn_ops.LogSoftmax.apply(*_softmax_args("log_softmax", x, dim, axis, dtype))


def _softmax_args(fn: str, x: Any, dim: Any, axis: Any, dtype: Any) -> tuple[Tensor, int]:
    """(x, axis) for a softmax from PyTorch's ``dim`` or NumPy's ``axis``, checked."""
    x = _tensor(x)
    if dtype is not None:
        x = x.astype(_float_dtype(dtype, f"{fn}: dtype"))
    return x, _softmax_axis(fn, x.ndim, dim, axis)


def _softmax_axis(fn: str, ndim: int, dim: Any, axis: Any = _NOT_GIVEN) -> int:
    """The axis of a softmax over an ``ndim``-D input, from ``dim`` or ``axis`` (one only)."""
    if axis is not _NOT_GIVEN:
        if dim is not None:
            raise TypeError(f"{fn}: axis= and dim= are the same argument (NumPy's and "
                            "PyTorch's name); give one of them")
        if axis is None:
            raise TypeError(f"{fn}: axis must be an int, got None; for a softmax over all "
                            "elements reshape to 1-D first (x.reshape(-1)), for PyTorch's "
                            "implicit choice leave the axis out")
        return checks.integer(axis, f"{fn}: axis")
    if dim is not None:
        return checks.integer(dim, f"{fn}: dim")
    if ndim <= 2:  # PyTorch's implicit dim (0 for 0-D and 1-D, 1 for 2-D) is the last axis
        return -1
    legacy = 0 if ndim == 3 else 1
    raise TypeError(f"{fn}: give the axis for a {ndim}-D input: without one, PyTorch picks "
                    f"dim={legacy} (deprecated), NumPy's habit the last axis; write "
                    f"dim={legacy} for PyTorch's result or dim=-1 for the last axis")


def normalize(x: Tensor, p: Any = 2.0, dim: Any = _NOT_GIVEN, eps: float = 1e-12,
              out: Any = None, *, axis: Any = _NOT_GIVEN) -> Tensor:
    """x / max(||x||_p, eps) along ``dim`` (default 1; NumPy's name ``axis`` works too).

    Each slice along the axis becomes a unit vector (a zero one stays zero): PyTorch's
    ``F.normalize``. The 2-norm has gradient 0 at 0, so a zero slice gets a finite one.

    Args:
        p: the norm's order: 2 (default), 1, inf or -inf.
        dim: an int, a tuple, or None (all elements, as PyTorch); ``axis`` is the same.
        eps: the smallest divisor, > 0 (default 1e-12).
        out: not supported (results are new tensors).

    Raises:
        TypeError: both ``dim`` and ``axis``, ``out=``, or an unsupported p.
    """
    if out is not None:
        raise TypeError("normalize: out= is not supported (nothing is written in place); "
                        "use y = F.normalize(x)")
    if dim is not _NOT_GIVEN and axis is not _NOT_GIVEN:
        raise TypeError("normalize: axis= and dim= are the same argument (NumPy's and "
                        "PyTorch's name); give one of them")
    axis = dim if dim is not _NOT_GIVEN else 1 if axis is _NOT_GIVEN else axis
    eps = checks.real(eps, "normalize: eps", low=0, low_open=True)
    x = check_input(x, "normalize")
    return x / _norm_fn(x, p, axis=axis, keepdims=True).clip(min=eps)


def _float_dtype(dtype: Any, where: str) -> np.dtype:
    dtype = _as_dtype(dtype, where)
    if dtype.kind != "f":
        raise TypeError(f"{where} must be a floating point dtype, got {dtype}")
    return dtype


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x where x > 0, else negative_slope * x, element-wise.

    The gradient is 1 where x > 0, else negative_slope (also at x = 0, as PyTorch).
    """
    return _tensor(x).leaky_relu(negative_slope)


def softplus(x: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta * x)) / beta element-wise, a smooth relu; x itself where
    beta * x > threshold (PyTorch's semantics). Computed without overflow.

    The gradient is sigmoid(beta * x), and 1 in the linear part.

    Raises:
        ValueError: if beta is 0.
    """
    beta = checks.real(beta, "softplus: beta")
    threshold = checks.real(threshold, "softplus: threshold")
    if beta == 0:
        raise ValueError(f"softplus: beta must be nonzero, got {beta}")
    return _ew.Softplus.apply(_tensor(x), beta, threshold)


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """The Gaussian error linear unit x * Phi(x) element-wise, Phi the standard normal CDF.

    Phi(x) = (1 + erf(x / sqrt(2))) / 2, computed to float64 accuracy without SciPy (see
    ``tg.ops.gelu``); dy/dx = Phi(x) + x exp(-x^2 / 2) / sqrt(2 pi). With
    ``approximate='tanh'``, PyTorch's approximation
    0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))) instead: 5-10x faster here (NumPy's
    tanh is one pass, Phi about twenty), and within 5e-4 of the exact form.

    Raises:
        ValueError: if approximate is not 'none' or 'tanh'.
    """
    checks.choice(approximate, "gelu: approximate", ("none", "tanh"))
    return _gelu.GELU.apply(_tensor(x), approximate)


# --- layers ---


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """The affine map ``x @ weight.T + bias``, one graph node.

    Args:
        x: input of shape (..., in_features).
        weight: shape (out_features, in_features), PyTorch's layout.
        bias: shape (out_features,), or None.

    Returns:
        A Tensor of shape (..., out_features).

    Raises:
        TypeError: x is not a Tensor (or array) of the weight's floating point dtype.
    """
    x = check_input(x, "linear", _tensor(weight).dtype, owner="weight")
    return _affine.Affine.apply(x, weight, bias)


def dropout(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Inverted dropout: zero each element with probability p, scale the rest by 1 / (1 - p).

    The expected value of each element is unchanged, so nothing needs rescaling at test
    time. The mask comes from the library's generator (``tg.manual_seed``). With
    ``training=False`` or p = 0 it returns x itself; with p = 1, zeros (as PyTorch).

    Raises:
        ValueError: if p is not in [0, 1].
    """
    p = checks.real(p, "dropout: p", low=0, high=1)
    training = checks.flag(training, "dropout: training")
    x = _tensor(x)
    if not training or p == 0.0:
        return x
    if x.dtype.kind != "f":  # scaling by 1 / (1 - p) needs floats (PyTorch refuses too)
        raise TypeError(f"dropout expects floating point input in training, got dtype "
                        f"{x.dtype}; convert it first: x.astype(np.float32)")
    if p == 1.0:
        return x * 0.0
    dtype = x.data.dtype
    # Generator.random draws float32 or float64 only (float16 draws float64, then casts).
    draws = _generator().random(x.shape,
                                dtype=dtype if dtype in (np.float32, np.float64) else None)
    mask = np.multiply(draws >= p, 1.0 / (1.0 - p), dtype=dtype)
    return x * mask


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation) of x (N, C, H, W) with weight (O, C/groups, kh, kw).

    y[n, o, h, w] = b[o] + sum over c, i, j of
    W[o, c, i, j] * x_pad[n, g*C/groups + c, sh*h + dh*i, sw*w + dw*j], g = o // (O/groups).

    Args:
        stride: an int or a pair (sh, sw).
        padding: zeros added on each side of H and W, an int or a pair (ph, pw); or
            ``"valid"`` (no padding) or ``"same"`` (stride 1 only: the output keeps the
            input's size; an odd total padding puts the extra zero at the bottom/right,
            as PyTorch).
        dilation: an int or a pair (dh, dw): the kernel reads every d-th pixel, so it
            spans d*(k-1)+1 pixels with k weights (default 1, a dense kernel).
        groups: split the C input and O output channels into ``groups`` independent
            convolutions, each seeing C/groups inputs and making O/groups outputs; both C
            and O must be divisible by it. groups=C is a depthwise convolution.

    Returns:
        (N, O, Ho, Wo) with Ho = (H + 2 ph - dh*(kh - 1) - 1) // sh + 1 (Wo likewise).

    Example:
        >>> x = tg.randn(2, 8, 5, 5)  # depthwise 3x3: one kernel per channel
        >>> F.conv2d(x, tg.randn(8, 1, 3, 3), padding=1, groups=8).shape
        (2, 8, 5, 5)

    Raises:
        ValueError: on shapes that do not fit: groups not dividing the channels, the
            weight's second axis not C/groups, a dilated kernel larger than the padded
            input, a stride, padding or dilation out of range.
    """
    x = check_input(x, "conv2d", _tensor(weight).dtype, owner="weight")
    stride = checks.int_pair(stride, "conv2d: stride", low=1)
    dilation = checks.int_pair(dilation, "conv2d: dilation", low=1)
    groups = checks.integer(groups, "conv2d: groups", low=1)
    if x.ndim != 4:
        raise ValueError(f"conv2d expects input of shape (N, C, H, W), got shape {x.shape}")
    if weight.ndim != 4:
        raise ValueError(f"conv2d expects a weight of shape (O, C/groups, kh, kw), "
                         f"got {weight.shape}")
    if weight.shape[0] % groups:
        raise ValueError(f"conv2d: groups={groups} must divide the output channels, got a "
                         f"weight of shape {weight.shape} ({weight.shape[0]} output channels)")
    if x.shape[1] != groups * weight.shape[1]:
        per_group = (f" ({groups} groups x {weight.shape[1]} channels each)"
                     if groups > 1 else "")
        raise ValueError(f"conv2d: the weight (shape {weight.shape}) expects "
                         f"{groups * weight.shape[1]} input channels{per_group}, got input of "
                         f"shape {x.shape}")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ValueError(f"conv2d: the bias must have shape ({weight.shape[0]},), one value per "
                         f"output channel, got shape {tuple(bias.shape)}")
    kernel = tuple(weight.shape[2:])
    padding = _conv_padding(padding, kernel, stride, dilation)
    _check_fits(x.shape, kernel, padding, "conv2d", dilation)
    return _conv.Conv2d.apply(x, weight, bias, stride, padding, dilation, int(groups))


def _conv_padding(padding: Any, kernel: tuple, stride: tuple,
                  dilation: tuple) -> tuple[tuple[int, int], tuple[int, int]]:
    """conv2d's padding as ((top, bottom), (left, right)), from ints, a pair, "valid" or "same"."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(f"padding='same' needs stride 1 (as in PyTorch), "
                                 f"got stride={stride}")
            totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return tuple((t // 2, t - t // 2) for t in totals)
        raise ValueError(f"padding must be 'valid', 'same', an int >= 0 or a pair of them, "
                         f"got {padding!r}")
    ph, pw = checks.int_pair(padding, "padding", low=0)
    return (ph, ph), (pw, pw)


def max_pool2d(x: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1) -> Tensor:
    """The maximum over each kh x kw window of x (N, C, H, W).

    y[n, c, h, w] = max over i < kh, j < kw of x_pad[n, c, sh*h + dh*i, sw*w + dw*j], with
    -inf as padding.

    Args:
        kernel_size: an int or a pair.
        stride: defaults to ``kernel_size`` (non-overlapping windows).
        padding: -inf added on each side, at most half the kernel size.
        dilation: an int or a pair: the window reads every d-th pixel (default 1).

    Returns:
        (N, C, Ho, Wo) with Ho = (H + 2 ph - dh*(kh - 1) - 1) // sh + 1 (Wo likewise).
    """
    x, kernel, stride, padding = _pool_args(x, kernel_size, stride, padding, "max_pool2d")
    dilation = checks.int_pair(dilation, "max_pool2d: dilation", low=1)
    _check_fits(x.shape, kernel, padding, "max_pool2d", dilation)
    return _conv.MaxPool2d.apply(x, kernel, stride, padding, dilation)


def avg_pool2d(x: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """The mean over each kh x kw window of x (N, C, H, W).

    y[n, c, h, w] = sum over i < kh, j < kw of x_pad[n, c, sh*h + i, sw*w + j] / d, with
    zeros as padding and d = kh*kw, as PyTorch. dL/dx spreads each output's gradient,
    divided by d, evenly over its window.

    Args:
        kernel_size: an int or a pair.
        stride: defaults to ``kernel_size`` (non-overlapping windows).
        padding: zeros added on each side, at most half the kernel size (default 0).
        ceil_mode: round the output size up, adding a last, partial window where the
            input leaves one (default False).
        count_include_pad: with padding, d counts the padded positions of a window
            (default True, so d = kh*kw); if False, d is the number of its positions
            inside x.
        divisor_override: if given, d is this number for every window.

    Returns:
        (N, C, Ho, Wo) with Ho = (H + 2 ph - kh) // sh + 1 (rounded up with ceil_mode).

    Example:
        >>> F.avg_pool2d(tg.ones(1, 1, 4, 4), 2).shape
        (1, 1, 2, 2)
    """
    x, kernel, stride, padding = _pool_args(x, kernel_size, stride, padding, "avg_pool2d")
    if divisor_override is not None:
        divisor_override = checks.integer(divisor_override, "avg_pool2d: divisor_override",
                                          low=1)
    ceil_mode = checks.flag(ceil_mode, "avg_pool2d: ceil_mode")
    count_include_pad = checks.flag(count_include_pad, "avg_pool2d: count_include_pad")
    geometry = _conv.avg_pool_geometry(x.shape, kernel, stride, padding, ceil_mode,
                                       count_include_pad, divisor_override, x.dtype)
    return _conv.AvgPool2d.apply(x, geometry)


def adaptive_avg_pool2d(x: Tensor, output_size: Any) -> Tensor:
    """Average pooling of x (N, C, H, W) to a given output size (Ho, Wo), as PyTorch.

    Output row i averages the input rows from floor(i H / Ho) to ceil((i + 1) H / Ho)
    (exclusive), columns likewise; so the windows cover the input, overlapping where
    Ho does not divide H. As that averaging is separable, y = A x B^T with constant
    matrices A (Ho, H) and B (Wo, W); output_size 1 is the global average (the mean over
    H and W) and an output that divides the input is ``avg_pool2d`` with
    kernel_size = stride = (H / Ho, W / Wo): both are computed so.

    Args:
        output_size: an int or a pair (Ho, Wo); None in the pair keeps that input size.

    Example:
        >>> F.adaptive_avg_pool2d(tg.randn(8, 64, 7, 7), 1).shape  # global average pooling
        (8, 64, 1, 1)
    """
    x = check_input(x, "adaptive_avg_pool2d")
    if x.ndim != 4:
        raise ValueError(f"adaptive_avg_pool2d expects input of shape (N, C, H, W), got "
                         f"shape {x.shape}")
    h, w = x.shape[2], x.shape[3]
    sizes = _output_size(output_size)
    ho, wo = h if sizes[0] is None else sizes[0], w if sizes[1] is None else sizes[1]
    if (ho, wo) == (1, 1):
        return x.mean(axis=(2, 3), keepdims=True)
    if h % ho == 0 and w % wo == 0:
        return avg_pool2d(x, (h // ho, w // wo))
    rows, cols = _adaptive_matrix(ho, h, x.dtype), _adaptive_matrix(wo, w, x.dtype)
    return Tensor(rows) @ x @ Tensor(cols.T)


def _output_size(output_size: Any) -> tuple:
    """adaptive_avg_pool2d's output_size as a pair of positive ints or None."""
    if (isinstance(output_size, (tuple, list)) and len(output_size) == 2
            and any(s is None for s in output_size)):  # None keeps that input size
        return tuple(None if s is None else checks.integer(s, f"output_size[{i}]", low=1)
                     for i, s in enumerate(output_size))
    return checks.int_pair(output_size, "output_size", low=1)


def _adaptive_matrix(out: int, size: int, dtype: Any) -> np.ndarray:
    """(out, size): row i averages positions floor(i size / out) to ceil((i+1) size / out)."""
    matrix = np.zeros((out, size), dtype)
    for i in range(out):
        start, end = (i * size) // out, -((-(i + 1) * size) // out)
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


# --- normalisation ---


def layer_norm(x: Tensor, normalized_shape: Any, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise over the last len(normalized_shape) axes, then scale and shift.

    With m and v the mean and the biased (population) variance of x over those axes::

        y = (x - m) / sqrt(v + eps) * weight + bias

    One fused graph node (``tg.ops.norm.Normalize``), second order included.

    Args:
        x: input whose last axes are normalized_shape, e.g. (batch, tokens, features).
        normalized_shape: an int (the last axis' size) or a tuple of the last axes' sizes.
        weight, bias: of shape normalized_shape, or None (no scale / no shift).
        eps: added to the variance (default 1e-5).

    Raises:
        ValueError: the last axes of x, or the shape of weight or bias, are not
            normalized_shape.

    Example:
        >>> F.layer_norm(tg.randn(2, 5, 8), 8).shape
        (2, 5, 8)
    """
    x = check_input(x, "layer_norm", _param_dtype(weight, bias), owner="weight")
    shape = _normalized_shape(normalized_shape)
    checks.real(eps, "layer_norm: eps", low=0, low_open=True)
    k = len(shape)
    if x.ndim < k or tuple(x.shape[x.ndim - k:]) != shape:
        star = ", ".join(["*"] + [str(s) for s in shape])
        raise ValueError(f"layer_norm: normalized_shape={shape} expects input of shape "
                         f"({star}), got shape {x.shape}")
    for name, param in (("weight", weight), ("bias", bias)):
        if param is not None and tuple(param.shape) != shape:
            raise ValueError(f"layer_norm: {name} must have shape {shape} (normalized_shape), "
                             f"got shape {tuple(param.shape)}")
    axes = tuple(range(x.ndim - k, x.ndim))
    return _norm.Normalize.apply(x, weight, bias, axes, shape, float(eps))


def _param_dtype(*params: Any) -> Any:
    """The dtype of the first parameter that is not None (None if all are)."""
    for param in params:
        if param is not None:
            return _tensor(param).dtype
    return None


def _normalized_shape(normalized_shape: Any) -> tuple[int, ...]:
    """An int or a sequence of ints as a non-empty tuple of positive ints."""
    return checks.int_tuple(normalized_shape, "normalized_shape", low=1)


def _pool_args(x: Any, kernel_size: Any, stride: Any, padding: Any, name: str) -> tuple:
    """A pooling's input and its kernel, stride (the kernel by default) and padding (at
    most half the kernel, as PyTorch), checked."""
    x = check_input(x, name)
    kernel = checks.int_pair(kernel_size, f"{name}: kernel_size", low=1)
    stride = kernel if stride is None else checks.int_pair(stride, f"{name}: stride", low=1)
    padding = checks.int_pair(padding, f"{name}: padding", low=0)
    if x.ndim != 4:
        raise ValueError(f"{name} expects input of shape (N, C, H, W), got shape {x.shape}")
    if padding[0] * 2 > kernel[0] or padding[1] * 2 > kernel[1]:
        raise ValueError(f"padding must be at most half of kernel_size, got padding={padding} "
                         f"for kernel_size={kernel}")
    return x, kernel, stride, padding


def _check_fits(x_shape: tuple, kernel: tuple, padding: tuple, name: str,
                dilation: tuple = (1, 1)) -> None:
    """The (dilated) kernel must fit in the padded input: at least one output pixel.

    ``padding`` is (ph, pw), added on both sides, or ((top, bottom), (left, right)).
    """
    totals = [sum(p) if isinstance(p, tuple) else 2 * p for p in padding]
    h, w = x_shape[2] + totals[0], x_shape[3] + totals[1]
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if h < span[0] or w < span[1]:
        dilated = "" if tuple(dilation) == (1, 1) else \
            f" with dilation {tuple(dilation)} (spanning {span})"
        raise ValueError(f"{name}: kernel {tuple(kernel)}{dilated} is larger than the padded "
                         f"input ({h}, {w}) (input shape {x_shape}, padding {padding})")


# --- losses ---


def cross_entropy(input: Tensor, target: Any, weight: Any = None, *, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0,
                  size_average: Any = None, reduce: Any = None) -> Tensor:
    """Cross-entropy of logits (N, C) against integer class labels (N,), computed stably.

    Equal to ``-log_softmax(input)[range(N), target]`` averaged over the batch, but one
    graph node, with the gradient (softmax - onehot) / N. The options follow PyTorch
    (``weight`` may be the third argument, the others are keyword-only). With
    log p = log_softmax(input), class weights w (1 if not given), k_n = 0 for a row whose
    label is ``ignore_index`` (else 1), a_n = k_n w[t_n] and the smoothing e::

        loss_n = (1 - e) a_n (-log p[n, t_n]) + (e / C) k_n sum_c w_c (-log p[n, c])
        'mean': sum_n loss_n / sum_n a_n     'sum': sum_n loss_n     'none': (loss_n)

    so 'mean' divides by the summed weight of the labels that count (their number
    without weights); if every label is ignored it gives nan, as PyTorch.

    Args:
        input: unnormalised scores (logits), shape (N, C).
        target: class indices in [0, C) (or ``ignore_index``), shape (N,), an integer
            Tensor or array.
        weight: a rescaling of each class, a float array or Tensor of shape (C,), cast to
            the input's dtype; a constant (no gradient, and not one that requires grad).
        ignore_index: a label value that contributes neither loss nor gradient and is
            left out of the mean's denominator (default -100, which no class uses).
        reduction: 'mean' (default), 'sum', or 'none' (the N losses).
        label_smoothing: e in [0, 1]: the target becomes (1 - e) * onehot + e / C.

    Raises:
        ValueError: wrong shapes, a label out of range, a bad reduction, smoothing or
            weight (shape or dtype).
        TypeError: labels that are not integers, an ignore_index that is not an int.

    Example:
        >>> logits = tg.Tensor([[2.0, 0.5, -1.0]], requires_grad=True)
        >>> F.cross_entropy(logits, np.array([0]))
        >>> F.cross_entropy(logits, np.array([0]), weight=np.array([1.0, 2.0, 2.0]))
    """
    x = _tensor(input)
    _reduction(reduction, size_average, reduce, "cross_entropy")
    t, weight, ignore_index, ignored = _class_targets(x, target, weight, ignore_index,
                                                      "cross_entropy", "logits")
    checks.real(label_smoothing, "cross_entropy: label_smoothing", low=0, high=1)
    if weight is None and not ignored:  # the fast path: no option in use
        return _loss.CrossEntropy.apply(x, t, reduction, float(label_smoothing))
    return _loss.WeightedCrossEntropy.apply(x, t, reduction, float(label_smoothing), weight,
                                            ignore_index)


def _class_targets(x: Tensor, target: Any, weight: Any, ignore_index: Any, fn: str,
                   scores: str) -> tuple[np.ndarray, np.ndarray | None, int, bool]:
    """Check what cross_entropy and nll_loss share: the (N, C) input, the labels, the
    class weights and ``ignore_index``, with PyTorch's rules.

    Returns the labels (an integer ndarray of shape (N,)), the weights as a constant of
    x's dtype (or None), ``ignore_index`` as an int, and whether some label equals it.
    ``scores`` names what the input holds (logits, log-probabilities) in the messages.
    """
    _check_predictions(x, fn)
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if x.ndim != 2:
        raise ValueError(f"{fn} expects {scores} of shape (N, C), got shape {x.shape}")
    n, c = x.shape
    if t.dtype.kind not in "iu":
        one_hot = (" (these look like one-hot or probability rows: the labels are "
                   "target.argmax(axis=1))" if t.dtype.kind == "f" and t.shape == x.shape
                   else "")
        raise TypeError(f"{fn} expects integer class labels, got dtype {t.dtype}{one_hot}; "
                        "pass integer class indices, e.g. tg.Tensor(labels, dtype=np.int64) "
                        "or np.asarray(labels).astype(np.int64)")
    if t.shape != (n,):
        fix = "; flatten them: labels.reshape(-1)" if t.size == n and t.ndim > 1 else ""
        raise ValueError(f"{fn}: labels must have shape ({n},) for {scores} of shape "
                         f"{x.shape}, got shape {t.shape}{fix}")
    ignore_index = checks.integer(ignore_index, f"{fn}: ignore_index")
    ignored = False  # does some label equal ignore_index?
    if n and (t.min() < 0 or t.max() >= c):
        out_of_range = ((t < 0) | (t >= c)) & (t != ignore_index)
        if out_of_range.any():
            allowed = "" if ignore_index == -100 else f" or equal ignore_index={ignore_index}"
            raise ValueError(f"{fn}: label {t[out_of_range][0]} is out of range for "
                             f"{c} classes (labels must be in [0, {c - 1}]{allowed})")
        ignored = True
    elif n and 0 <= ignore_index < c:
        ignored = bool((t == ignore_index).any())
    if weight is not None:
        weight = _constant(weight, "weight", fn)
        if weight.dtype.kind != "f":
            raise ValueError(f"{fn}: weight must be a floating point array of shape "
                             f"({c},), got dtype {weight.dtype}")
        if weight.shape != (c,):
            raise ValueError(f"{fn}: weight must have shape ({c},), one value per "
                             f"class of the input of shape {x.shape}, got shape {weight.shape}")
        weight = weight.astype(x.dtype, copy=False)
    return t, weight, ignore_index, ignored


def nll_loss(input: Tensor, target: Any, weight: Any = None, *, ignore_index: int = -100,
             reduction: str = "mean", size_average: Any = None, reduce: Any = None) -> Tensor:
    """Negative log-likelihood of log-probabilities (N, C) at integer class labels (N,).

    ``-input[range(N), target]`` averaged over the batch, one graph node;
    ``nll_loss(log_softmax(x), t)`` equals ``cross_entropy(x, t)``. With class weights
    w (1 if not given), k_n = 0 for a row whose label is ``ignore_index`` (else 1) and
    a_n = k_n w[t_n]::

        loss_n = -a_n input[n, t_n]
        'mean': sum_n loss_n / sum_n a_n     'sum': sum_n loss_n     'none': (loss_n)
        d loss_n / d input[n, c] = -a_n if c == t_n else 0

    so 'mean' divides by the summed weight of the labels that count; if every label is
    ignored it gives nan, as PyTorch. The options follow PyTorch (``weight`` may be the
    third argument, the others are keyword-only).

    Args:
        input: log-probabilities (e.g. ``log_softmax(logits, axis=1)``), shape (N, C).
        target: class indices in [0, C) (or ``ignore_index``), shape (N,), an integer
            Tensor or array; no gradient.
        weight: a rescaling of each class, a float array or Tensor of shape (C,), cast to
            the input's dtype; a constant (no gradient).
        ignore_index: a label value that contributes neither loss nor gradient and is
            left out of the mean's denominator (default -100).
        reduction: 'mean' (default), 'sum', or 'none' (the N losses).

    Raises:
        ValueError: wrong shapes, a label out of range, a bad reduction or weight.
        TypeError: labels that are not integers, an ignore_index that is not an int.

    Example:
        >>> log_p = F.log_softmax(logits, axis=1)
        >>> F.nll_loss(log_p, np.array([0, 2]))
    """
    x = _tensor(input)
    _reduction(reduction, size_average, reduce, "nll_loss")
    t, weight, ignore_index, ignored = _class_targets(x, target, weight, ignore_index,
                                                      "nll_loss", "log-probabilities")
    return _loss.NLL.apply(x, t, reduction, weight, ignore_index if ignored else None)


def _reduction(reduction: Any, size_average: Any, reduce: Any, fn: str) -> str:
    """Check ``reduction``; refuse PyTorch's deprecated ``size_average``/``reduce``, naming
    the ``reduction`` they mean (PyTorch's mapping: reduce=False is 'none', else
    size_average=False is 'sum', else 'mean')."""
    if size_average is not None or reduce is not None:
        meant = "none" if reduce is False else "sum" if size_average is False else "mean"
        given = ", ".join(f"{k}={v!r}" for k, v in (("size_average", size_average),
                                                    ("reduce", reduce)) if v is not None)
        raise TypeError(f"{fn}: size_average and reduce are PyTorch's deprecated options "
                        f"(replaced by reduction in PyTorch 0.4.1); instead of {given} write "
                        f"reduction={meant!r}")
    return checks.choice(reduction, "reduction", _REDUCTIONS)


def _check_not_a_reduction(value: Any, name: str) -> None:
    """A weight given as a string is a reduction passed by position (the older order)."""
    if isinstance(value, str):
        raise TypeError(f"{name} must be an array, got {value!r}; pass reduction={value!r} "
                        "by keyword")


def _constant(value: Any, name: str, fn: str) -> np.ndarray:
    """A loss weight (Tensor or array-like) as an ndarray; it gets no gradient, as PyTorch."""
    _check_not_a_reduction(value, f"{fn}: {name}")
    if isinstance(value, Tensor):
        if value.requires_grad:
            raise ValueError(f"{fn}: {name} must not require grad ({fn} is not "
                             f"differentiable with respect to {name}, as in PyTorch); "
                             f"pass {name}.detach()")
        return value.data
    return np.asarray(value)


def _target_like(x: Tensor, target: Any, name: str) -> Any:
    """A target of x's shape; a constant one is cast to x's dtype (float32 stays float32).

    The input must hold floats (predictions): casting a float target to an integer
    input's dtype would truncate it, and PyTorch refuses most such losses too.
    """
    _check_predictions(x, name)
    if target is None or isinstance(target, str):
        raise TypeError(f"{name}: target must be a Tensor or an array of numbers, got "
                        f"{target!r}")
    labels = target.data if isinstance(target, Tensor) else np.asarray(target)
    if labels.dtype.kind not in "biuf":
        raise TypeError(f"{name}: target must hold numbers, got dtype {labels.dtype}")
    if labels.shape != x.shape:
        raise ValueError(_shape_mismatch(name, x.shape, labels))
    if not isinstance(target, Tensor):
        target = labels.astype(x.dtype, copy=False)
    elif not target.requires_grad and target.dtype != x.dtype:
        target = target.data.astype(x.dtype)
    return target


def _check_predictions(x: Tensor, name: str) -> None:
    if x.dtype.kind != "f":
        raise TypeError(f"{name} expects floating point predictions as input, got dtype "
                        f"{x.dtype}; convert them: x.astype(np.float32)")


def _shape_mismatch(name: str, shape: tuple, target: np.ndarray) -> str:
    """The message for a target whose shape differs from the input's: class labels for a
    classifier's scores, or a fix that fits (a reshape only where the sizes agree)."""
    message = f"{name}: target shape {target.shape} differs from input shape {shape}"
    if (target.dtype.kind in "biu" and target.ndim == 1 and len(shape) == 2 and shape[1] > 1
            and target.shape[0] == shape[0]):
        return (f"{message}: the target looks like integer class labels, one per row of "
                f"{shape[1]} class scores. Class labels belong with CrossEntropyLoss "
                f"(F.cross_entropy(logits, labels)), which takes them as they are; {name} "
                f"compares values, so it would need a target of shape {shape} (for one-hot "
                f"rows: np.eye({shape[1]})[labels])")
    if target.size == int(np.prod(shape)):
        return f"{message}; reshape one of them (e.g. target.reshape({shape}))"
    return (f"{message}, and they hold different numbers of values ({target.size} vs "
            f"{int(np.prod(shape))}), so no reshape can match them")


def mse_loss(input: Tensor, target: Any, *, reduction: str = "mean", size_average: Any = None,
             reduce: Any = None) -> Tensor:
    """Mean squared error: mean((input - target)**2).

    Args:
        input: predictions.
        target: values of the same shape (a mismatch such as (N, 1) vs (N,) is an error,
            not a silent broadcast).
        reduction: 'mean' (default), 'sum' or 'none'.
    """
    x = _tensor(input)
    _reduction(reduction, size_average, reduce, "mse_loss")
    return _loss.MSE.apply(x, _target_like(x, target, "mse_loss"), reduction)


def l1_loss(input: Tensor, target: Any, *, reduction: str = "mean", size_average: Any = None,
            reduce: Any = None) -> Tensor:
    """Mean absolute error: mean(|input - target|).

    loss = |x - z| element-wise; d loss / dx = sign(x - z) = -d loss / dz, 0 at x = z
    (PyTorch's convention at the kink).

    Args:
        input: predictions.
        target: values of the same shape (no silent broadcast); it gets a gradient if it
            requires one.
        reduction: 'mean' (default), 'sum' or 'none'.
    """
    x = _tensor(input)
    _reduction(reduction, size_average, reduce, "l1_loss")
    return _loss.L1.apply(x, _target_like(x, target, "l1_loss"), reduction)


def huber_loss(input: Tensor, target: Any, *, reduction: str = "mean",
               delta: float = 1.0) -> Tensor:
    """Huber loss: quadratic for small errors, linear (slope delta) for large ones.

    With d = input - target::

        loss = 0.5 d**2                   if |d| < delta
               delta (|d| - delta / 2)    otherwise
        d loss / d input = clip(d, -delta, delta) = -d loss / d target

    Args:
        input: predictions.
        target: values of the same shape (no silent broadcast).
        reduction: 'mean' (default), 'sum' or 'none'.
        delta: where the loss turns from quadratic to linear, > 0 (default 1.0).

    Raises:
        ValueError: delta <= 0 or not finite, shapes that differ, a bad reduction.
    """
    x = _tensor(input)
    checks.choice(reduction, "reduction", _REDUCTIONS)
    delta = checks.real(delta, "huber_loss: delta", low=0, low_open=True)
    return _loss.Huber.apply(x, _target_like(x, target, "huber_loss"), reduction, delta, 1.0)


def smooth_l1_loss(input: Tensor, target: Any, *, reduction: str = "mean",
                   beta: float = 1.0, size_average: Any = None, reduce: Any = None) -> Tensor:
    """Smooth L1 loss: ``huber_loss(input, target, delta=beta) / beta`` for beta > 0.

    With d = input - target::

        loss = 0.5 d**2 / beta            if |d| < beta
               |d| - beta / 2             otherwise
        d loss / d input = clip(d / beta, -1, 1) = -d loss / d target

    beta = 0 is ``l1_loss`` (as PyTorch). Unlike Huber, the slope beyond beta is 1
    whatever beta is.

    Args:
        input: predictions.
        target: values of the same shape (no silent broadcast).
        reduction: 'mean' (default), 'sum' or 'none'.
        beta: where the loss turns from quadratic to linear, >= 0 (default 1.0).

    Raises:
        ValueError: beta < 0 or not finite, shapes that differ, a bad reduction.
    """
    x = _tensor(input)
    _reduction(reduction, size_average, reduce, "smooth_l1_loss")
    beta = checks.real(beta, "smooth_l1_loss: beta", low=0)
    z = _target_like(x, target, "smooth_l1_loss")
    if beta == 0.0:
        return _loss.L1.apply(x, z, reduction)
    return _loss.Huber.apply(x, z, reduction, beta, beta)


def binary_cross_entropy_with_logits(input: Tensor, target: Any, weight: Any = None, *,
                                     reduction: str = "mean", pos_weight: Any = None,
                                     size_average: Any = None, reduce: Any = None) -> Tensor:
    """Binary cross-entropy of sigmoid(input) against targets in [0, 1], computed stably.

    With s = sigmoid(x), PyTorch's loss with its options (``weight`` may be the
    third argument, the others are keyword-only)::

        loss = -w [p z log s + (1 - z) log(1 - s)]
             = w [(1 - z) x + (1 + (p - 1) z) softplus(-x)]

    where softplus(-x) = -log s = max(-x, 0) + log(1 + exp(-|x|)), so no exp overflows
    and no log(0) is taken (|x| ~ 1000 is fine). Without options (p = w = 1) it is
    max(x, 0) - x z + log(1 + exp(-|x|)).

    Args:
        input: logits, any shape.
        target: same shape, values in [0, 1].
        weight: w, a rescaling of each element's loss, broadcast to the input's shape.
        reduction: 'mean' (default, over all elements; not divided by the weights),
            'sum' or 'none'.
        pos_weight: p, the weight of the positive term, broadcast to the input's shape
            (typically shape (C,) for the last axis: p_c = #negatives / #positives of
            class c trades precision for recall).
        Both weights are constants cast to the input's dtype (no gradient, as PyTorch).

    Raises:
        ValueError: target shape differs from the input's, a weight that does not
            broadcast to the input's shape or is not numeric, a bad reduction.
    """
    x = _tensor(input)
    _reduction(reduction, size_average, reduce, "binary_cross_entropy_with_logits")
    fn = "binary_cross_entropy_with_logits"
    z = _target_like(x, target, fn)
    if pos_weight is None and weight is None:  # the fast path
        return _loss.BCEWithLogits.apply(x, z, reduction)
    return _loss.WeightedBCEWithLogits.apply(x, z, reduction,
                                             _broadcast_weight(pos_weight, "pos_weight", x, fn),
                                             _broadcast_weight(weight, "weight", x, fn))


def binary_cross_entropy(input: Tensor, target: Any, weight: Any = None, *,
                         reduction: str = "mean", size_average: Any = None,
                         reduce: Any = None) -> Tensor:
    """Binary cross-entropy of probabilities in [0, 1] against targets in [0, 1].

    PyTorch's loss, with each log clamped at -100 so that p = 0 or 1 gives a finite
    loss; for p = input, z = target and the weight w (1 if not given)::

        loss = -w [z max(log p, -100) + (1 - z) max(log(1 - p), -100)]
        d loss / dp = w (p - z) / max(p (1 - p), 1e-12)
        d loss / dz = -w log(p / (1 - p))     (+-inf at p = 0 or 1, as PyTorch)

    On logits, ``binary_cross_entropy_with_logits`` is the stable choice: it never
    rounds sigmoid(x) to 0 or 1.

    Args:
        input: probabilities p, any shape, every value in [0, 1].
        target: same shape, values in [0, 1]; it gets a gradient if it requires one.
        weight: w, a rescaling of each element's loss broadcast to the input's shape, a
            constant cast to the input's dtype (no gradient, as PyTorch).
        reduction: 'mean' (default, over all elements; not divided by the weights),
            'sum' or 'none'.

    Raises:
        ValueError: an input or target value outside [0, 1] (or nan), a target shape
            that differs from the input's, a weight that does not broadcast to it, a bad
            reduction.
    """
    fn = "binary_cross_entropy"
    x = _tensor(input)
    _reduction(reduction, size_average, reduce, "binary_cross_entropy")
    z = _target_like(x, target, fn)
    _check_probabilities(x.data, "input", fn, " (probabilities; for logits use "
                                              "binary_cross_entropy_with_logits)")
    _check_probabilities(z.data if isinstance(z, Tensor) else z, "target", fn, "")
    return _loss.BCE.apply(x, z, reduction, _broadcast_weight(weight, "weight", x, fn))


def _check_probabilities(values: np.ndarray, name: str, fn: str, hint: str) -> None:
    """Every value in [0, 1] (nan is not), as PyTorch checks; the error names one outside."""
    if values.size and not (values.min() >= 0.0 and values.max() <= 1.0):
        bad = values[~((values >= 0.0) & (values <= 1.0))].flat[0]
        raise ValueError(f"{fn}: every {name} value must be in [0, 1]{hint}, got {bad}")


def _broadcast_weight(value: Any, name: str, x: Tensor, fn: str) -> np.ndarray | None:
    """A weight of a binary cross-entropy (``fn``) as a constant of x's dtype."""
    if value is None:
        return None
    value = _constant(value, name, fn)
    if value.dtype.kind not in "biuf":
        raise ValueError(f"{fn}: {name} must be numeric, got dtype {value.dtype}")
    try:
        fits = np.broadcast_shapes(value.shape, x.shape) == x.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{fn}: {name} of shape {value.shape} does not broadcast to the "
                         f"input shape {x.shape}")
    return value.astype(x.dtype, copy=False)


# --- embedding ---


def embedding(indices: Any, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Look up rows of ``weight``: ``weight[indices]``, with PyTorch's ``padding_idx``.

    With weight W of shape (V, D) and integer indices of any shape S, the result has
    shape S + (D,); dL/dW_v is the sum of dL/dy over the positions whose index is v,
    except for the padding row, which never receives a gradient (it keeps its value,
    e.g. the zeros ``nn.Embedding`` gives it).

    Args:
        indices: an integer array or Tensor with values in [0, V).
        weight: the (V, D) table.
        padding_idx: a row that gets no gradient, in [-V, V) (negative counts from the
            end, as PyTorch); None (default) for none.

    Raises:
        TypeError: the indices or padding_idx are not integers.
        IndexError: an index is outside [0, V).
        ValueError: weight is not 2-D, or padding_idx is out of range.
    """
    weight = _tensor(weight)
    if weight.ndim != 2:
        raise ValueError(f"embedding expects a weight of shape (num_embeddings, "
                         f"embedding_dim), got shape {weight.shape}")
    rows = weight.shape[0]
    if indices is None or isinstance(indices, str):
        raise TypeError(f"Embedding expects integer indices (a Tensor or an array of row "
                        f"numbers), got {indices!r}")
    index = indices.data if isinstance(indices, Tensor) else np.asarray(indices)
    if index.dtype.kind not in "iu":
        raise TypeError(f"Embedding expects integer indices (row numbers), got dtype "
                        f"{index.dtype}; convert them: idx.astype(np.int64) or "
                        "tg.Tensor(idx, dtype=np.int64)")
    if index.size and (index.min() < 0 or index.max() >= rows):
        bad = index[(index < 0) | (index >= rows)].flat[0]
        raise IndexError(f"index {bad} is out of range for an Embedding of {rows} rows "
                         f"(indices must be in [0, {rows - 1}])")
    if padding_idx is None:
        return _GetItem.apply(weight, index)
    return _embedding.PaddedEmbedding.apply(weight, index, _padding_idx(padding_idx, rows))


def _padding_idx(padding_idx: Any, rows: int) -> int:
    """padding_idx in [-rows, rows) as an index in [0, rows) (negative counts from the end)."""
    checks.integer(padding_idx, "padding_idx")
    if not -rows <= padding_idx < rows:
        raise ValueError(f"padding_idx {padding_idx} is out of range for {rows} embeddings "
                         f"(it must be in [{-rows}, {rows - 1}])")
    return int(padding_idx) % rows


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """Class labels as one-hot rows: ``one_hot(t)[..., c] = 1 if t[...] == c else 0``.

    Args:
        tensor: integer class labels, any shape (e.g. (N,)).
        num_classes: C, the length of each row; -1 (the default) takes ``t.max() + 1``.

    Returns:
        int64 Tensor of shape ``t.shape + (C,)`` (as PyTorch; ``.float()`` it to multiply
        with weights). Not differentiable: labels have no gradient.

    Raises:
        TypeError: labels that are not integers.
        ValueError: a negative label, one >= num_classes, or num_classes < -1.
    """
    labels = tensor.data if isinstance(tensor, Tensor) else np.asarray(tensor)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"one_hot takes integer class labels, got dtype {labels.dtype}; "
                        "convert them with .long()")
    num_classes = checks.integer(num_classes, "one_hot: num_classes", low=-1)
    if labels.size and labels.min() < 0:
        raise ValueError(f"one_hot: class labels must be >= 0, got {labels.min()}")
    if num_classes == -1:
        if not labels.size:
            raise ValueError("one_hot of no labels needs num_classes")
        num_classes = int(labels.max()) + 1
    elif labels.size and labels.max() >= num_classes:
        raise ValueError(f"one_hot: class label {labels.max()} is out of range for "
                         f"num_classes={num_classes} (labels are 0 .. {num_classes - 1})")
    return Tensor._wrap((labels[..., None] == np.arange(num_classes)).astype(np.int64))
