"""Training utilities: gradient clipping by norm or by value."""
from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from ..tensor import Tensor


def _with_grads(parameters: Any) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p for p in params if p.grad is not None]


def clip_grad_norm_(parameters: Iterable[Tensor] | Tensor, max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False) -> Tensor:
    """Rescale the gradients so that their joint norm is at most ``max_norm``.

    The total norm is that of all gradients concatenated into one vector,
    ``(sum_p ||g_p||^q)^(1/q)`` for ``norm_type`` q (``float('inf')``: the largest
    |g|). If it exceeds ``max_norm`` every gradient is multiplied by
    ``max_norm / (total + 1e-6)`` (PyTorch's formula). Each ``.grad`` is rebound to a new
    Tensor, never scaled in place (a gradient array may be shared by two tensors).

    Args:
        parameters: a Tensor or an iterable of them (e.g. ``model.parameters()``); those
            whose ``.grad`` is None are skipped.
        max_norm: the largest allowed norm (>= 0).
        norm_type: q of the q-norm (default 2), or inf.
        error_if_nonfinite: raise if the total norm is nan or inf.

    Returns:
        The total norm before clipping, a 0-d Tensor (``float()`` of it for a number).

    Raises:
        ValueError: a negative max_norm or a norm_type <= 0.
        RuntimeError: a nan/inf total norm when ``error_if_nonfinite``.
    """
    if not max_norm >= 0:
        raise ValueError(f"max_norm must be >= 0, got {max_norm}")
    norm_type = float(norm_type)
    if not norm_type > 0:
        raise ValueError(f"norm_type must be > 0 (or inf), got {norm_type}")
    params = _with_grads(parameters)
    if not params:
        return Tensor(0.0)
    grads = [p.grad.data for p in params]
    if norm_type == math.inf:
        total = max(float(np.abs(g).max()) if g.size else 0.0 for g in grads)
    else:
        total = sum(float(np.linalg.norm(g.ravel(), norm_type)) ** norm_type for g in grads) \
            ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"the total norm of order {norm_type} of the gradients is {total}; "
                           "pass error_if_nonfinite=False to clip anyway")
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        for p, g in zip(params, grads):
            p.grad = Tensor._wrap(g * coef)
    return Tensor(np.asarray(total, dtype=grads[0].dtype))


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float) -> None:
    """Clip every gradient element into [-clip_value, clip_value] (rebinding ``.grad``)."""
    if not clip_value >= 0:
        raise ValueError(f"clip_value must be >= 0, got {clip_value}")
    for p in _with_grads(parameters):
        p.grad = Tensor._wrap(np.clip(p.grad.data, -clip_value, clip_value))
