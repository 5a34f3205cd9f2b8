"""Batch normalisation: BatchNorm1d, with running statistics for evaluation."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .functional import _positive_int
from .layers import _float_dtype
from .module import Module, Parameter


class BatchNorm1d(Module):
    """Normalise each feature over the batch, then scale and shift (Ioffe & Szegedy, 2015).

    In training mode, with the batch mean m and the biased (population) variance v of
    each feature (over N, and over L for an (N, C, L) input)::

        y = (x - m) / sqrt(v + eps) * weight + bias

    and the running statistics move towards the batch's, as PyTorch does (with the
    unbiased variance, n / (n - 1) * v, for the running variance)::

        running_mean = (1 - momentum) * running_mean + momentum * m
        running_var  = (1 - momentum) * running_var  + momentum * v * n / (n - 1)

    In evaluation mode (``model.eval()``) the running statistics replace m and v. The
    gradient flows through m and v too (the graph is built from Tensor ops).

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
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, dtype: Any = None,
                 *, bias: bool = True) -> None:
        super().__init__()
        self.num_features = _positive_int(num_features, "num_features")
        if not eps > 0:
            raise ValueError(f"eps must be > 0, got {eps}")
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must be in [0, 1] or None, got {momentum}")
        self.eps = float(eps)
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
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

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in (2, 3) or x.shape[1] != self.num_features:
            raise ValueError(f"BatchNorm1d({self.num_features}) expects input of shape "
                             f"(N, {self.num_features}) or (N, {self.num_features}, L), got "
                             f"shape {x.shape}")
        axes = (0,) if x.ndim == 2 else (0, 2)
        shape = (1, self.num_features) + (() if x.ndim == 2 else (1,))  # broadcasts over x
        use_batch = self.training or not self.track_running_stats
        if use_batch:
            n = x.size // self.num_features
            if n <= 1 and self.training:
                raise ValueError(f"BatchNorm1d needs more than 1 value per feature in "
                                 f"training mode, got input of shape {x.shape}")
            mean = x.mean(axis=axes, keepdims=True)
            centered = x - mean
            var = (centered * centered).mean(axis=axes, keepdims=True)
            if self.training and self.track_running_stats:
                self._update_running_stats(mean.data.reshape(-1), var.data.reshape(-1), n)
            y = centered * (var + self.eps) ** -0.5
        else:
            scale = (self.running_var.data + self.eps) ** -0.5
            y = (x - self.running_mean.data.reshape(shape)) * scale.reshape(shape)
        if self.weight is not None:
            y = y * self.weight.reshape(shape)
        if self.bias is not None:
            y = y + self.bias.reshape(shape)
        return y

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
