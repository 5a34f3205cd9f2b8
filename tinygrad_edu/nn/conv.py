"""Convolution and pooling layers for images in NCHW layout: Conv2d, MaxPool2d, AvgPool2d,
AdaptiveAvgPool2d."""
from __future__ import annotations

from typing import Any

from .. import checks
from .._tensor import Tensor
from . import functional as F
from .input_checks import check_input
from .layers import _add_weight_and_bias, _default_init
from .module import Module


class Conv2d(Module):
    """2-D convolution: ``out_channels`` learned kernels slid over an (N, C, H, W) input.

    y[n, o] = b[o] + sum over c, i, j of W[o, c, i, j] * x_pad[n, g*Cg + c, s*h + d*i, s*w + d*j],
    with s the stride, d the dilation and g = o // (O/groups) the group of output channel
    o, which sees only its group's Cg = C/groups input channels. Computed with im2col (one
    matrix product, batched over groups); see ``tg.ops.conv.Conv2d`` for the gradients.
    Initialised as PyTorch: W and b uniform in (-1/sqrt(k), 1/sqrt(k)) with
    k = in_channels/groups * kh * kw (the fan-in of one output).

    Args:
        in_channels: C of the input.
        out_channels: the number of kernels (O of the output).
        kernel_size: an int or a pair (kh, kw).
        stride: an int or a pair (default 1).
        padding: zeros added on each side of H and W, an int or a pair (default 0); or
            ``"valid"`` (none) or ``"same"`` (stride 1 only: output size = input size).
        dilation: an int or a pair: the kernel reads every d-th pixel, spanning
            d*(k-1)+1 pixels with k weights (default 1).
        groups: split the channels into this many independent convolutions (default 1);
            must divide in_channels and out_channels. groups=in_channels is a depthwise
            convolution: each channel gets its own out_channels/in_channels kernels.
        bias: learn a bias per output channel (default True).
        dtype: of the parameters; the default dtype (float32) if None.

    Shapes:
        input (N, C, H, W) -> output (N, O, Ho, Wo), Ho = (H + 2 ph - dh*(kh - 1) - 1) // sh + 1;
        weight (O, C/groups, kh, kw), bias (O,).

    Example:
        >>> conv = nn.Conv2d(1, 8, kernel_size=3, padding=1)
        >>> conv(tg.zeros(4, 1, 28, 28)).shape
        (4, 8, 28, 28)
        >>> depthwise = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=8)
        >>> depthwise.weight.shape, depthwise(tg.zeros(4, 8, 28, 28)).shape
        ((8, 1, 3, 3), (4, 8, 28, 28))
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 dtype: Any = None) -> None:
        super().__init__()
        self.in_channels = checks.integer(in_channels, "Conv2d: in_channels", low=1)
        self.out_channels = checks.integer(out_channels, "Conv2d: out_channels", low=1)
        self.kernel_size = checks.int_pair(kernel_size, "Conv2d: kernel_size", low=1)
        self.stride = checks.int_pair(stride, "Conv2d: stride", low=1)
        self.dilation = checks.int_pair(dilation, "Conv2d: dilation", low=1)
        self.groups = checks.integer(groups, "Conv2d: groups", low=1)
        checks.flag(bias, "Conv2d: bias")
        # a string stays a string (as in PyTorch); validate it (and 'same' with a stride) now
        F._conv_padding(padding, self.kernel_size, self.stride, self.dilation)
        self.padding = (padding if isinstance(padding, str)
                        else checks.int_pair(padding, "Conv2d: padding", low=0))
        for name in ("in_channels", "out_channels"):
            if getattr(self, name) % self.groups:
                raise ValueError(f"{name} must be divisible by groups, got {name}="
                                 f"{getattr(self, name)} and groups={self.groups}")
        _add_weight_and_bias(
            self, (self.out_channels, self.in_channels // self.groups) + self.kernel_size,
            bias, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw new weights and bias with PyTorch's default initialisation."""
        _default_init(self.weight, self.bias)  # fan_in = in_channels/groups * kh * kw

    def forward(self, x: Tensor) -> Tensor:
        x = check_input(x, "Conv2d", self.weight.data.dtype)
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                        self.groups)

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class MaxPool2d(Module):
    """The maximum over each kh x kw window of an (N, C, H, W) input, per channel.

    Args:
        kernel_size: an int or a pair.
        stride: defaults to ``kernel_size`` (windows side by side).
        padding: -inf added on each side, at most half the kernel size (default 0).
        dilation: an int or a pair: the window reads every d-th pixel (default 1).

    Shapes:
        input (N, C, H, W) -> output (N, C, Ho, Wo), Ho = (H + 2 ph - dh*(kh - 1) - 1) // sh + 1.

    Example:
        >>> nn.MaxPool2d(2)(tg.zeros(4, 8, 28, 28)).shape
        (4, 8, 14, 14)
        >>> nn.MaxPool2d(3, stride=1, dilation=2)(tg.zeros(4, 8, 28, 28)).shape
        (4, 8, 24, 24)
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation
        checks.int_pair(kernel_size, "MaxPool2d: kernel_size", low=1)  # now, not at the first call
        checks.int_pair(self.stride, "MaxPool2d: stride", low=1)
        checks.int_pair(padding, "MaxPool2d: padding", low=0)
        checks.int_pair(dilation, "MaxPool2d: dilation", low=1)

    def forward(self, x: Tensor) -> Tensor:
        x = check_input(x, "MaxPool2d")
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation)

    def extra_repr(self) -> str:
        text = f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
        if checks.int_pair(self.dilation, "dilation", low=1) != (1, 1):
            text += f", dilation={self.dilation}"
        return text


class AvgPool2d(Module):
    """The mean over each kh x kw window of an (N, C, H, W) input, per channel.

    y[n, c, h, w] = sum over i < kh, j < kw of x_pad[n, c, sh*h + i, sw*w + j] / d with
    zeros as padding and d = kh*kw (see ``F.avg_pool2d`` for the options that change d).

    Args:
        kernel_size: an int or a pair.
        stride: defaults to ``kernel_size`` (windows side by side).
        padding: zeros added on each side, at most half the kernel size (default 0).
        ceil_mode: round the output size up, with a last, partial window (default False).
        count_include_pad: count the padding in d (default True); if False, d is the
            number of a window's positions inside the input.
        divisor_override: if given, d for every window.

    Shapes:
        input (N, C, H, W) -> output (N, C, Ho, Wo), Ho = (H + 2 ph - kh) // sh + 1.

    Example:
        >>> nn.AvgPool2d(2)(tg.zeros(4, 8, 28, 28)).shape
        (4, 8, 14, 14)
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override
        checks.int_pair(kernel_size, "AvgPool2d: kernel_size", low=1)  # now, not at the first call
        checks.int_pair(self.stride, "AvgPool2d: stride", low=1)
        checks.int_pair(padding, "AvgPool2d: padding", low=0)
        checks.flag(ceil_mode, "AvgPool2d: ceil_mode")
        checks.flag(count_include_pad, "AvgPool2d: count_include_pad")
        if divisor_override is not None:
            checks.integer(divisor_override, "AvgPool2d: divisor_override", low=1)

    def forward(self, x: Tensor) -> Tensor:
        x = check_input(x, "AvgPool2d")
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (Ho, Wo), whatever the input's H and W.

    Output row i averages input rows floor(i H / Ho) to ceil((i + 1) H / Ho) (exclusive),
    columns likewise (PyTorch's windows). ``AdaptiveAvgPool2d(1)`` is global average
    pooling, the mean of each channel: the usual head of a CNN before its last Linear.

    Args:
        output_size: an int or a pair (Ho, Wo); None in the pair keeps that input size.

    Example:
        >>> head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))
        >>> head(tg.zeros(8, 64, 7, 7)).shape
        (8, 10)
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        F._output_size(output_size)  # validate early, not at the first call
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        x = check_input(x, "AdaptiveAvgPool2d")
        return F.adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
