"""Lazy layers: their input size is read from the first input, as PyTorch's ``nn.Lazy*``.

Until that first call their parameters are ``UninitializedParameter``s (no shape, no
values); the call gives them their shapes, initialises them as the plain layer does, and
turns the module into that plain layer (``type(layer)`` is then ``nn.Linear``).
"""
from __future__ import annotations

from typing import Any

from .. import checks
from ..devices import check_device
from .._tensor import Tensor
from .input_checks import check_input
from .layers import Linear, _float_dtype
from .module import Module, UninitializedParameter


class LazyLinear(Linear):
    """``nn.Linear(in_features, out_features)`` with in_features taken from the first input.

    Before the first call ``in_features`` is 0 and ``weight``/``bias`` are
    UninitializedParameters: their values and shape cannot be read (so ``state_dict``,
    ``load_state_dict`` or ``sum(p.size ...)`` raise a clear error), but an optimizer may
    already be built over them, as in PyTorch: they are the same objects after the call.
    The first call sets in_features = x.shape[-1], draws W (out_features, in_features)
    and b as ``nn.Linear`` does (uniform in +-1/sqrt(in_features), from the library's
    generator) and makes the layer an ``nn.Linear``. Convert the dtype (``.double()``)
    before that call, as PyTorch advises.

    Args:
        out_features: size of the output's last axis.
        bias: learn an additive bias (default True).
        device: None or "cpu" (the only device).
        dtype: of the parameters; the default dtype (float32) if None.

    Raises:
        ValueError: at the first call, an input that is 0-D or has a last axis of size 0.
        TypeError: at the first call, an input that is not of the parameters' float dtype.

    Example:
        >>> layer = nn.LazyLinear(10)
        >>> layer(tg.zeros(32, 784)).shape
        (32, 10)
        >>> layer
        Linear(in_features=784, out_features=10, bias=True)
    """

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        Module.__init__(self)  # not Linear's: in_features is not known yet
        check_device(device, "LazyLinear: device")
        self.in_features = 0
        self.out_features = checks.integer(out_features, "LazyLinear: out_features", low=1)
        checks.flag(bias, "LazyLinear: bias")
        dtype = _float_dtype(dtype)
        self.weight = UninitializedParameter(dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)
        else:
            self.register_parameter("bias", None)

    def has_uninitialized_params(self) -> bool:
        """True until the first call."""
        return any(isinstance(p, UninitializedParameter) for p in self.parameters())

    def reset_parameters(self) -> None:
        """Draw the weights as ``nn.Linear`` does (nothing to draw before the first call)."""
        if not self.has_uninitialized_params():
            super().reset_parameters()

    def initialize_parameters(self, x: Tensor) -> None:
        """Give weight and bias their shapes from ``x`` and draw them (the first call does)."""
        if x.ndim == 0 or x.shape[-1] == 0:
            raise ValueError(f"LazyLinear: the first input sets in_features to its last axis' "
                             f"size, which must be >= 1, got shape {x.shape}")
        self.in_features = x.shape[-1]
        self.weight.materialize((self.out_features, self.in_features))
        if self.bias is not None:
            self.bias.materialize((self.out_features,))
        self.reset_parameters()

    def forward(self, x: Tensor) -> Tensor:
        x = check_input(x, "LazyLinear", self.weight.dtype)
        self.initialize_parameters(x)
        self.__class__ = self.cls_to_become  # from now on a plain Linear, as in PyTorch
        return self.forward(x)
