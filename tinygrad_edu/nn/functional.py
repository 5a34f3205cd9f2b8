"""Stateless neural-network functions (``import tinygrad_edu.nn.functional as F``).

The layers in ``tg.nn`` hold the parameters and call these. Argument names and defaults
follow ``torch.nn.functional``, except that an axis is called ``axis`` (NumPy's name).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..factories import generator as _generator
from ..ops import affine as _affine
from ..ops import conv as _conv
from ..ops import elementwise as _ew
from ..ops import loss as _loss
from ..ops import nn as _nn_ops
from ..tensor import Tensor

__all__ = [
    "relu", "sigmoid", "tanh", "softmax", "log_softmax",
    "linear", "dropout", "conv2d", "max_pool2d",
    "cross_entropy", "mse_loss", "binary_cross_entropy_with_logits",
]


def __dir__() -> list[str]:
    """``dir(F)`` lists the public functions only (not numpy, Tensor or the helpers)."""
    return sorted(__all__)


_REDUCTIONS = ("mean", "sum", "none")


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _check_label_smoothing(label_smoothing: float) -> None:
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")


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


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along ``axis`` (PyTorch's ``dim``)."""
    return _nn_ops.Softmax.apply(_tensor(x), axis)


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """x - log(sum(exp(x))) along ``axis``, computed stably."""
    return _nn_ops.LogSoftmax.apply(_tensor(x), axis)


# --- layers ---


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """The affine map ``x @ weight.T + bias``, one graph node.

    Args:
        x: input of shape (..., in_features).
        weight: shape (out_features, in_features), PyTorch's layout.
        bias: shape (out_features,), or None.

    Returns:
        A Tensor of shape (..., out_features).
    """
    return _affine.Affine.apply(x, weight, bias)


def dropout(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Inverted dropout: zero each element with probability p, scale the rest by 1 / (1 - p).

    The expected value of each element is unchanged, so nothing needs rescaling at test
    time. The mask comes from the library's generator (``tg.manual_seed``). With
    ``training=False`` or p = 0 it returns x itself; with p = 1, zeros (as PyTorch).

    Raises:
        ValueError: if p is not in [0, 1].
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")
    x = _tensor(x)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    dtype = x.data.dtype
    # Generator.random draws float32 or float64 only (float16 draws float64, then casts).
    draws = _generator().random(x.shape,
                                dtype=dtype if dtype in (np.float32, np.float64) else None)
    mask = np.multiply(draws >= p, 1.0 / (1.0 - p), dtype=dtype)
    return x * mask


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0) -> Tensor:
    """2-D convolution (cross-correlation) of x (N, C, H, W) with weight (O, C, kh, kw).

    Args:
        stride: an int or a pair (sh, sw).
        padding: zeros added on each side of H and W, an int or a pair (ph, pw).

    Returns:
        (N, O, Ho, Wo) with Ho = (H + 2 ph - kh) // sh + 1 (Wo likewise).
    """
    x = _tensor(x)
    stride, padding = _pair(stride, "stride", 1), _pair(padding, "padding", 0)
    if x.ndim != 4:
        raise ValueError(f"conv2d expects input of shape (N, C, H, W), got shape {x.shape}")
    if weight.ndim != 4:
        raise ValueError(f"conv2d expects a weight of shape (O, C, kh, kw), got {weight.shape}")
    if x.shape[1] != weight.shape[1]:
        raise ValueError(f"conv2d: the weight (shape {weight.shape}) expects {weight.shape[1]} "
                         f"input channels, got input of shape {x.shape}")
    _check_fits(x.shape, weight.shape[2:], padding, "conv2d")
    return _conv.Conv2d.apply(x, weight, bias, stride, padding)


def max_pool2d(x: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0) -> Tensor:
    """The maximum over each kh x kw window of x (N, C, H, W).

    Args:
        kernel_size: an int or a pair.
        stride: defaults to ``kernel_size`` (non-overlapping windows).
        padding: -inf added on each side, at most half the kernel size.
    """
    x = _tensor(x)
    kernel = _pair(kernel_size, "kernel_size", 1)
    stride = kernel if stride is None else _pair(stride, "stride", 1)
    padding = _pair(padding, "padding", 0)
    if x.ndim != 4:
        raise ValueError(f"max_pool2d expects input of shape (N, C, H, W), got shape {x.shape}")
    if padding[0] * 2 > kernel[0] or padding[1] * 2 > kernel[1]:
        raise ValueError(f"padding must be at most half of kernel_size, got padding={padding} "
                         f"for kernel_size={kernel}")
    _check_fits(x.shape, kernel, padding, "max_pool2d")
    return _conv.MaxPool2d.apply(x, kernel, stride, padding)


def _pair(value: Any, name: str, minimum: int) -> tuple[int, int]:
    pair = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                                 and v >= minimum for v in pair):
        raise ValueError(f"{name} must be an int >= {minimum} or a pair of them, got {value!r}")
    return int(pair[0]), int(pair[1])


def _check_fits(x_shape: tuple, kernel: tuple, padding: tuple, name: str) -> None:
    h, w = x_shape[2] + 2 * padding[0], x_shape[3] + 2 * padding[1]
    if h < kernel[0] or w < kernel[1]:
        raise ValueError(f"{name}: kernel {tuple(kernel)} is larger than the padded input "
                         f"({h}, {w}) (input shape {x_shape}, padding {padding})")


# --- losses ---


def cross_entropy(input: Tensor, target: Any, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy of logits (N, C) against integer class labels (N,), computed stably.

    Equal to ``-log_softmax(input)[range(N), target]`` averaged over the batch, but one
    graph node, with the gradient (softmax - onehot) / N.

    Args:
        input: unnormalised scores (logits), shape (N, C).
        target: class indices in [0, C), shape (N,), an integer Tensor or array.
        reduction: 'mean' (default), 'sum', or 'none' (the N losses).
        label_smoothing: e in [0, 1]: the target becomes (1 - e) * onehot + e / C.

    Raises:
        ValueError: wrong shapes, a label out of range, a bad reduction or smoothing.
        TypeError: labels that are not integers.

    Example:
        >>> logits = tg.Tensor([[2.0, 0.5, -1.0]], requires_grad=True)
        >>> F.cross_entropy(logits, np.array([0]))
    """
    x = _tensor(input)
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    _check_reduction(reduction)
    if x.ndim != 2:
        raise ValueError(f"cross_entropy expects logits of shape (N, C), got shape {x.shape}")
    n, c = x.shape
    if t.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy expects integer class labels, got dtype {t.dtype}; "
                        "pass integer class indices, e.g. tg.Tensor(labels, dtype=np.int64) "
                        "or np.asarray(labels).astype(np.int64)")
    if t.shape != (n,):
        raise ValueError(f"cross_entropy: labels must have shape ({n},) for logits of shape "
                         f"{x.shape}, got shape {t.shape}")
    if n and (t.min() < 0 or t.max() >= c):
        bad = t[(t < 0) | (t >= c)][0]
        raise ValueError(f"cross_entropy: label {bad} is out of range for {c} classes "
                         f"(labels must be in [0, {c - 1}])")
    _check_label_smoothing(label_smoothing)
    return _loss.CrossEntropy.apply(x, t, reduction, float(label_smoothing))


def _target_like(x: Tensor, target: Any, name: str) -> Any:
    """A target of x's shape; a constant one is cast to x's dtype (float32 stays float32)."""
    if not isinstance(target, Tensor):
        target = np.asarray(target, dtype=x.dtype)
    elif not target.requires_grad and target.dtype != x.dtype:
        target = target.data.astype(x.dtype)
    if target.shape != x.shape:
        raise ValueError(f"{name}: target shape {target.shape} differs from input shape "
                         f"{x.shape}; reshape one of them (e.g. target.reshape({x.shape}))")
    return target


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error: mean((input - target)**2).

    Args:
        input: predictions.
        target: values of the same shape (a mismatch such as (N, 1) vs (N,) is an error,
            not a silent broadcast).
        reduction: 'mean' (default), 'sum' or 'none'.
    """
    x = _tensor(input)
    _check_reduction(reduction)
    return _loss.MSE.apply(x, _target_like(x, target, "mse_loss"), reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of sigmoid(input) against targets in [0, 1], computed stably.

    loss = max(x, 0) - x * z + log(1 + exp(-|x|)), which equals
    -z log(sigmoid(x)) - (1 - z) log(1 - sigmoid(x)) without overflow or log(0).

    Args:
        input: logits, any shape.
        target: same shape, values in [0, 1].
        reduction: 'mean' (default), 'sum' or 'none'.
    """
    x = _tensor(input)
    _check_reduction(reduction)
    return _loss.BCEWithLogits.apply(x, _target_like(x, target, "binary_cross_entropy_with_logits"),
                               reduction)
