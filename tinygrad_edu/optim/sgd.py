"""SGD: stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .. import checks
from .._tensor import Tensor
from .optimizer import Optimizer


class SGD(Optimizer):
    r"""Stochastic gradient descent, with exactly ``torch.optim.SGD``'s update rule.

    For each parameter p with gradient g, one ``step()`` does::

        g = g + weight_decay * p                   # L2 penalty (weight_decay != 0)
        if momentum != 0:
            buf = g                                # first step: the buffer starts at g
            buf = momentum * buf + (1 - dampening) * g       # later steps
            g = g + momentum * buf  if nesterov  else  buf
        p = p - lr * g

    With ``momentum = 0`` this is plain gradient descent ``p -= lr * g``. The momentum form
    is PyTorch's (Sutskever et al., 2013, "On the importance of initialization and
    momentum in deep learning"): lr multiplies the whole buffer, so it equals the
    "v = momentum * v - lr * g; p += v" form of many textbooks while lr is constant.
    Nesterov momentum follows the same paper.

    Args:
        params: Tensors to optimize, or parameter groups (dicts), see ``Optimizer``.
        lr: learning rate (default 1e-3), >= 0.
        momentum: momentum factor (default 0), >= 0.
        dampening: scale (1 - dampening) on the new gradient in the buffer (default 0).
        weight_decay: L2 penalty coefficient (default 0), >= 0.
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening = 0).

    State (per parameter): ``momentum_buffer`` when momentum != 0.

    Raises:
        ValueError: a hyper-parameter is out of range, nan or inf, or of the wrong type,
            e.g. "SGD: lr must be >= 0, got -0.1" (see ``Optimizer``).

    Example:
        >>> opt = tg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> opt.zero_grad(); loss.backward(); opt.step()
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0,
                 nesterov: bool = False) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults)

    _optional_state = ("momentum_buffer",)  # made on first use

    def _check_group(self, group: dict[str, Any], where: str) -> None:
        checks.real(group["lr"], f"{where}lr", low=0)
        checks.real(group["momentum"], f"{where}momentum", low=0)
        checks.real(group["dampening"], f"{where}dampening", low=0, high=1)
        checks.real(group["weight_decay"], f"{where}weight_decay", low=0)
        if checks.flag(group["nesterov"], f"{where}nesterov") and (
                group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(f"{where}nesterov momentum needs momentum > 0 and dampening = 0, "
                             f"got momentum={group['momentum']}, dampening={group['dampening']}")

    def _update(self, p: Tensor, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        weight_decay = float(group["weight_decay"])
        if weight_decay != 0:
            g = p.data * weight_decay + g
        momentum = float(group["momentum"])
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                # np.array, not g.copy(): for a 0-d parameter g may be a NumPy scalar
                buf = state["momentum_buffer"] = np.array(g)
            else:
                dampening = float(group["dampening"])
                buf *= momentum
                buf += g if dampening == 0 else (1.0 - dampening) * g
            g = g + momentum * buf if group["nesterov"] else buf
        p.data -= float(group["lr"]) * g
