"""Loss modules (wrappers of ``functional``): MSELoss, L1Loss, HuberLoss, SmoothL1Loss,
CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import checks
from .._tensor import Tensor
from . import functional as F
from .module import Module


class _Loss(Module):
    """What the losses share: ``reduction``. ``weight`` may be given by position (first,
    as in PyTorch); the other options are keyword-only (PyTorch's deprecated
    ``size_average`` and ``reduce`` come before them there: given, they are refused with
    the ``reduction`` to write instead)."""

    def __init__(self, reduction: str = "mean", size_average: Any = None,
                 reduce: Any = None) -> None:
        super().__init__()
        F._reduction("mean", size_average, reduce, type(self).__name__)
        self.reduction = checks.choice(reduction, f"{type(self).__name__}: reduction",
                                       F._REDUCTIONS)

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error, ``loss(input, target) = mean((input - target)**2)``.

    ``nn.MSELoss(reduction="sum")``: the option is keyword-only.

    Args:
        reduction: 'mean' (default), 'sum' or 'none'.

    Input and target must have the same shape (no silent broadcasting).
    """

    def __init__(self, *, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(reduction, size_average, reduce)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error, ``loss(input, target) = mean(|input - target|)``.

    The gradient is sign(input - target) (0 where they are equal, as PyTorch), divided by
    the number of elements for 'mean'. See ``F.l1_loss``.

    Args:
        reduction: 'mean' (default), 'sum' or 'none'; keyword-only.
    """

    def __init__(self, *, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(reduction, size_average, reduce)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class HuberLoss(_Loss):
    """Huber loss: with d = input - target, 0.5 d**2 where |d| < delta, else
    delta (|d| - delta / 2); less sensitive to outliers than MSE. See ``F.huber_loss``.

    Args:
        reduction: 'mean' (default), 'sum' or 'none'.
        delta: the threshold between the quadratic and the linear part, > 0 (default 1.0).
        Both keyword-only.
    """

    def __init__(self, *, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = checks.real(delta, "HuberLoss: delta", low=0, low_open=True)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)

    def extra_repr(self) -> str:
        delta = "" if self.delta == 1.0 else f"delta={self.delta}"
        return ", ".join(part for part in (super().extra_repr(), delta) if part)


class SmoothL1Loss(_Loss):
    """Smooth L1 loss: with d = input - target, 0.5 d**2 / beta where |d| < beta, else
    |d| - beta / 2 (Huber loss / beta; beta = 0 is L1). See ``F.smooth_l1_loss``.

    Args:
        reduction: 'mean' (default), 'sum' or 'none'.
        beta: the threshold between the quadratic and the linear part, >= 0 (default 1.0).
        Both keyword-only.
    """

    def __init__(self, *, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction, size_average, reduce)
        self.beta = checks.real(beta, "SmoothL1Loss: beta", low=0)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)

    def extra_repr(self) -> str:
        beta = "" if self.beta == 1.0 else f"beta={self.beta}"
        return ", ".join(part for part in (super().extra_repr(), beta) if part)


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits (N, C) against integer class labels (N,).

    ``loss = -log_softmax(logits)[n, label_n]``, averaged over the batch by default;
    computed stably (log-sum-exp), with the gradient (softmax - onehot) / N. With the
    options (PyTorch's; ``weight`` may come first by position, the others by keyword),
    for log p = log_softmax(logits), class weights w, k_n = 0 where
    label_n == ignore_index (else 1) and a_n = k_n w[label_n]::

        loss_n = (1 - e) a_n (-log p[n, label_n]) + (e / C) k_n sum_c w_c (-log p[n, c])
        'mean': sum_n loss_n / sum_n a_n

    See ``F.cross_entropy``.

    Args:
        weight: per-class rescaling, a float array or Tensor of shape (C,) (no gradient);
            kept as the buffer ``weight`` (in the state dict, as PyTorch).
        ignore_index: labels equal to it add no loss and no gradient and are left out
            of the mean (default -100).
        reduction: 'mean' (default), 'sum' or 'none'.
        label_smoothing: e in [0, 1]; the target becomes (1 - e) * onehot + e / C.

    Example:
        >>> loss_fn = nn.CrossEntropyLoss()
        >>> loss = loss_fn(model(x), labels)   # labels: integers in [0, C)
        >>> loss_fn = nn.CrossEntropyLoss(weight=np.array([1.0, 5.0]), ignore_index=-1)
    """

    def __init__(self, weight: Any = None, *, size_average: Any = None, ignore_index: int = -100,
                 reduce: Any = None, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(reduction, size_average, reduce)
        self.label_smoothing = checks.real(label_smoothing, "CrossEntropyLoss: label_smoothing",
                                           low=0, high=1)
        self.ignore_index = checks.integer(ignore_index, "CrossEntropyLoss: ignore_index")
        self.register_buffer("weight", _buffer(weight))

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(input, target, self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)

    def extra_repr(self) -> str:
        smoothing = f"label_smoothing={self.label_smoothing}" if self.label_smoothing else ""
        ignore = "" if self.ignore_index == -100 else f"ignore_index={self.ignore_index}"
        return ", ".join(part for part in (super().extra_repr(), smoothing, ignore) if part)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities (N, C) at integer class labels (N,).

    ``loss = -input[n, label_n]`` averaged over the batch; ``NLLLoss()(log_softmax(x),
    labels)`` equals ``CrossEntropyLoss()(x, labels)``. With class weights w and
    a_n = 0 where label_n == ignore_index (else w[label_n])::

        loss_n = -a_n input[n, label_n]      'mean': sum_n loss_n / sum_n a_n

    See ``F.nll_loss``.

    Args:
        weight: per-class rescaling, a float array or Tensor of shape (C,) (no gradient);
            kept as the buffer ``weight``. May be given by position.
        ignore_index: labels equal to it add no loss and no gradient and are left out
            of the mean (default -100).
        reduction: 'mean' (default), 'sum' or 'none'.
    """

    def __init__(self, weight: Any = None, *, size_average: Any = None, ignore_index: int = -100,
                 reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction, size_average, reduce)
        self.ignore_index = checks.integer(ignore_index, "NLLLoss: ignore_index")
        self.register_buffer("weight", _buffer(weight))

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.nll_loss(input, target, self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)

    def extra_repr(self) -> str:
        ignore = "" if self.ignore_index == -100 else f"ignore_index={self.ignore_index}"
        return ", ".join(part for part in (super().extra_repr(), ignore) if part)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities in [0, 1] (e.g. after a Sigmoid) against
    targets in [0, 1] of the same shape, PyTorch's loss with its logs clamped at -100::

        loss = -w [z max(log p, -100) + (1 - z) max(log(1 - p), -100)]

    ``BCEWithLogitsLoss`` on the logits is the numerically stable choice. See
    ``F.binary_cross_entropy``.

    Args:
        weight: w, a rescaling of each element's loss, broadcast to the input (no
            gradient); buffer ``weight``. May be given by position.
        reduction: 'mean' (default), 'sum' or 'none'; keyword-only.
    """

    def __init__(self, weight: Any = None, *, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(reduction, size_average, reduce)
        self.register_buffer("weight", _buffer(weight))

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on logits: sigmoid and the log-loss in one stable formula.

    ``loss = max(x, 0) - x * z + log(1 + exp(-|x|))`` for logits x and targets z in
    [0, 1] of the same shape, averaged by default. With the options (PyTorch's; ``weight``
    may come first by position, the others by keyword), s = sigmoid(x)::

        loss = -w [p z log s + (1 - z) log(1 - s)]

    still computed without overflow (see ``F.binary_cross_entropy_with_logits``).

    Args:
        weight: w, a rescaling of each element's loss, broadcast to the input; buffer
            ``weight``.
        reduction: 'mean' (default), 'sum' or 'none'.
        pos_weight: p, the weight of the positive examples, broadcast to the input
            (shape (C,) weights each class of the last axis); buffer ``pos_weight``.
            Both weights are constants (no gradient), as in PyTorch.
    """

    def __init__(self, weight: Any = None, *, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean", pos_weight: Any = None) -> None:
        super().__init__(reduction, size_average, reduce)
        self.register_buffer("weight", _buffer(weight))
        self.register_buffer("pos_weight", _buffer(pos_weight))

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight,
                                                  reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


def _buffer(value: Any) -> Tensor | None:
    """A loss weight as a buffer Tensor: an array keeps its dtype, a Tensor is shared."""
    F._check_not_a_reduction(value, "weight")
    if value is None or isinstance(value, Tensor):
        return None if value is None else value.detach()
    return Tensor(np.asarray(value))
