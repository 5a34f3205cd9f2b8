"""tinygrad_edu: a small, fast, correct autograd framework on NumPy, for learning.

    import tinygrad_edu as tg
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    (x ** 2).sum().backward()
    x.grad  # Tensor([2., 4.])
"""
from ._tensor import Tensor
from .dtypes import get_default_dtype, set_default_dtype
from .dtypes import TORCH_NAMES as _TORCH_NAMES
from .devices import device, get_default_device, set_default_device
from . import accelerator, backends, cuda
from .random_generator import Generator
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
from .factories import (
    as_tensor, empty, empty_like, from_numpy, full_like, linspace, logspace, normal, rand_like,
    randint, randn_like, randperm, tensor,
)
from .predicates import is_floating_point, is_tensor, numel
from .numerical import gradient_descent, numerical_diff, numerical_gradient
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .serialization import load, save
from .pytorch_names import FUNCTIONS as _PYTORCH_FUNCTIONS, EXPORTED as _PYTORCH_EXPORTED
from . import linalg, nn, optim  # noqa: E402  (after Tensor: they build on it)
from . import data, train, viz  # noqa: E402  (the learner's workflow, on nn/optim)
from . import hints  # noqa: E402
from . import testing  # noqa: E402  (torch.testing's place; Hypothesis only on demand)

hints.install()  # PyTorch's `t.data.zero_()` habit gets a note saying what .data is here

__version__ = "0.1.0"

# PyTorch's functions: tg.sin, tg.mm, tg.cat, tg.split (sizes), ... (pytorch_names.FUNCTIONS).
globals().update(_PYTORCH_FUNCTIONS)

# PyTorch's dtype names (tg.float32, tg.long...), NumPy dtypes; see dtypes.TORCH_NAMES.
# tg.float, tg.int and tg.bool shadow the builtins in this namespace only (as torch does):
# below this line, write builtins.float if this file ever needs the builtin.
float32, float64, float16 = (_TORCH_NAMES[n] for n in ("float32", "float64", "float16"))
float, double, half = (_TORCH_NAMES[n] for n in ("float", "double", "half"))  # noqa: A001
int64, int32, int16, int8 = (_TORCH_NAMES[n] for n in ("int64", "int32", "int16", "int8"))
long, int, short, uint8 = (_TORCH_NAMES[n] for n in ("long", "int", "short", "uint8"))  # noqa
bool = _TORCH_NAMES["bool"]  # noqa: A001

__all__ = [
    "Tensor", "Function", "get_default_dtype", "set_default_dtype",
    "device", "get_default_device", "set_default_device", "cuda", "backends", "accelerator",
    "Generator",
    # (tg.float, tg.int and tg.bool are left out: `from tinygrad_edu import *` must not
    # shadow Python's builtins)
    "float32", "float64", "double", "float16", "half", "int64", "long", "int32",
    "int16", "short", "int8", "uint8",
    "grad", "no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled",
    "concatenate", "stack", "split", "unbind", "where", "maximum", "minimum", "logsumexp",
    "roll", "flip", "cumsum", "cumprod", "prod", "tile", "repeat_interleave", "diagonal",
    "trace", "outer", "tensordot", "einsum", "norm", "linalg",
    "sort", "argsort", "topk", "quantile",
    "zeros", "ones", "full", "arange", "eye", "randn", "rand", "zeros_like", "ones_like",
    "manual_seed", "tensor", "as_tensor", "from_numpy", "linspace", "logspace", "normal",
    "randint", "randperm", "randn_like", "rand_like", "full_like", "empty", "empty_like",
    "is_tensor", "is_floating_point", "numel",
    "numerical_diff", "numerical_gradient", "gradient_descent",
    "gradcheck", "gradgradcheck", "GradcheckError",
    "save", "load", "nn", "optim", "data", "train", "viz", "testing",
]
__all__ += [name for name in _PYTORCH_EXPORTED if name not in __all__]  # not max, sum...
