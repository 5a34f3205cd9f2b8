"""``tg.autograd``: PyTorch's ``torch.autograd`` on this engine.

    tg.autograd.grad(y, x)                     # dy/dx as a tuple, .grad untouched
    tg.autograd.backward([loss])               # as loss.backward()
    tg.autograd.Function                       # write your own op (forward + backward)
    tg.autograd.gradcheck(fn, (x,))            # analytic against numerical Jacobian
    tg.autograd.functional.hessian(f, x)       # jacobian, hessian, vjp, jvp, hvp, vhp
    tg.autograd.Variable(t, requires_grad=True)  # PyTorch's old wrapper: a new leaf
    with tg.autograd.detect_anomaly(): ...     # a nan/inf gradient names its op and line

The grad-mode switches (``no_grad``, ``enable_grad``, ``set_grad_enabled``) live here too;
the engine that runs backward is in ``engine.py``, grad mode in ``grad_mode.py``.
"""
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .engine import backward, grad
from ..function import Function
from ..gradcheck import gradcheck, gradgradcheck
from . import functional
from .variable import Variable
from .anomaly_mode import (
    detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly,
)

__all__ = [
    "Function", "Variable", "backward", "grad", "gradcheck", "gradgradcheck", "functional",
    "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
    "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled",
]
