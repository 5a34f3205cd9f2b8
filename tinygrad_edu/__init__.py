"""tinygrad_edu: a small, fast, correct autograd framework on NumPy, for learning.

    import tinygrad_edu as tg
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    (x ** 2).sum().backward()
    x.grad  # Tensor([2., 4.])
"""
from ._tensor import Tensor
from .dtypes import get_default_dtype, set_default_dtype
from .autograd import enable_grad, grad, is_grad_enabled, no_grad, set_grad_enabled
from .function import Function
from .functions import concatenate, logsumexp, maximum, minimum, split, stack, unbind, where
from .functions import (
    cumprod, cumsum, diagonal, einsum, flip, norm, outer, prod, repeat_interleave, roll,
    tensordot, tile, trace,
)
from .functions import argsort, quantile, sort, topk
from .factories import (
    arange, eye, full, manual_seed, ones, ones_like, rand, randn, zeros, zeros_like,
)
from .numerical import gradient_descent, numerical_diff, numerical_gradient
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .serialization import load, save
from . import linalg, nn, optim  # noqa: E402  (after Tensor: they build on it)
from . import data, train, viz  # noqa: E402  (the learner's workflow, on nn/optim)

__version__ = "0.1.0"

__all__ = [
    "Tensor", "Function", "get_default_dtype", "set_default_dtype",
    "grad", "no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled",
    "concatenate", "stack", "split", "unbind", "where", "maximum", "minimum", "logsumexp",
    "roll", "flip", "cumsum", "cumprod", "prod", "tile", "repeat_interleave", "diagonal",
    "trace", "outer", "tensordot", "einsum", "norm", "linalg",
    "sort", "argsort", "topk", "quantile",
    "zeros", "ones", "full", "arange", "eye", "randn", "rand", "zeros_like", "ones_like",
    "manual_seed",
    "numerical_diff", "numerical_gradient", "gradient_descent",
    "gradcheck", "gradgradcheck", "GradcheckError",
    "save", "load", "nn", "optim", "data", "train", "viz",
]
