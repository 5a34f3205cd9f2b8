"""Element-wise ops: arithmetic, exp/log, activations, clip, maximum/minimum.

Binary ops convert their operands with ``dtypes.promote`` (PyTorch's type promotion) and
float functions their input with ``dtypes.to_float``; the arithmetic ones skip the call in
the common cases (two arrays of one dtype, a float array and a Python number, a float
input), as this is the hot path. Each backward returns gradients shaped like the output;
the engine sums them back to a broadcast input's shape. Formulas use operators and NumPy
ufuncs, which work on ndarrays (first order) and on Tensors (``create_graph=True``) alike.
"""
import numpy as np

from ..dtypes import promote, promote_to_float, to_float
from ..function import Function
from .._tensor import Tensor

_NUMBERS = (float, int)  # Python scalars: with a float array they never need promotion

# --- arithmetic ---


class Add(Function):
    """y = x0 + x1;  dy/dx0 = 1, dy/dx1 = 1."""

    def forward(self, x0, x1):
        if (type(x0) is not type(x1) or x0.dtype is not x1.dtype) and not (
                type(x1) in _NUMBERS and x0.dtype.kind == "f"):  # else nothing to promote
            x0, x1 = promote(x0, x1)
        return x0 + x1

    def backward(self, gy):
        return gy, gy


class Sub(Function):
    """y = x0 - x1;  dy/dx0 = 1, dy/dx1 = -1."""

    def forward(self, x0, x1):
        if (type(x0) is not type(x1) or x0.dtype is not x1.dtype) and not (
                type(x1) in _NUMBERS and x0.dtype.kind == "f"):  # else nothing to promote
            x0, x1 = promote(x0, x1)
        return x0 - x1

    def backward(self, gy):
        return gy, -gy


class Cast(Function):
    """y = x converted to another float dtype;  dy/dx = 1 (the gradient is cast back)."""

    def forward(self, x, dtype):
        self.x_dtype = x.dtype
        return x.astype(dtype)

    def backward(self, gy):
        return gy.astype(self.x_dtype), None


class Neg(Function):
    """y = -x;  dy/dx = -1."""

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


class Mul(Function):
    """y = x0 * x1;  dy/dx0 = x1, dy/dx1 = x0."""

    def forward(self, x0, x1):
        if (type(x0) is not type(x1) or x0.dtype is not x1.dtype) and not (
                type(x1) in _NUMBERS and x0.dtype.kind == "f"):  # else nothing to promote
            x0, x1 = promote(x0, x1)
        self.save_for_backward(x0, x1)
        return x0 * x1

    def backward(self, gy):
        x0, x1 = self.saved_tensors
        return gy * x1, gy * x0


class Div(Function):
    """y = x0 / x1;  dy/dx0 = 1 / x1, dy/dx1 = -x0 / x1**2."""

    def forward(self, x0, x1):
        if not (type(x0) is type(x1) and x0.dtype is x1.dtype or type(x1) in _NUMBERS) \
                or x0.dtype.kind != "f":  # else nothing to promote
            x0, x1 = promote_to_float(x0, x1)  # 1 / 2 is 0.5 in the default float dtype
        self.save_for_backward(x0, x1)
        return x0 / x1

    def backward(self, gy):
        x0, x1 = self.saved_tensors
        gx0 = gy / x1
        return gx0, -gx0 * x0 / x1


class Pow(Function):
    """y = x0 ** x1;  dy/dx0 = x1 * x0**(x1 - 1), dy/dx1 = y * log(x0).

    Domain: for a tensor exponent, x0 > 0. As PyTorch, dy/dx1 is taken as 0 where x0 == 0
    (there y = 0 for positive exponents, and 0 * log(0) has no other sensible value), and
    dy/dx0 is exactly 0 where x1 == 0 (y = 1 there, whatever x0: also at x0 == 0 and at a
    tiny x0 such as 1e-310, where 0 * x0**-1 would be 0 * inf = nan). The second
    derivatives stay the true ones there: d(dy/dx0)/dx0 = 0 and d(dy/dx0)/dx1 = 1 / x0
    (clipped to the largest float where 1 / x0 overflows; taken as 1 at x0 == 0).
    """

    def forward(self, x0, x1):
        if (type(x0) is not type(x1) or x0.dtype is not x1.dtype) and not (
                type(x1) in _NUMBERS and x0.dtype.kind == "f"):  # else nothing to promote
            x0, x1 = promote(x0, x1)
        y = x0 ** x1
        self.save_for_backward(x0, x1, y)
        return y

    def backward(self, gy):
        x0, x1, y = self.saved_tensors
        needs = self.needs_input_grad
        gx0 = gy * _pow_base_derivative(x0, x1) if needs[0] else None
        gx1 = gy * y * np.log(x0 + (x0 == 0)) if needs[1] else None
        return gx0, gx1


def _pow_base_derivative(x0, x1):
    """dy/dx0 = x1 * x0**(x1 - 1) of y = x0**x1, exactly 0 where x1 == 0 (see Pow).

    Where x1 == 0, x0**(x1 - 1) = 1 / x0 can be inf (x0 == 0, or tiny), and 0 * inf is nan;
    so the base there is replaced by 1 (``where`` also stops its gradient to x0: the true
    d(dy/dx0)/dx0 = x1 (x1 - 1) x0**(x1 - 2) is 0 there), which gives the value
    0 * 1 = 0 but d/dx1 = 1 instead of the true 1 / x0. The constant c = 1 / x0 - 1 times
    x1 (taken only where x1 == 0) adds 0 to the value and puts d/dx1 back to 1 / x0.
    Arrays in first order, Tensors (so ``where`` is ``tg.where``) with create_graph.
    """
    exponent = x1.data if isinstance(x1, Tensor) else x1
    if not isinstance(exponent, np.ndarray):  # a Python number
        return x1 * 0 if exponent == 0 else x1 * x0 ** (x1 - 1)
    zero = exponent == 0
    if not zero.any():
        return x1 * x0 ** (x1 - 1)
    base = x0.data if isinstance(x0, Tensor) else x0
    with np.errstate(divide="ignore", over="ignore"):
        largest = np.finfo(base.dtype).max
        c = np.where(zero & (base != 0), np.clip(1 / base, -largest, largest) - 1, 0)
    c = c.astype(base.dtype)
    return x1 * np.where(zero, 1, x0) ** (x1 - 1) + np.where(zero, x1, 0) * c


# --- exponential and logarithm ---


class Exp(Function):
    """y = exp(x);  dy/dx = y."""

    def forward(self, x):
        y = np.exp(x if x.dtype.kind == "f" else to_float(x))
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved_tensors
        return gy * y


class Log(Function):
    """y = log(x) (natural);  dy/dx = 1 / x.  Domain x > 0."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.log(x if x.dtype.kind == "f" else to_float(x))

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy / x


class Sqrt(Function):
    """y = sqrt(x);  dy/dx = 1 / (2 y).  Domain x > 0 (the gradient is inf at 0)."""

    def forward(self, x):
        y = np.sqrt(x if x.dtype.kind == "f" else to_float(x))
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved_tensors
        return gy / (2 * y)


# --- trigonometric ---


class Sin(Function):
    """y = sin(x);  dy/dx = cos(x)."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.sin(x if x.dtype.kind == "f" else to_float(x))

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * np.cos(x)


class Cos(Function):
    """y = cos(x);  dy/dx = -sin(x)."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.cos(x if x.dtype.kind == "f" else to_float(x))

    def backward(self, gy):
        (x,) = self.saved_tensors
        return -gy * np.sin(x)


# --- activations ---


class Tanh(Function):
    """y = tanh(x);  dy/dx = 1 - y**2."""

    def forward(self, x):
        y = np.tanh(x if x.dtype.kind == "f" else to_float(x))
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved_tensors
        return gy * (1 - y * y)


def sigmoid(x):
    """1 / (1 + exp(-x)) of an ndarray without overflow, or of a Tensor (differentiable).

    exp(min(x, 0)) / (1 + exp(-|x|)) is 1 / (1 + exp(-x)) for x >= 0 and
    exp(x) / (1 + exp(x)) for x < 0: never exp of a large positive number (and several
    times faster than an np.where on a mask that changes from element to element).
    """
    if isinstance(x, Tensor):
        return Sigmoid.apply(x)
    return np.exp(np.minimum(x, 0)) / (1 + np.exp(-np.abs(x)))


class Sigmoid(Function):
    """y = 1 / (1 + exp(-x));  dy/dx = y * (1 - y)."""

    def forward(self, x):
        y = sigmoid(x if x.dtype.kind == "f" else to_float(x))
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved_tensors
        return gy * y * (1 - y)


class ReLU(Function):
    """y = max(x, 0);  dy/dx = 1 where x > 0, else 0 (0 at the kink x = 0, as PyTorch)."""

    def forward(self, x):
        self.save_for_backward(x > 0)
        return np.maximum(x, 0)

    def backward(self, gy):
        (mask,) = self.saved_tensors
        return gy * mask


class LeakyReLU(Function):
    """y = x where x > 0, else slope * x;  dy/dx = 1 where x > 0, else slope.

    At the kink x = 0 the slope branch is taken (PyTorch's ``x > 0 ? 1 : slope``);
    ``slope`` is a constant (any real, as PyTorch).
    """

    def forward(self, x, slope):
        positive = x > 0
        self.save_for_backward(np.where(positive, x.dtype.type(1), x.dtype.type(slope)))
        return np.where(positive, x, x * slope)

    def backward(self, gy):
        (dydx,) = self.saved_tensors
        return gy * dydx, None


class Softplus(Function):
    """y = log(1 + exp(beta x)) / beta, and y = x where beta x > threshold (PyTorch's);
    dy/dx = sigmoid(beta x), and 1 in the linear part.

    Computed as (max(z, 0) + log1p(exp(-|z|))) / beta with z = beta x: exp never
    overflows. Above the threshold softplus differs from x by less than
    exp(-threshold) / beta, which the linear part drops.
    """

    def forward(self, x, beta, threshold):
        x = to_float(x)
        z = x * beta
        linear = z > threshold
        self.beta = beta
        self.save_for_backward(x, linear)
        soft = (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))) / beta
        return np.where(linear, x, soft)

    def backward(self, gy):
        x, linear = self.saved_tensors
        # np.where on a Tensor is tg.where: sigmoid(beta x) keeps its own gradient
        # (beta s (1 - s)) for second order, the linear part gets 1.
        return gy * np.where(linear, 1.0, sigmoid(x * self.beta)), None, None


class SafeSqrt(Function):
    """y = sqrt(x) for x >= 0;  dy/dx = 1 / (2 y), taken as 0 where y = 0.

    The true derivative at 0 is +inf; ``Tensor.std`` uses this so that the standard
    deviation of equal values has gradient 0 instead of nan (as ``torch.std``).
    """

    def forward(self, x):
        y = np.sqrt(x if x.dtype.kind == "f" else to_float(x))
        self.save_for_backward(y, y == 0)
        return y

    def backward(self, gy):
        y, zero = self.saved_tensors
        return gy * ~zero / (2 * (y + zero))


class Abs(Function):
    """y = |x|;  dy/dx = sign(x) (0 at the kink x = 0, as PyTorch)."""

    def forward(self, x):
        self.save_for_backward(np.sign(x))
        return np.abs(x)

    def backward(self, gy):
        (sign,) = self.saved_tensors
        return gy * sign


class Clip(Function):
    """y = min(max(x, lo), hi);  dy/dx = 1 where lo <= x <= hi, else 0.

    The gradient passes at the bounds themselves (PyTorch's ``clamp`` convention); the
    bounds are constants. Either bound may be None.
    """

    def forward(self, x, lo, hi):
        for bound in (lo, hi):  # an integer tensor clipped to 0.5 becomes float (PyTorch)
            if bound is not None:
                x = promote(x, bound)[0]
        inside = np.ones(x.shape, dtype=bool)
        if lo is not None:
            inside &= x >= lo
        if hi is not None:
            inside &= x <= hi
        self.save_for_backward(inside)
        return np.clip(x, lo, hi)

    def backward(self, gy):
        (inside,) = self.saved_tensors
        return gy * inside, None, None


class Maximum(Function):
    """y = maximum(x0, x1);  dy/dx0 = 1 where x0 > x1, dy/dx1 = 1 where x1 > x0.

    At a tie each input gets half of the gradient (PyTorch's convention).
    """

    def forward(self, x0, x1):
        x0, x1 = promote(x0, x1)
        y = np.maximum(x0, x1)
        self.save_for_backward(((x0 > x1) + 0.5 * (x0 == x1)).astype(y.dtype))
        return y

    def backward(self, gy):
        (share0,) = self.saved_tensors
        return gy * share0, gy * (1 - share0)


class Minimum(Function):
    """y = minimum(x0, x1);  dy/dx0 = 1 where x0 < x1, dy/dx1 = 1 where x1 < x0.

    At a tie each input gets half of the gradient (PyTorch's convention).
    """

    def forward(self, x0, x1):
        x0, x1 = promote(x0, x1)
        y = np.minimum(x0, x1)
        self.save_for_backward(((x0 < x1) + 0.5 * (x0 == x1)).astype(y.dtype))
        return y

    def backward(self, gy):
        (share0,) = self.saved_tensors
        return gy * share0, gy * (1 - share0)


class Where(Function):
    """y = x0 where cond, else x1;  dy/dx0 = cond, dy/dx1 = not cond (cond has no gradient)."""

    def forward(self, cond, x0, x1):
        x0, x1 = promote(x0, x1)
        self.save_for_backward(cond)
        return np.where(cond, x0, x1)

    def backward(self, gy):
        (cond,) = self.saved_tensors
        return None, gy * cond, gy * ~cond
