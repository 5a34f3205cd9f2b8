"""Normalisation layers: BatchNorm1d and BatchNorm2d (with running statistics for
evaluation) and LayerNorm; all three run the fused ``tg.ops.norm.Normalize``."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..ops.norm import Normalize, moments
from .. import checks
from .._tensor import Tensor
from . import functional as F
from .input_checks import check_input
from .layers import _float_dtype
from .module import Module, Parameter


class _BatchNorm(Module):
    """What BatchNorm1d and BatchNorm2d share: the statistics of each channel (axis 1)
    over every other axis; the subclasses say which input shapes they take."""

    _input_shape = ""  # the accepted shapes, for error messages

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, dtype: Any = None,
                 *, bias: bool = True) -> None:
        super().__init__()
        name = type(self).__name__
        self.num_features = checks.integer(num_features, f"{name}: num_features", low=1)
        self.eps = checks.real(eps, f"{name}: eps", low=0, low_open=True)
        if momentum is not None:  # None: a cumulative average
            checks.real(momentum, f"{name}: momentum", low=0, high=1)
        self.momentum = momentum
        self.affine = checks.flag(affine, f"{name}: affine")
        self.track_running_stats = checks.flag(track_running_stats,
                                               f"{name}: track_running_stats")
        checks.flag(bias, f"{name}: bias")
        dtype = _float_dtype(dtype)
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype))
        else:
            self.register_parameter("weight", None)
        if affine and bias:
            self.bias = Parameter(np.zeros(num_features, dtype))
        else:
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def _accepts(self, ndim: int) -> bool:
        raise NotImplementedError

    def forward(self, x: Tensor) -> Tensor:
        # The dtype of the parameters, else of the running statistics (as PyTorch).
        own = self.weight if self.weight is not None else self.running_mean
        x = check_input(x, type(self).__name__, None if own is None else own.data.dtype)
        c = self.num_features
        if not self._accepts(x.ndim) or x.shape[1] != c:
            raise ValueError(f"{type(self).__name__}({c}) expects input of shape "
                             f"{self._input_shape.format(c=c)}, got shape {x.shape}")
        axes = (0,) + tuple(range(2, x.ndim))  # every axis but the channels'
        param_shape = (c,) + (1,) * (x.ndim - 2)  # broadcasts over x's axes after C
        if self.training or not self.track_running_stats:
            n = x.size // c
            if n <= 1 and self.training:
                raise ValueError(f"{type(self).__name__} needs more than 1 value per channel "
                                 f"in training mode, got input of shape {x.shape}")
            mean, var = moments(x.data, axes)
            if self.training and self.track_running_stats:
                self._update_running_stats(mean.reshape(-1), var.reshape(-1), n)
            return Normalize.apply(x, self.weight, self.bias, axes, param_shape, self.eps,
                                   mean, var)
        stats_shape = (1,) + param_shape
        mean = self.running_mean.data.astype(x.dtype, copy=False).reshape(stats_shape)
        var = self.running_var.data.astype(x.dtype, copy=False).reshape(stats_shape)
        return Normalize.apply(x, self.weight, self.bias, axes, param_shape, self.eps,
                               mean, var, True)

    def _update_running_stats(self, mean: np.ndarray, var: np.ndarray, n: int) -> None:
        self.num_batches_tracked.data += 1  # a 0-d int64 array, updated in place
        if self.momentum is None:  # cumulative moving average
            factor = 1.0 / float(self.num_batches_tracked.data)
        else:
            factor = self.momentum
        unbiased = var * (n / (n - 1))
        for buffer, value in ((self.running_mean, mean), (self.running_var, unbiased)):
            buffer.data *= 1.0 - factor
            buffer.data += factor * value

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Normalise each feature over the batch, then scale and shift (Ioffe & Szegedy, 2015).

    In training mode, with the batch mean m and the biased (population) variance v of
    each feature c over its n values in the batch (n = N, or N*L for an (N, C, L) input)::

        y = (x - m) / sqrt(v + eps) * weight + bias

    and the running statistics move towards the batch's, as PyTorch does (with the
    unbiased variance, n / (n - 1) * v, for the running variance)::

        running_mean = (1 - momentum) * running_mean + momentum * m
        running_var  = (1 - momentum) * running_var  + momentum * v * n / (n - 1)

    In evaluation mode (``model.eval()``) the running statistics replace m and v. The
    gradient flows through m and v too (see ``tg.ops.norm.Normalize`` for its formula).

    Args:
        num_features: C, the size of axis 1 of the input (N, C) or (N, C, L).
        eps: added to the variance (default 1e-5).
        momentum: weight of the new batch in the running statistics (default 0.1); None
            gives their cumulative average over all batches seen.
        affine: learn ``weight`` (init 1) and ``bias`` (init 0) (default True).
        track_running_stats: keep running statistics (default True); if False, batch
            statistics are used in evaluation mode too.
        dtype: of parameters and buffers; the default dtype (float32) if None.
        bias: with ``affine``, learn the shift too (default True; keyword only, as PyTorch).

    Buffers (in ``state_dict()``, not in ``parameters()``): ``running_mean``,
    ``running_var``, ``num_batches_tracked``.

    Raises:
        ValueError: an input of another shape or number of features; in training mode,
            one value per feature (its variance is undefined).

    Example:
        >>> bn = nn.BatchNorm1d(64)
        >>> bn(tg.randn(32, 64)).shape
        (32, 64)
    """

    _input_shape = "(N, {c}) or (N, {c}, L)"

    def _accepts(self, ndim: int) -> bool:
        return ndim in (2, 3)


class BatchNorm2d(_BatchNorm):
    """Normalise each channel of a batch of images over (N, H, W), then scale and shift.

    BatchNorm1d's computation for an (N, C, H, W) input (Ioffe & Szegedy, 2015): in
    training mode, with the mean m and the biased (population) variance v of channel c
    over its n = N*H*W values in the batch::

        y[:, c] = (x[:, c] - m) / sqrt(v + eps) * weight[c] + bias[c]
        running_mean = (1 - momentum) * running_mean + momentum * m
        running_var  = (1 - momentum) * running_var  + momentum * v * n / (n - 1)

    (the unbiased variance for the running estimate, as PyTorch); in evaluation mode
    (``model.eval()``) the running statistics replace m and v. The usual place is between
    a convolution (which then needs no bias) and its activation.

    Args:
        num_features: C, the number of channels of the input (N, C, H, W).
        eps: added to the variance (default 1e-5).
        momentum: weight of the new batch in the running statistics (default 0.1); None
            gives their cumulative average over all batches seen.
        affine: learn ``weight`` (init 1) and ``bias`` (init 0) per channel (default True).
        track_running_stats: keep running statistics (default True); if False, batch
            statistics are used in evaluation mode too.
        dtype: of parameters and buffers; the default dtype (float32) if None.
        bias: with ``affine``, learn the shift too (default True; keyword only, as PyTorch).

    Buffers (in ``state_dict()``, not in ``parameters()``): ``running_mean``,
    ``running_var``, ``num_batches_tracked``.

    Raises:
        ValueError: an input that is not 4-D or has another number of channels; in
            training mode, one value per channel (its variance is undefined).

    Example:
        >>> block = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1, bias=False),
        ...                       nn.BatchNorm2d(16), nn.ReLU())
        >>> block(tg.randn(8, 3, 32, 32)).shape
        (8, 16, 32, 32)
    """

    _input_shape = "(N, {c}, H, W)"

    def _accepts(self, ndim: int) -> bool:
        return ndim == 4


class LayerNorm(Module):
    """Normalise each sample over its last axes, then scale and shift (Ba et al., 2016).

    With D = normalized_shape (the last len(D) axes of x), the mean m and the biased
    (population) variance v of each sample's values over those axes::

        y = (x - m) / sqrt(v + eps) * weight + bias

    weight and bias have shape D (one value per normalised position, not per sample).
    Unlike BatchNorm it behaves the same in training and evaluation, and does not depend
    on the other samples of the batch: the normalisation of transformers.

    Args:
        normalized_shape: D, an int (the last axis) or a tuple of the last axes' sizes.
        eps: added to the variance (default 1e-5).
        elementwise_affine: learn ``weight`` (init 1) and ``bias`` (init 0) (default True).
        bias: with ``elementwise_affine``, learn the shift too (default True).
        dtype: of the parameters; the default dtype (float32) if None.

    Raises:
        ValueError: a bad normalized_shape, or an input whose last axes are not D.

    Example:
        >>> ln = nn.LayerNorm(64)
        >>> ln(tg.randn(8, 10, 64)).shape  # (batch, tokens, features)
        (8, 10, 64)
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, dtype: Any = None) -> None:
        super().__init__()
        self.normalized_shape = F._normalized_shape(normalized_shape)
        self.eps = checks.real(eps, "LayerNorm: eps", low=0, low_open=True)
        self.elementwise_affine = checks.flag(elementwise_affine, "LayerNorm: elementwise_affine")
        checks.flag(bias, "LayerNorm: bias")
        dtype = _float_dtype(dtype)
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype))
        else:
            self.register_parameter("weight", None)
        if elementwise_affine and bias:
            self.bias = Parameter(np.zeros(self.normalized_shape, dtype))
        else:
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        """weight = 1, bias = 0."""
        if self.weight is not None:
            self.weight.data[...] = 1.0
        if self.bias is not None:
            self.bias.data[...] = 0.0

    def forward(self, x: Tensor) -> Tensor:
        own = self.weight if self.weight is not None else self.bias
        x = check_input(x, "LayerNorm", None if own is None else own.data.dtype)
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")
