"""Adam and AdamW: bias-corrected moving averages of the gradient and its square."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .. import checks
from .._tensor import Tensor
from .optimizer import Optimizer, zeros_buffer


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization"),
    with ``torch.optim.Adam``'s update rule; AMSGrad from Reddi et al., 2018,
    "On the Convergence of Adam and Beyond".

    For each parameter p with gradient g, step number t = 1, 2, ... does::

        g = g + weight_decay * p                             # L2 penalty (Adam)
        # (AdamW instead shrinks the weights: p = p * (1 - lr * weight_decay))
        exp_avg    = beta1 * exp_avg    + (1 - beta1) * g       # both start at 0
        exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g**2
        v = exp_avg_sq
        if amsgrad:
            max_exp_avg_sq = maximum(max_exp_avg_sq, exp_avg_sq)
            v = max_exp_avg_sq
        denom = sqrt(v) / sqrt(1 - beta2**t) + eps           # eps after bias correction
        p = p - lr / (1 - beta1**t) * exp_avg / denom

    The two bias corrections undo the averages' start at 0. Note where eps goes: it is
    added to sqrt(v_hat), the bias-corrected root, as in the paper.

    Args:
        params: Tensors to optimize, or parameter groups (dicts), see ``Optimizer``.
        lr: learning rate (default 1e-3), >= 0.
        betas: (beta1, beta2), the averages' decay rates (default (0.9, 0.999)), in [0, 1).
        eps: added to the denominator for stability (default 1e-8), >= 0.
        weight_decay: L2 penalty coefficient added to the gradient (default 0), >= 0.
        amsgrad: use the running maximum of exp_avg_sq (default False).

    State (per parameter): ``step``, ``exp_avg``, ``exp_avg_sq``, ``max_exp_avg_sq``
    (amsgrad).

    Raises:
        ValueError: a hyper-parameter is out of range, nan or inf, or of the wrong type,
            e.g. "Adam: betas[0] must be in [0, 1), got 1.0" (see ``Optimizer``).

    Example:
        >>> opt = tg.optim.Adam(model.parameters(), lr=1e-3)
    """

    _decoupled = False

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False) -> None:
        betas = tuple(betas) if isinstance(betas, (list, tuple)) else betas
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad)
        super().__init__(params, defaults)

    _optional_state = ("max_exp_avg_sq",)  # made on first use

    def _check_group(self, group: dict[str, Any], where: str) -> None:
        checks.real(group["lr"], f"{where}lr", low=0)
        checks.pair(group["betas"], f"{where}betas", checks.real, low=0, high=1, high_open=True)
        checks.real(group["eps"], f"{where}eps", low=0)
        checks.real(group["weight_decay"], f"{where}weight_decay", low=0)
        checks.flag(group["amsgrad"], f"{where}amsgrad")

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": 0, "exp_avg": np.zeros_like(p.data), "exp_avg_sq": np.zeros_like(p.data)}

    def _update(self, p: Tensor, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        lr = float(group["lr"])
        beta1, beta2 = group["betas"]
        beta1, beta2 = float(beta1), float(beta2)
        weight_decay = float(group["weight_decay"])
        state["step"] += 1
        t = state["step"]
        if weight_decay != 0:
            if self._decoupled:
                p.data *= 1.0 - lr * weight_decay
            else:
                g = p.data * weight_decay + g
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg += (1.0 - beta1) * (g - exp_avg)    # = beta1*m + (1-beta1)*g
        exp_avg_sq *= beta2
        exp_avg_sq += (1.0 - beta2) * g * g
        v = exp_avg_sq
        if group["amsgrad"]:
            v = zeros_buffer(state, "max_exp_avg_sq", p)
            np.maximum(v, exp_avg_sq, out=v)
        denom = np.sqrt(v, out=np.empty_like(v))  # an array even for a 0-d parameter
        denom /= (1.0 - beta2 ** t) ** 0.5
        denom += float(group["eps"])
        np.divide(exp_avg, denom, out=denom)
        denom *= lr / (1.0 - beta1 ** t)
        p.data -= denom


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter, 2019, "Decoupled Weight Decay Regularization"),
    with ``torch.optim.AdamW``'s update rule.

    Adam, except that weight decay does not go through the gradient (where Adam's
    adaptive scaling would weaken it for parameters with large gradients). Before the
    Adam update, every step shrinks the weights directly::

        p = p * (1 - lr * weight_decay)
        ... then Adam's update with the raw gradient g (see ``Adam``).

    Args:
        params: Tensors to optimize, or parameter groups (dicts), see ``Optimizer``.
        lr: learning rate (default 1e-3), >= 0.
        betas: (beta1, beta2) (default (0.9, 0.999)), in [0, 1).
        eps: added to the denominator for stability (default 1e-8), >= 0.
        weight_decay: decoupled weight decay coefficient (default 1e-2), >= 0.
        amsgrad: use the running maximum of exp_avg_sq (default False).

    State (per parameter): as Adam.
    """

    _decoupled = True

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad)
