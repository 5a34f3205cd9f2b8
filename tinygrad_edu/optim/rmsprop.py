"""RMSprop: divide the gradient by a running root mean square of recent gradients."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .. import checks
from .._tensor import Tensor
from .optimizer import Optimizer, zeros_buffer


class RMSprop(Optimizer):
    r"""RMSprop (Hinton, Coursera lecture 6e, 2012), with ``torch.optim.RMSprop``'s rule.

    For each parameter p with gradient g, one ``step()`` does::

        g = g + weight_decay * p                            # if weight_decay != 0
        square_avg = alpha * square_avg + (1 - alpha) * g**2          # starts at 0
        if centered:                                        # Graves, 2013
            grad_avg = alpha * grad_avg + (1 - alpha) * g               # starts at 0
            avg = sqrt(square_avg - grad_avg**2) + eps
        else:
            avg = sqrt(square_avg) + eps                    # eps outside the sqrt
        if momentum > 0:
            buf = momentum * buf + g / avg                  # starts at 0
            p = p - lr * buf
        else:
            p = p - lr * g / avg

    There is no bias correction: the first steps are large (square_avg starts at 0).
    ``centered`` divides by an estimate of the gradient's variance instead of its raw
    second moment (Graves, 2013, "Generating sequences with recurrent neural networks").

    Args:
        params: Tensors to optimize, or parameter groups (dicts), see ``Optimizer``.
        lr: learning rate (default 1e-2), >= 0.
        alpha: smoothing constant of the running averages (default 0.99), in [0, 1].
        eps: added to the denominator for stability (default 1e-8), >= 0.
        weight_decay: L2 penalty coefficient (default 0), >= 0.
        momentum: momentum factor (default 0), >= 0.
        centered: normalize by the centered second moment (default False).

    State (per parameter): ``step``, ``square_avg``, ``momentum_buffer`` (momentum > 0),
    ``grad_avg`` (centered).

    Raises:
        ValueError: a hyper-parameter is out of range, nan or inf, or of the wrong type,
            e.g. "RMSprop: alpha must be in [0, 1], got 2" (see ``Optimizer``).
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False) -> None:
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered)
        super().__init__(params, defaults)

    _optional_state = ("grad_avg", "momentum_buffer")  # made on first use

    def _check_group(self, group: dict[str, Any], where: str) -> None:
        checks.real(group["lr"], f"{where}lr", low=0)
        checks.real(group["alpha"], f"{where}alpha", low=0, high=1)
        checks.real(group["eps"], f"{where}eps", low=0)
        checks.real(group["weight_decay"], f"{where}weight_decay", low=0)
        checks.real(group["momentum"], f"{where}momentum", low=0)
        checks.flag(group["centered"], f"{where}centered")

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": 0, "square_avg": np.zeros_like(p.data)}

    def _update(self, p: Tensor, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        alpha = float(group["alpha"])
        weight_decay = float(group["weight_decay"])
        momentum = float(group["momentum"])
        state["step"] += 1
        if weight_decay != 0:
            g = p.data * weight_decay + g
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1.0 - alpha) * g * g
        if group["centered"]:
            grad_avg = zeros_buffer(state, "grad_avg", p)
            grad_avg += (1.0 - alpha) * (g - grad_avg)
            # out=: arrays even for a 0-d parameter (0-d arithmetic gives NumPy scalars)
            avg = np.multiply(grad_avg, grad_avg, out=np.empty_like(grad_avg))
            np.subtract(square_avg, avg, out=avg)
            np.sqrt(avg, out=avg)
        else:
            avg = np.sqrt(square_avg, out=np.empty_like(square_avg))
        avg += float(group["eps"])
        if momentum > 0:
            buf = zeros_buffer(state, "momentum_buffer", p)
            buf *= momentum
            buf += g / avg
            p.data -= float(group["lr"]) * buf
        else:
            np.divide(g, avg, out=avg)
            avg *= float(group["lr"])
            p.data -= avg
