"""GELU, x * Phi(x), and the standard normal CDF Phi it needs (NumPy has no erf).

Phi(x) = erfc(-x / sqrt(2)) / 2, and erfc(a) = exp(-a^2) * r(a) for a >= 0, where r is
smooth and slowly varying (r(0) = 1, r(a) ~ 1 / (a sqrt(pi)) for large a). r is
tabulated once (on first use, in a few ms) as a polynomial of degree 6 on each interval
of width 1/32 of [0, 26.5), interpolating values from ``math.erfc`` at Chebyshev nodes;
a vectorised Horner evaluation then gives r, so Phi costs about 20 NumPy passes over x.
Phi(x) = 1 - erfc(a)/2 for x >= 0 and erfc(a)/2 for x < 0 (a = |x| / sqrt(2)) is then
accurate relative to Phi itself, even far in the lower tail, where 1 + erf(x / sqrt(2))
would cancel. Beyond |x| = 26.5 sqrt(2) = 37.5, where Phi(-|x|) < 1e-306, the last
interval's r is used (a relative error of a few percent on numbers that small, until
they underflow to 0).
"""
import math

import numpy as np

from ..function import Function
from .._tensor import Tensor

_WIDTH = 1.0 / 32  # intervals [i/32, (i+1)/32) of a = |x| / sqrt(2)
_DEGREE = 6
_TOP = 26.5  # exp(a^2) still fits a float64 here, so r can be tabulated up to it
_tables: dict = {}  # dtype -> (_DEGREE + 1, intervals) coefficients, built on first use


def _exp_square(a: float) -> float:
    """exp(a^2), accurate to a few ulp even where a^2 is large.

    a^2 rounds with a relative error of 1e-16, which exp turns into an absolute one of
    a^2 * 1e-16 in the exponent; split a = hi + lo with hi on a 2^-20 grid so hi^2 is
    exact, and exp(a^2) = exp(hi^2) * exp(lo * (a + hi)).
    """
    hi = round(a * 2.0 ** 20) / 2.0 ** 20
    return math.exp(hi * hi) * math.exp((a - hi) * (a + hi))


def _build_table() -> np.ndarray:
    """r's polynomial on each interval, in t in [-1, 1] across it (lowest power first):
    the interpolant at the Chebyshev nodes, converted to powers of t for Horner."""
    chebyshev = np.polynomial.chebyshev
    k = np.arange(_DEGREE + 1)
    nodes = np.cos(np.pi * (k + 0.5) / (_DEGREE + 1))  # in [-1, 1]
    to_powers = np.zeros((_DEGREE + 1, _DEGREE + 1))  # column j: T_j in powers of t
    for j in range(_DEGREE + 1):
        powers = chebyshev.cheb2poly(np.eye(_DEGREE + 1)[j])
        to_powers[:len(powers), j] = powers
    intervals = int(round(_TOP / _WIDTH))
    a = (np.arange(intervals) + 0.5 + nodes[:, None] / 2) * _WIDTH  # (nodes, intervals)
    r = np.array([[math.erfc(v) * _exp_square(v) for v in row] for row in a.tolist()])
    cheb = np.linalg.solve(chebyshev.chebvander(nodes, _DEGREE), r)
    return to_powers @ cheb


def _table(dtype: type) -> np.ndarray:
    table = _tables.get(dtype)
    if table is None:
        if np.float64 not in _tables:
            _tables[np.float64] = _build_table()
        table = _tables[dtype] = _tables[np.float64].astype(dtype)
    return table


def normal_cdf(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Phi(x) = P(Z <= x) for a standard normal Z, and exp(-x^2 / 2), element-wise.

    Computed in x's dtype (float32 stays float32; other dtypes go through float64).
    The relative error is about (1 + x^2) * 1e-16 in float64 (rounding x^2 / 2 before exp
    dominates; r itself is within 5 ulp).
    """
    if x.dtype not in (np.float32, np.float64):
        x = x.astype(np.float64)
    if x.ndim == 0:  # ufuncs give NumPy scalars for 0-d input: the in-place steps need arrays
        cdf, gauss = normal_cdf(x.reshape(1))
        return cdf.reshape(()), gauss.reshape(())
    coef = _table(x.dtype.type)
    t = np.abs(x)
    t *= 1.0 / (math.sqrt(2.0) * _WIDTH)  # a = |x| / sqrt(2), in units of intervals
    end = x.dtype.type(coef.shape[1])  # the table's end, kept out of (NaN too: no warning)
    np.fmin(t, np.nextafter(end, end.dtype.type(0)), out=t)
    start = np.floor(t)
    index = start.astype(np.intp)
    t -= start
    t *= 2.0
    t -= 1.0  # a's place in its interval, in [-1, 1]
    r = coef[_DEGREE].take(index)
    for k in range(_DEGREE - 1, -1, -1):  # Horner, in place
        r *= t
        r += coef[k].take(index)
    gauss = x * x
    gauss *= -0.5
    np.exp(gauss, out=gauss)  # exp(-x^2 / 2)
    cdf = r  # h = erfc(|x| / sqrt(2)) / 2 = Phi(-|x|), which is Phi(x) for x < 0
    cdf *= gauss
    cdf *= 0.5
    # 1 - h for x >= 0 (4x faster than np.where or a masked subtract)
    np.copysign(cdf, x, out=cdf)
    np.negative(cdf, out=cdf)
    cdf += ~np.signbit(x)
    return cdf, gauss


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_CUBIC = 0.044715


class NormalCDF(Function):
    """y = Phi(x), the standard normal CDF;  dy/dx = phi(x) = exp(-x^2 / 2) / sqrt(2 pi)."""

    def forward(self, x):
        self.save_for_backward(x)
        return normal_cdf(x)[0]

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * np.exp(x * x * -0.5) * _INV_SQRT_2PI


def _parts(x, approximate: str) -> tuple:
    """s(x) ~ Phi(x) and what its derivative needs: exp(-x^2/2), or tanh(u) (ndarray or Tensor)."""
    if approximate == "tanh":
        th = np.tanh(_SQRT_2_OVER_PI * (x + _CUBIC * (x * x * x)))
        return 0.5 + 0.5 * th, th
    if isinstance(x, Tensor):
        return NormalCDF.apply(x), np.exp(x * x * -0.5)
    return normal_cdf(x)


def _slope(x, s, aux, approximate: str):
    """dy/dx = s + x ds/dx for y = x s(x)."""
    if approximate == "tanh":
        return s + x * ((0.5 * _SQRT_2_OVER_PI) * (1.0 - aux * aux)
                        * (1.0 + 3 * _CUBIC * (x * x)))
    return s + x * aux * _INV_SQRT_2PI


class GELU(Function):
    """y = x * Phi(x) (Hendrycks & Gimpel, 2016), PyTorch's default ``approximate='none'``.

    Phi is the standard normal CDF and phi(x) = exp(-x^2 / 2) / sqrt(2 pi) its density::

        dy/dx = Phi(x) + x phi(x)

    With ``approximate='tanh'``, PyTorch's cheaper stand-in for Phi is used instead:
    s(x) = (1 + tanh(u)) / 2 with u = sqrt(2 / pi) (x + 0.044715 x^3), y = x s(x) and
    dy/dx = s + x (1 - tanh(u)^2) / 2 * sqrt(2 / pi) (1 + 3 * 0.044715 x^2).
    """

    def forward(self, x, approximate):
        s, aux = _parts(x, approximate)
        self.approximate = approximate
        self.save_for_backward(x, s, aux)
        return x * s

    def backward(self, gy):
        x, s, aux = self.saved_tensors
        if isinstance(gy, Tensor):  # second order: s and aux as functions of the graph's x
            s, aux = _parts(x, self.approximate)
        return gy * _slope(x, s, aux, self.approximate), None
