"""Layers: Linear, the containers Sequential, ModuleList, ModuleDict and ParameterList,
activations, Dropout, Flatten, Unflatten, Embedding."""
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

    def __setitem__(self, index: int, module: Module) -> None:
        """Replace the module at ``index``, keeping its name (``model[-1] = nn.Linear(...)``,
        the finetuning idiom)."""
        name = list(self._modules)[_list_index(index, len(self._modules))]
        self.add_module(name, _module(module, index))


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


class ModuleDict(Module):
    """A dict of modules whose parameters are registered (a plain dict hides them).

    Keys are strings (no '.'), kept in insertion order; use it as a dict: ``d["head"]``,
    ``d["head"] = nn.Linear(8, 2)``, ``del d["head"]``, ``in``, ``len``, iteration over
    the keys, ``keys()``, ``values()``, ``items()``, ``update``, ``pop``, ``clear``.
    Like ModuleList it has no ``forward``.

    Example:
        >>> heads = nn.ModuleDict({"cls": nn.Linear(8, 3), "box": nn.Linear(8, 4)})
        >>> outputs = {name: head(features) for name, head in heads.items()}
    """

    def __init__(self, modules: Any = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        if key not in self._modules:
            raise KeyError(f"{key!r} is not in this ModuleDict (keys: {list(self._modules)})")
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, _module(module, repr(key)))

    def __delitem__(self, key: str) -> None:
        self[key]  # a KeyError that names the keys
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: Any) -> bool:
        return key in self._modules

    def keys(self) -> Iterable[str]:
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        return self._modules.values()

    def items(self) -> Iterable[tuple[str, Module]]:
        return self._modules.items()

    def update(self, modules: Any) -> None:
        """Add (or replace) the modules of a mapping or of an iterable of (key, module) pairs."""
        pairs = modules.items() if hasattr(modules, "items") else modules
        for pair in pairs:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"ModuleDict.update takes a mapping or (key, module) pairs, "
                                f"got an element {pair!r}")
            self[pair[0]] = pair[1]

    def pop(self, key: str) -> Module:
        """Remove the module under ``key`` and return it."""
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        """Remove every module."""
        for key in list(self._modules):
            del self[key]


class ParameterList(Module):
    """A list of Parameters that are registered (named "0", "1", ...), as PyTorch's.

    A Tensor that is not a Parameter is made one sharing its array (as PyTorch does).
    Index, iterate, ``append`` and ``extend`` it as a list.

    Example:
        >>> self.scales = nn.ParameterList([nn.Parameter(np.ones(4)) for _ in range(3)])
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def append(self, value: Any) -> ParameterList:
        """Add a Parameter (or a float Tensor, made a Parameter) at the end; returns self."""
        self.register_parameter(str(len(self._parameters)),
                                _parameter(value, len(self._parameters)))
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Add Parameters at the end; returns self."""
        if isinstance(values, Tensor):
            raise TypeError("ParameterList.extend takes an iterable of Parameters, got a "
                            "Tensor; use append for one")
        for value in values:
            self.append(value)
        return self

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self._parameters.values())

    def __getitem__(self, index: int) -> Parameter:
        values = list(self._parameters.values())
        return values[_list_index(index, len(values))]

    def __setitem__(self, index: int, value: Any) -> None:
        i = _list_index(index, len(self._parameters))
        self.register_parameter(str(i), _parameter(value, i))

    def extra_repr(self) -> str:
        return "\n".join(f"  ({name}): Parameter containing: [{p.dtype} of size "
                         f"{'x'.join(map(str, p.shape))}]"
                         for name, p in self._parameters.items())


def _parameter(value: Any, index: int) -> Parameter:
    """A ParameterList element: a Parameter as it is, a Tensor wrapped (sharing its array)."""
    if isinstance(value, Parameter):
        return value
    if not isinstance(value, Tensor):
        raise TypeError(f"ParameterList element {index} must be a Parameter or a Tensor, got "
                        f"{type(value).__name__}")
    param = Parameter(value.detach())
    param.data = value.data  # shared, as PyTorch's Parameter(tensor)
    return param


def _module(module: Any, name: Any) -> Module:
    if not isinstance(module, Module):
        raise TypeError(f"element {name} is not a Module, got {type(module).__name__}")
    return module


def _axis(axis: int, ndim: int, where: str = "") -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"{where}axis {axis} is out of range for an input with {ndim} "
                         "dimensions")
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


class _AlongDim(Module):
    """What Softmax and LogSoftmax share: ``dim`` (or ``axis``), PyTorch's repr."""

    def __init__(self, dim: int | None = None, *, axis: Any = F._NOT_GIVEN) -> None:
        super().__init__()
        if axis is F._NOT_GIVEN and dim is None:
            self.dim = None  # PyTorch's implicit choice, made at the call (see F.softmax)
        else:
            self.dim = F._softmax_axis(type(self).__name__, 0, dim, axis)

    axis = property(lambda self: self.dim, lambda self, value: setattr(self, "dim", value),
                    doc="NumPy's name for ``dim``.")

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    """y = exp(x) / sum(exp(x)) along ``dim`` (computed stably, as exp(x - max x)).

    Args:
        dim: the axis that sums to 1 (PyTorch's name; ``axis=`` is NumPy's, the same).
            None (the default) is PyTorch's legacy implicit choice: the last axis for 0- to
            2-D input, an error for more (see ``F.softmax``).

    Example:
        >>> nn.Softmax(dim=1)(tg.zeros(2, 4)).numpy()[0]
        array([0.25, 0.25, 0.25, 0.25], dtype=float32)
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.softmax(x, self.dim)


class LogSoftmax(_AlongDim):
    """y = x - log(sum(exp(x))) along ``dim``: log-probabilities, computed stably.

    Followed by ``nn.NLLLoss`` it is cross-entropy.

    Args:
        dim: the axis of the classes (``axis=`` too); None as in ``nn.Softmax``.
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.log_softmax(x, self.dim)


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
    """Merge the axes start_dim..end_dim into one: (N, C, H, W) -> (N, C*H*W) by default.

    As PyTorch: ``Flatten(0, 1)`` merges the first two axes, ``Flatten(0, -1)`` all of
    them; a 0-D input counts as having one axis and becomes shape (1,).
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = checks.integer(start_dim, "Flatten: start_dim")
        self.end_dim = checks.integer(end_dim, "Flatten: end_dim")

    def forward(self, x: Tensor) -> Tensor:
        x = check_input(x, "Flatten", floating=False)
        shape = x.shape
        ndim = max(len(shape), 1)  # PyTorch: the axes of a 0-D input are those of a 1-D one
        start, end = (_axis(self.start_dim, ndim, "Flatten: start_dim: "),
                      _axis(self.end_dim, ndim, "Flatten: end_dim: "))
        if not shape:
            return x.reshape(1)
        if start > end:
            raise ValueError(f"Flatten: start_dim {self.start_dim} comes after end_dim "
                             f"{self.end_dim} for an input of shape {shape}")
        merged = int(np.prod(shape[start:end + 1]))
        return x.reshape(shape[:start] + (merged,) + shape[end + 1:])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split axis ``dim`` into the axes ``unflattened_size``: the inverse of ``Flatten``.

    ``Unflatten(1, (C, H, W))`` maps (N, C*H*W) to (N, C, H, W); one size may be -1, inferred.

    Raises:
        ValueError: the sizes' product is not the size of axis ``dim`` (at the call).
    """

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        self.dim = checks.integer(dim, "Unflatten: dim")
        if not isinstance(unflattened_size, (tuple, list)) or not unflattened_size:
            raise TypeError("Unflatten: unflattened_size must be a non-empty tuple or list of "
                            f"ints, got {unflattened_size!r}")
        sizes = tuple(checks.integer(n, "Unflatten: unflattened_size", low=-1)
                      for n in unflattened_size)
        if sizes.count(-1) > 1:
            raise ValueError(f"Unflatten: at most one size may be -1, got {sizes}")
        self.unflattened_size = sizes

    def forward(self, x: Tensor) -> Tensor:
        x = check_input(x, "Unflatten", floating=False)
        shape = x.shape
        axis = _axis(self.dim, len(shape), "Unflatten: dim: ")
        sizes = self.unflattened_size
        known = int(np.prod([n for n in sizes if n != -1]))
        if (shape[axis] != known if -1 not in sizes
                else known == 0 or shape[axis] % known):
            raise ValueError(f"Unflatten: sizes {sizes} do not fill axis {self.dim} of "
                             f"size {shape[axis]} (input shape {shape})")
        return x.reshape(shape[:axis] + sizes + shape[axis + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


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
