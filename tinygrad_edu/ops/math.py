"""Element-wise math beyond the basics: powers, exp/log variants, trigonometric and
hyperbolic functions and their inverses, two-input atan2/hypot/logaddexp, and the rounding
ops (sign, floor, ceil, round, trunc), whose gradient is 0 as in PyTorch.

These are the ops behind NumPy's ufuncs of the same names on Tensors (``np.arctan(t)``)
and the Tensor methods (``t.arctan()``, PyTorch's ``t.atan()``). As in ``elementwise.py``,
float functions turn integer input into the default float dtype, a float32 input stays
float32 (constants are Python floats, which never upcast), and every backward is written
with operators and ufuncs so that it serves first and second order alike.
"""
import numpy as np

from ..dtypes import promote_to_float, to_float
from ..function import Function

LN2 = float(np.log(2.0))    # Python floats: a NumPy float64 constant would upcast float32
LN10 = float(np.log(10.0))


def zero_gradient(gy):
    """A gradient of exactly 0 shaped and typed like ``gy``, even where gy is inf or nan
    (``gy * 0`` would be nan there; PyTorch gives 0). Written as ``where`` on ``gy`` so that
    under ``create_graph`` it is a Tensor in the graph, its own gradient 0 too."""
    return np.where(False, gy, 0)


# --- powers and roots ---


class Square(Function):
    """y = x**2;  dy/dx = 2 x."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.square(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * 2 * x


class Reciprocal(Function):
    """y = 1 / x;  dy/dx = -1 / x**2 = -y**2.  Domain x != 0."""

    def forward(self, x):
        y = np.reciprocal(to_float(x))
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved_tensors
        return -gy * y * y


class Cbrt(Function):
    """y = x**(1/3), real for negative x too;  dy/dx = 1 / (3 y**2).  Domain x != 0
    (the gradient is inf at 0)."""

    def forward(self, x):
        y = np.cbrt(to_float(x))
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved_tensors
        return gy / (3 * y * y)


# --- exponential and logarithm ---


class Exp2(Function):
    """y = 2**x;  dy/dx = ln(2) y."""

    def forward(self, x):
        y = np.exp2(to_float(x))
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved_tensors
        return gy * y * LN2


class Expm1(Function):
    """y = exp(x) - 1, accurate for small |x|;  dy/dx = exp(x) = y + 1."""

    def forward(self, x):
        y = np.expm1(to_float(x))
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved_tensors
        return gy * (y + 1)


class Log1p(Function):
    """y = log(1 + x), accurate for small |x|;  dy/dx = 1 / (1 + x).  Domain x > -1."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.log1p(to_float(x))

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy / (1 + x)


class Log2(Function):
    """y = log2(x);  dy/dx = 1 / (x ln 2).  Domain x > 0."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.log2(to_float(x))

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy / (x * LN2)


class Log10(Function):
    """y = log10(x);  dy/dx = 1 / (x ln 10).  Domain x > 0."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.log10(to_float(x))

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy / (x * LN10)


class LogAddExp(Function):
    """y = log(exp(x0) + exp(x1)), computed without overflow;
    dy/dx0 = exp(x0 - y), dy/dx1 = exp(x1 - y) (softmax weights of the pair; x - y <= 0,
    so exp never overflows)."""

    def forward(self, x0, x1):
        x0, x1 = promote_to_float(x0, x1)
        y = np.logaddexp(x0, x1)
        self.save_for_backward(x0, x1, y)
        return y

    def backward(self, gy):
        x0, x1, y = self.saved_tensors
        return gy * np.exp(x0 - y), gy * np.exp(x1 - y)


# --- trigonometric ---


class Tan(Function):
    """y = tan(x);  dy/dx = 1 / cos(x)**2 = 1 + y**2.  Domain x != pi/2 + k pi."""

    def forward(self, x):
        y = np.tan(to_float(x))
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved_tensors
        return gy * (1 + y * y)


class Arcsin(Function):
    """y = arcsin(x) in [-pi/2, pi/2];  dy/dx = 1 / sqrt(1 - x**2).  Domain -1 < x < 1."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.arcsin(to_float(x))

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy / np.sqrt(1 - x * x)


class Arccos(Function):
    """y = arccos(x) in [0, pi];  dy/dx = -1 / sqrt(1 - x**2).  Domain -1 < x < 1."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.arccos(to_float(x))

    def backward(self, gy):
        (x,) = self.saved_tensors
        return -gy / np.sqrt(1 - x * x)


class Arctan(Function):
    """y = arctan(x) in (-pi/2, pi/2);  dy/dx = 1 / (1 + x**2)."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.arctan(to_float(x))

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy / (1 + x * x)


class Arctan2(Function):
    """y = arctan2(x0, x1), the angle of the point (x = x1, y = x0) in [-pi, pi];
    dy/dx0 = x1 / (x0**2 + x1**2), dy/dx1 = -x0 / (x0**2 + x1**2).

    Not differentiable at the origin: both gradients are taken as 0 there, as PyTorch
    (and so are their derivatives: the second order is 0 there too, where PyTorch's is nan).
    The angle jumps by 2 pi across x0 = 0 for x1 < 0; its derivatives do not.
    """

    def forward(self, x0, x1):
        x0, x1 = promote_to_float(x0, x1)
        y = np.arctan2(x0, x1)
        self.save_for_backward(x0, x1, (x0 == 0) & (x1 == 0))
        return y

    def backward(self, gy):
        x0, x1, origin = self.saved_tensors
        # At the origin: 0 / 1 instead of 0 / 0 (and a constant 0 factor, so that the
        # second order is 0 there too).
        scale = gy * ~origin / (x0 * x0 + x1 * x1 + origin)
        return scale * x1, -scale * x0


class Hypot(Function):
    """y = sqrt(x0**2 + x1**2), computed without overflow;  dy/dx0 = x0 / y, dy/dx1 = x1 / y.

    Not differentiable at the origin: the gradient there is 0 / 0 = nan, as PyTorch's.
    """

    def forward(self, x0, x1):
        x0, x1 = promote_to_float(x0, x1)
        y = np.hypot(x0, x1)
        self.save_for_backward(x0, x1, y)
        return y

    def backward(self, gy):
        x0, x1, y = self.saved_tensors
        scale = gy / y
        return scale * x0, scale * x1


# --- hyperbolic ---


class Sinh(Function):
    """y = sinh(x) = (exp(x) - exp(-x)) / 2;  dy/dx = cosh(x)."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.sinh(to_float(x))

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * np.cosh(x)


class Cosh(Function):
    """y = cosh(x) = (exp(x) + exp(-x)) / 2;  dy/dx = sinh(x)."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.cosh(to_float(x))

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * np.sinh(x)


class Arcsinh(Function):
    """y = arcsinh(x) = log(x + sqrt(x**2 + 1));  dy/dx = 1 / sqrt(x**2 + 1)."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.arcsinh(to_float(x))

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy / np.sqrt(x * x + 1)


class Arccosh(Function):
    """y = arccosh(x) = log(x + sqrt(x**2 - 1)) >= 0;  dy/dx = 1 / sqrt(x**2 - 1).
    Domain x > 1 (the gradient is inf at 1)."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.arccosh(to_float(x))

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy / np.sqrt((x - 1) * (x + 1))  # (x - 1)(x + 1): exact near x = 1


class Arctanh(Function):
    """y = arctanh(x) = log((1 + x) / (1 - x)) / 2;  dy/dx = 1 / (1 - x**2).
    Domain -1 < x < 1."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.arctanh(to_float(x))

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy / (1 - x * x)


# --- rounding: piecewise constant, gradient 0 (also at the jumps, as PyTorch) ---
# Integer tensors are returned unchanged (a copy), in their own dtype, as PyTorch.


class Sign(Function):
    """y = -1, 0 or 1 as x < 0, x == 0 or x > 0 (nan for nan);  dy/dx = 0, also at 0."""

    def forward(self, x):
        return np.sign(x)

    def backward(self, gy):
        return zero_gradient(gy)


class Floor(Function):
    """y = floor(x), the largest integer <= x;  dy/dx = 0, also at the integers (jumps)."""

    def forward(self, x):
        return np.floor(x) if x.dtype.kind == "f" else x.copy()

    def backward(self, gy):
        return zero_gradient(gy)


class Ceil(Function):
    """y = ceil(x), the smallest integer >= x;  dy/dx = 0, also at the integers (jumps)."""

    def forward(self, x):
        return np.ceil(x) if x.dtype.kind == "f" else x.copy()

    def backward(self, gy):
        return zero_gradient(gy)


class Trunc(Function):
    """y = trunc(x), x rounded toward 0;  dy/dx = 0, also at the integers (jumps)."""

    def forward(self, x):
        return np.trunc(x) if x.dtype.kind == "f" else x.copy()

    def backward(self, gy):
        return zero_gradient(gy)


class Round(Function):
    """y = x rounded to ``decimals`` decimal places (0: to an integer), halves to even
    (NumPy's and PyTorch's rule: 0.5 -> 0, 1.5 -> 2);  dy/dx = 0, also at the jumps
    (the halves). ``decimals`` is a constant int, negative rounds to tens, hundreds...
    """

    def forward(self, x, decimals):
        return np.round(x, decimals)

    def backward(self, gy):
        return zero_gradient(gy), None
