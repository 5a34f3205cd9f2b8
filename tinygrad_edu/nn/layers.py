"""Layers: Linear, the containers Sequential and ModuleList, activations, Dropout,
Flatten, Embedding."""
from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any, Iterable, Iterator

import numpy as np

from ..dtypes import get_default_dtype
from ..ops.affine import Affine
from .. import checks
from .._tensor import Tensor
from . import functional as F
from . import init
from .input_checks import check_input
from .module import Module, Parameter


def _float_dtype(dtype: Any) -> np.dtype:
    dtype = get_default_dtype() if dtype is None else np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"parameters must have a floating point dtype, got {dtype}")
    return dtype


def _add_weight_and_bias(module: Module, weight_shape: tuple, bias: bool, dtype: Any) -> None:
    """Give a Linear or Conv2d its (uninitialised) ``weight`` and ``bias`` (None if not bias)."""
    dtype = _float_dtype(dtype)
    module.weight = Parameter(np.empty(weight_shape, dtype))
    if bias:
        module.bias = Parameter(np.empty(weight_shape[0], dtype))
    else:
        module.register_parameter("bias", None)


def _default_init(weight: Parameter, bias: Parameter | None) -> None:
    """PyTorch's default for Linear and Conv: W and b uniform in +-1/sqrt(fan_in).

    For W that is ``kaiming_uniform_(W, a=sqrt(5))``; fan_in = in_features (x kh x kw).
    """
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        bound = 1.0 / math.sqrt(init._fans(weight)[0])
        init.uniform_(bias, -bound, bound)


# --- the affine layer ---


class Linear(Module):
    """y = x @ W^T + b, with W of shape (out_features, in_features).

    Initialised as PyTorch does: W and b uniform in (-1/sqrt(in), 1/sqrt(in)) (for W
    that is ``kaiming_uniform_(W, a=sqrt(5))``), drawn from the library's generator, so
    ``tg.manual_seed`` makes it reproducible.

    Args:
        in_features: size of the input's last axis.
        out_features: size of the output's last axis.
        bias: learn an additive bias (default True).
        dtype: of the parameters; the default dtype (float32) if None.

    Example:
        >>> layer = nn.Linear(784, 256)
        >>> layer(tg.zeros(32, 784)).shape
        (32, 256)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 dtype: Any = None) -> None:
        super().__init__()
        self.in_features = checks.integer(in_features, "Linear: in_features", low=1)
        self.out_features = checks.integer(out_features, "Linear: out_features", low=1)
        checks.flag(bias, "Linear: bias")
        _add_weight_and_bias(self, (self.out_features, self.in_features), bias, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw new weights and bias with PyTorch's default initialisation."""
        _default_init(self.weight, self.bias)

    def forward(self, x: Tensor) -> Tensor:
        x = check_input(x, "Linear", self.weight.data.dtype)
        return Affine.apply(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


# --- containers ---


class Sequential(Module):
    """Modules applied one after the other: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    The modules are named "0", "1", ... (so parameters are "0.weight", "2.bias", ...),
    or by the keys of an ordered dict given as the only argument.

    Example:
        >>> model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
        >>> model[0]
        Linear(in_features=2, out_features=16, bias=True)
    """

    def __init__(self, *modules: Any) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], dict):
            named = modules[0].items()
        else:
            named = ((str(i), module) for i, module in enumerate(modules))
        for name, module in named:
            self.add_module(name, _module(module, name))

    def forward(self, x: Any) -> Any:
        for module in self._modules.values():
            x = module(x)
        return x

    def append(self, module: Module) -> Sequential:
        """Add a module at the end; returns self."""
        self.add_module(str(len(self._modules)), _module(module, len(self._modules)))
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, index: int | slice) -> Any:
        items = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(OrderedDict(items[index]))
        return items[_list_index(index, len(items))][1]


class ModuleList(Module):
    """A list of modules whose parameters are registered (a plain list hides them).

    The modules are named "0", "1", ...; index, iterate, ``append`` and ``extend`` it
    as a list. It has no ``forward``: the owning module decides how to use them.

    Example:
        >>> self.layers = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)])
        >>> for layer in self.layers: x = layer(x).relu()
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def append(self, module: Module) -> ModuleList:
        """Add a module at the end; returns self."""
        self.add_module(str(len(self._modules)), _module(module, len(self._modules)))
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add modules at the end; returns self."""
        if isinstance(modules, Module) and not isinstance(modules, ModuleList):
            raise TypeError("ModuleList.extend takes an iterable of modules, got a "
                            f"{type(modules).__name__}; use append for one module")
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert a module before position ``index``; later ones are renumbered."""
        modules = list(self._modules.values())
        modules.insert(index, _module(module, index))
        self._renumber(modules)

    def _renumber(self, modules: list) -> None:
        for name in list(self._modules):
            delattr(self, name)
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __getitem__(self, index: int | slice) -> Any:
        modules = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(modules[index])
        return modules[_list_index(index, len(modules))]

    def __setitem__(self, index: int, module: Module) -> None:
        i = _list_index(index, len(self._modules))
        self.add_module(str(i), _module(module, i))

    def __delitem__(self, index: int | slice) -> None:
        modules = list(self._modules.values())
        del modules[index if isinstance(index, slice) else _list_index(index, len(modules))]
        self._renumber(modules)


def _module(module: Any, name: Any) -> Module:
    if not isinstance(module, Module):
        raise TypeError(f"element {name} is not a Module, got {type(module).__name__}")
    return module


def _axis(axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for an input with {ndim} dimensions")
    return axis % ndim


def _list_index(index: Any, length: int) -> int:
    if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
        raise TypeError(f"indices must be integers or slices, got {type(index).__name__}")
    if not -length <= index < length:
        raise IndexError(f"index {index} is out of range for {length} modules")
    return int(index) % length


# --- activations (no parameters) ---


class Identity(Module):
    """y = x."""

    def forward(self, x: Any) -> Any:
        return x


class ReLU(Module):
    """y = max(x, 0) element-wise (gradient 0 at x = 0, as PyTorch)."""

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x)


class Tanh(Module):
    """y = tanh(x) element-wise."""

    def forward(self, x: Tensor) -> Tensor:
        return F.tanh(x)


class Sigmoid(Module):
    """y = 1 / (1 + exp(-x)) element-wise."""

    def forward(self, x: Tensor) -> Tensor:
        return F.sigmoid(x)


class LeakyReLU(Module):
    """y = x where x > 0, else negative_slope * x, element-wise.

    The gradient is 1 where x > 0, else negative_slope (at x = 0 too, as PyTorch).

    Args:
        negative_slope: the slope for x < 0 (default 0.01).
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        checks.real(negative_slope, "LeakyReLU: negative_slope")
        self.negative_slope = negative_slope

    def forward(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class GELU(Module):
    """y = x * Phi(x) element-wise, Phi the standard normal CDF (Hendrycks & Gimpel, 2016).

    Phi(x) = (1 + erf(x / sqrt(2))) / 2 is computed to float64 accuracy (PyTorch's
    default, ``approximate='none'``); dy/dx = Phi(x) + x exp(-x^2 / 2) / sqrt(2 pi). The
    activation of BERT and GPT-2 style transformer MLPs.

    Args:
        approximate: 'none' (default, exact) or 'tanh': PyTorch's approximation
            0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))), 5-10x faster here and
            within 5e-4 of the exact form.

    Raises:
        ValueError: if approximate is not 'none' or 'tanh'.
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = checks.choice(approximate, "GELU: approximate", ("none", "tanh"))

    def forward(self, x: Tensor) -> Tensor:
        return F.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softmax(Module):
    """y = exp(x) / sum(exp(x)) along ``axis`` (computed stably, as exp(x - max x)).

    Args:
        axis: the axis that sums to 1 (default -1, the last; PyTorch's ``dim``).

    Example:
        >>> nn.Softmax(axis=1)(tg.zeros(2, 4)).numpy()[0]
        array([0.25, 0.25, 0.25, 0.25], dtype=float32)
    """

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = checks.integer(axis, "Softmax: axis")

    def forward(self, x: Tensor) -> Tensor:
        return F.softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


class LogSoftmax(Module):
    """y = x - log(sum(exp(x))) along ``axis``: log-probabilities, computed stably.

    Followed by ``nn.NLLLoss`` it is cross-entropy.

    Args:
        axis: the axis of the classes (default -1, the last; PyTorch's ``dim``).
    """

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = checks.integer(axis, "LogSoftmax: axis")

    def forward(self, x: Tensor) -> Tensor:
        return F.log_softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


# --- regularisation and reshaping ---


class Dropout(Module):
    """Inverted dropout: in training, zero each element with probability p and scale the
    others by 1 / (1 - p); in evaluation mode (``model.eval()``), the identity.

    Args:
        p: the probability of zeroing an element, in [0, 1] (default 0.5).

    Raises:
        ValueError: if p is outside [0, 1].
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        self.p = checks.real(p, "Dropout: p", low=0, high=1)

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Flatten(Module):
    """Merge the axes start_dim..end_dim into one: (N, C, H, W) -> (N, C*H*W) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = checks.integer(start_dim, "Flatten: start_dim")
        self.end_dim = checks.integer(end_dim, "Flatten: end_dim")

    def forward(self, x: Tensor) -> Tensor:
        x = check_input(x, "Flatten", floating=False)
        shape = x.shape
        start, end = _axis(self.start_dim, len(shape)), _axis(self.end_dim, len(shape))
        if start > end:
            raise ValueError(f"Flatten: start_dim {self.start_dim} comes after end_dim "
                             f"{self.end_dim} for an input of shape {shape}")
        merged = int(np.prod(shape[start:end + 1]))
        return x.reshape(shape[:start] + (merged,) + shape[end + 1:])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Embedding(Module):
    """A lookup table: row i of ``weight`` (num_embeddings, embedding_dim) for index i.

    The input is an integer array or Tensor of any shape; the output has one more axis
    of size embedding_dim. The gradient of a row is the sum over every place its index
    appears. Initialised N(0, 1), as PyTorch.

    Args:
        num_embeddings: the number of rows V (the vocabulary size).
        embedding_dim: the size D of each row.
        padding_idx: a row for padding positions: initialised to zeros and never given a
            gradient, so training leaves it at zero. In [-V, V); a negative value counts
            from the end and is stored as V + padding_idx (as PyTorch). None (default)
            for none.
        dtype: of the weight; the default dtype (float32) if None.

    Raises:
        TypeError: the indices or padding_idx are not integers.
        IndexError: an index is outside [0, num_embeddings).
        ValueError: padding_idx is outside [-num_embeddings, num_embeddings).

    Example:
        >>> emb = nn.Embedding(100, 8, padding_idx=0)
        >>> emb(np.array([[5, 7, 0, 0]])).shape
        (1, 4, 8)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.num_embeddings = checks.integer(num_embeddings, "Embedding: num_embeddings", low=1)
        self.embedding_dim = checks.integer(embedding_dim, "Embedding: embedding_dim", low=1)
        self.padding_idx = (None if padding_idx is None
                            else F._padding_idx(padding_idx, self.num_embeddings))
        self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim),
                                         _float_dtype(dtype)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw new weights from N(0, 1); the padding row (if any) is set to zeros."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0.0

    def forward(self, indices: Any) -> Tensor:
        return F.embedding(indices, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        padding = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{padding}"
