"""Adagrad: per-coordinate learning rates from the sum of all past squared gradients."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .. import checks
from .._tensor import Tensor
from .optimizer import Optimizer


class Adagrad(Optimizer):
    r"""Adagrad (Duchi, Hazan & Singer, 2011, "Adaptive Subgradient Methods for Online
    Learning and Stochastic Optimization"), with ``torch.optim.Adagrad``'s update rule.

    For each parameter p with gradient g, step number t = 1, 2, ... does::

        g = g + weight_decay * p                         # if weight_decay != 0
        clr = lr / (1 + (t - 1) * lr_decay)
        sum = sum + g**2                         # starts at initial_accumulator_value
        p = p - clr * g / (sqrt(sum) + eps)              # eps outside the sqrt

    Coordinates with large past gradients get small steps; the steps only shrink, so
    Adagrad suits convex problems better than long non-convex training.

    Args:
        params: Tensors to optimize, or parameter groups (dicts), see ``Optimizer``.
        lr: learning rate (default 1e-2), >= 0.
        lr_decay: learning-rate decay per step (default 0), >= 0.
        weight_decay: L2 penalty coefficient (default 0), >= 0.
        initial_accumulator_value: starting value of ``sum`` (default 0), >= 0.
        eps: added to the denominator for stability (default 1e-10), >= 0.

    State (per parameter): ``step``, ``sum``.

    Raises:
        ValueError: a hyper-parameter is out of range, nan or inf, or of the wrong type,
            e.g. "Adagrad: lr_decay must be >= 0, got -1" (see ``Optimizer``).
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10) -> None:
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any], where: str) -> None:
        for key in ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            checks.real(group[key], f"{where}{key}", low=0)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        init = float(group["initial_accumulator_value"])
        return {"step": 0, "sum": np.full_like(p.data, init)}

    def _update(self, p: Tensor, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        weight_decay = float(group["weight_decay"])
        state["step"] += 1
        if weight_decay != 0:
            g = p.data * weight_decay + g
        clr = float(group["lr"]) / (1.0 + (state["step"] - 1) * float(group["lr_decay"]))
        state_sum = state["sum"]
        state_sum += g * g
        std = np.sqrt(state_sum, out=np.empty_like(state_sum))  # an array even when 0-d
        std += float(group["eps"])
        np.divide(g, std, out=std)
        std *= clr
        p.data -= std
