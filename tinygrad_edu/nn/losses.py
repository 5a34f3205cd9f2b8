"""Loss modules: MSELoss, CrossEntropyLoss, BCEWithLogitsLoss (wrappers of ``functional``)."""
from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        F._check_reduction(reduction)
        self.reduction = reduction

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error, ``loss(input, target) = mean((input - target)**2)``.

    Args:
        reduction: 'mean' (default), 'sum' or 'none'.

    Input and target must have the same shape (no silent broadcasting).
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.mse_loss(input, target, self.reduction)


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits (N, C) against integer class labels (N,).

    ``loss = -log_softmax(logits)[n, label_n]``, averaged over the batch by default;
    computed stably (log-sum-exp), with the gradient (softmax - onehot) / N.

    Args:
        reduction: 'mean' (default), 'sum' or 'none'.
        label_smoothing: e in [0, 1]; the target becomes (1 - e) * onehot + e / C.

    Example:
        >>> loss_fn = nn.CrossEntropyLoss()
        >>> loss = loss_fn(model(x), labels)   # labels: integers in [0, C)
    """

    def __init__(self, reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        F._check_label_smoothing(label_smoothing)
        self.label_smoothing = float(label_smoothing)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(input, target, self.reduction, self.label_smoothing)

    def extra_repr(self) -> str:
        smoothing = f"label_smoothing={self.label_smoothing}" if self.label_smoothing else ""
        return ", ".join(part for part in (super().extra_repr(), smoothing) if part)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on logits: sigmoid and the log-loss in one stable formula.

    ``loss = max(x, 0) - x * z + log(1 + exp(-|x|))`` for logits x and targets z in
    [0, 1] of the same shape, averaged by default.

    Args:
        reduction: 'mean' (default), 'sum' or 'none'.
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.reduction)
