"""Training utilities: gradient clipping by norm or by value."""
from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from .. import checks
from .._tensor import Tensor


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
        ValueError: a max_norm that is negative or nan (inf is allowed: no clipping), a
            norm_type <= 0 or nan.
        RuntimeError: a nan/inf total norm when ``error_if_nonfinite``.
    """
    if max_norm != math.inf:  # inf: measure the norm, clip nothing
        checks.real(max_norm, "clip_grad_norm_: max_norm", low=0)
    if norm_type != math.inf:
        checks.real(norm_type, "clip_grad_norm_: norm_type", low=0,
                    low_open=True)
    norm_type = float(norm_type)
    checks.flag(error_if_nonfinite, "clip_grad_norm_: error_if_nonfinite")
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
    checks.real(clip_value, "clip_grad_value_: clip_value", low=0)
    for p in _with_grads(parameters):
        p.grad = Tensor._wrap(np.clip(p.grad.data, -clip_value, clip_value))
