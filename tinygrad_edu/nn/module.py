"""Module and Parameter: a model is a tree of Modules whose leaves hold Parameters.

Assigning a Parameter or a Module to an attribute registers it, so ``parameters()``,
``state_dict()`` and ``train()``/``eval()`` can walk the whole tree.
"""
from __future__ import annotations

import warnings
from collections import OrderedDict
from typing import Any, Callable, Iterator, NamedTuple

import numpy as np

from .. import checks
from ..devices import check_device, device
from ..dtypes import as_dtype, get_default_dtype
from .._tensor import Tensor
from ..hints import legacy_size_note
from . import module_hooks


class Parameter(Tensor):
    """A Tensor that is a learnable weight of a Module: a float leaf that requires grad.

    Assigning one to a Module attribute registers it (``model.parameters()`` yields it).

    Args:
        data: the initial value (copied): a NumPy float array, a Tensor, or numbers.
        requires_grad: True (the default); False freezes it, as in PyTorch.

    Raises:
        TypeError: if the data is not floating point.

    Example:
        >>> w = nn.Parameter(np.zeros((3, 2), np.float32))
        >>> w.requires_grad
        True
    """

    __slots__ = ()

    def __init__(self, data: Any, requires_grad: bool = True) -> None:
        requires_grad = checks.flag(requires_grad, "Parameter: requires_grad")
        # A Tensor's values (not its graph: a Parameter is a new leaf, as in PyTorch, so
        # nn.Parameter(tg.randn(3, requires_grad=True) * 0.01) is no reason to warn).
        super().__init__(data.data if isinstance(data, Tensor) else data)  # checks: data
        self._requires_grad = requires_grad

    @property
    def data(self) -> np.ndarray:
        """The values, a NumPy array (our contract). Assigning a Tensor takes its array, as
        PyTorch's ``p.data = t`` (``fc.weight.data = torch.from_numpy(w)``)."""
        return _DATA.__get__(self)

    @data.setter
    def data(self, value: Any) -> None:
        if isinstance(value, Tensor):
            value = _DATA.__get__(value)
        if not isinstance(value, np.ndarray):
            raise TypeError(f"a Parameter's data must be a floating point array or Tensor, "
                            f"got {type(value).__name__}")
        if value.dtype.kind != "f":
            raise TypeError(f"a Parameter must hold floating point data, got dtype "
                            f"{value.dtype}{legacy_size_note(value)}")
        _DATA.__set__(self, value)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


_DATA = Tensor.__dict__["data"]  # the slot itself, under UninitializedParameter's property
_UNINITIALIZED = (
    "this parameter is uninitialized: a lazy layer (nn.LazyLinear) learns its parameters' "
    "shape from its first input. Run one batch through the model first (a dry run, as in "
    "PyTorch); then use the parameters (their values, shape, state_dict, load_state_dict)")


class UninitializedParameter(Parameter):
    """A Parameter whose shape is not known yet: a lazy layer's weight before its first call.

    Its values and shape cannot be read (RuntimeError, as in PyTorch), its dtype can. The
    layer's first forward calls ``materialize``, which makes it a plain ``Parameter`` (the
    same object, so an optimizer built before that call trains it). ``Module.to(dtype)``
    may change the dtype it will have.

    Args:
        requires_grad: True (the default); False freezes it.
        dtype: of the values it will get; the default dtype (float32) if None.
    """

    __slots__ = ()

    def __init__(self, requires_grad: bool = True, dtype: Any = None) -> None:
        dtype = get_default_dtype() if dtype is None else np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"a Parameter must hold floating point data, got dtype {dtype}")
        _DATA.__set__(self, np.empty(0, dtype))  # a placeholder: only its dtype is used
        self.grad, self.creator, self.output_index = None, None, 0
        self._requires_grad = checks.flag(requires_grad, "UninitializedParameter: requires_grad")

    @property
    def data(self) -> np.ndarray:
        raise RuntimeError(_UNINITIALIZED)

    @data.setter
    def data(self, value: Any) -> None:
        raise RuntimeError(_UNINITIALIZED)

    @property
    def dtype(self) -> np.dtype:
        return _DATA.__get__(self).dtype

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self._requires_grad = checks.flag(value, "requires_grad")

    def materialize(self, shape: Any, dtype: Any = None) -> None:
        """Give it ``shape`` (values to be filled by the layer's init): a Parameter from now on."""
        dtype = self.dtype if dtype is None else np.dtype(dtype)
        _DATA.__set__(self, np.empty(shape, dtype))
        self.__class__ = Parameter

    def _cast(self, dtype: np.dtype) -> None:
        """Change the dtype the values will have (``Module.to`` before the first call)."""
        _DATA.__set__(self, np.empty(0, dtype))

    def __deepcopy__(self, memo: dict) -> UninitializedParameter:
        # (the default copy reads .data, which raises)
        return memo.setdefault(id(self), UninitializedParameter(self._requires_grad, self.dtype))

    def __repr__(self) -> str:
        return "<UninitializedParameter>"


def _refuse_unregistered(owner: str, name: str, value: Any) -> None:
    """Refuse what a learner means as a weight or layer but that would not be registered
    (and so silently never trained, saved or switched to eval)."""
    if isinstance(value, Tensor):
        if value._requires_grad and value.creator is None:
            raise TypeError(
                f"{owner}.{name} is a Tensor that requires grad but not an nn.Parameter: "
                "parameters() would not yield it, so no optimizer would train it (nor "
                f"state_dict() save it); use self.{name} = nn.Parameter(...), or "
                f"self.register_buffer({name!r}, tensor) for state that is not learned")
        return
    items = (value.values() if isinstance(value, dict)
             else value if isinstance(value, (list, tuple)) else ())
    kinds = {type(v).__name__ for v in items if isinstance(v, (Module, Parameter))}
    if kinds:
        fix = ("nn.ModuleList([...])" if "Parameter" not in kinds else
               "one attribute per Parameter (setattr(self, f'w{i}', p))")
        raise TypeError(
            f"{owner}.{name}: a plain {type(value).__name__} of {' and '.join(sorted(kinds))}s "
            "is not registered, so parameters(), state_dict(), train()/eval() and the "
            f"optimizer would not see what it holds; use {fix}")


def _load_problem(name: str, value: Any, array: np.ndarray, target: np.ndarray) -> str | None:
    """Why ``array`` (``value`` as an array) cannot be copied into ``target`` (None: it can)."""
    if array.dtype.kind not in "biuf":  # None, a string: not "a shape () value"
        return f"value for {name!r} is not numbers: {type(value).__name__} of dtype {array.dtype}"
    if array.shape != target.shape:
        return (f"size mismatch for {name!r}: copying a value of shape {array.shape} from "
                f"the state_dict, but the shape in the current model is {target.shape}")
    if target.dtype.kind in "iu" and array.dtype.kind == "f":
        if not np.isfinite(array).all():
            return (f"value for {name!r} holds nan or inf, but {name!r} holds integers "
                    f"({target.dtype})")
        if not np.array_equal(array, np.round(array)):
            return (f"value for {name!r} has fractions, but {name!r} holds integers "
                    f"({target.dtype}): they would be truncated")
    if (target.dtype.kind == "f" and array.dtype.kind == "f"
            and array.dtype.itemsize > target.dtype.itemsize):
        with np.errstate(over="ignore"):
            overflow = np.isfinite(array) & ~np.isfinite(array.astype(target.dtype))
        if overflow.any():
            return (f"value for {name!r} overflows {target.dtype} (it holds "
                    f"{array[overflow].flat[0]:g}, beyond {np.finfo(target.dtype).max:.3g}): "
                    "it would become inf")
    return None


def _to_dtype(args: tuple, kwargs: dict) -> np.dtype | None:
    """The float dtype ``Module.to(*args, **kwargs)`` asks for (None: no dtype), with every
    device checked to be the CPU; the forms are PyTorch's (see ``Module.to``)."""
    forms = ("to(dtype), to(device), to(device, dtype), to(tensor), "
             "to(device=..., dtype=...), each with an optional non_blocking")
    unknown = set(kwargs) - {"device", "dtype", "non_blocking"}
    if unknown:
        raise TypeError(f"Module.to got an unexpected keyword {sorted(unknown)[0]!r}; "
                        f"its forms are {forms}")
    given = list(args)
    if given and isinstance(given[-1], bool):  # to(dtype, True): non_blocking by position
        given.pop()
    device_given = dtype_given = None
    for i, arg in enumerate(given):
        if isinstance(arg, (str, device)) and i == 0:
            device_given = arg
        elif isinstance(arg, Tensor) and len(given) == 1:
            dtype_given = arg.dtype
        elif not isinstance(arg, (str, device, Tensor, bool)) and dtype_given is None and (
                i == 0 or device_given is not None):
            dtype_given = arg
        else:
            raise TypeError(f"Module.to got {', '.join(type(a).__name__ for a in args)}; its "
                            f"forms are {forms}")
    for name, value, positional in (("device", kwargs.get("device"), device_given),
                                    ("dtype", kwargs.get("dtype"), dtype_given)):
        if value is not None and positional is not None:
            raise TypeError(f"Module.to got the {name} twice (by position and as {name}=)")
    check_device(kwargs.get("device", device_given), "Module.to")
    dtype = kwargs.get("dtype", dtype_given)
    if dtype is None:
        return None
    dtype = as_dtype(dtype, "Module.to: dtype")
    if dtype.kind != "f":
        raise TypeError(f"Module.to only accepts a floating point dtype, got {dtype} (as in "
                        "PyTorch: integer parameters could not be trained)")
    return dtype


class LoadResult(NamedTuple):
    """What ``load_state_dict`` did not match (empty lists when strict)."""

    missing_keys: list
    unexpected_keys: list


class Module:
    """Base class of every layer and model: subclass it and write ``forward``.

    Parameters and sub-modules assigned as attributes in ``__init__`` are registered
    (call ``super().__init__()`` first); calling the module runs ``forward``.

    Example:
        >>> class MLP(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.hidden = nn.Linear(2, 16)
        ...         self.out = nn.Linear(16, 1)
        ...     def forward(self, x):
        ...         return self.out(self.hidden(x).tanh())
        >>> [name for name, _ in MLP().named_parameters()]
        ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']

    Attributes:
        training: True in training mode (Dropout drops, BatchNorm uses batch statistics);
            set by ``train()`` and ``eval()`` for the whole tree.
    """

    training: bool

    def __init__(self) -> None:
        # Registered values also live in __dict__, so reading self.weight is a plain
        # attribute lookup (fast), while these ordered registries drive the tree walks.
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation of this module; override in a subclass."""
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        d = self.__dict__
        if "_forward_hooks" in d or "_forward_pre_hooks" in d or "_backward_hooks" in d:
            return module_hooks.call(self, args, kwargs)
        return self.forward(*args, **kwargs)

    # --- hooks (module_hooks.py has the rules, PyTorch's) ---

    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False) -> Any:
        """Call ``hook(module, args)`` before ``forward``; new args if it returns some."""
        return module_hooks.register(self, "_forward_pre_hooks", hook, prepend)

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False) -> Any:
        """Call ``hook(module, args, output)`` after ``forward``; a new output if it
        returns one."""
        return module_hooks.register(self, "_forward_hooks", hook, prepend)

    def register_full_backward_hook(self, hook: Callable, *, prepend: bool = False) -> Any:
        """Call ``hook(module, grad_input, grad_output)`` in backward; a new grad_input if
        it returns one."""
        return module_hooks.register(self, "_backward_hooks", hook, prepend)

    # --- registration ---

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if isinstance(value, (Parameter, Module)):
            if "_parameters" not in d:
                raise AttributeError(f"cannot assign a {type(value).__name__} before "
                                     "Module.__init__() call")
            self._register("_parameters" if isinstance(value, Parameter) else "_modules",
                           name, value)
            return
        if "_parameters" in d:  # a registered name takes only its kind, or None (absent)
            for registry, kind, what in (("_parameters", Parameter, "parameter"),
                                         ("_modules", Module, "child module"),
                                         ("_buffers", Tensor, "buffer")):
                if name in d[registry]:
                    if value is not None and not isinstance(value, kind):
                        raise TypeError(f"cannot assign {type(value).__name__} as {what} "
                                        f"{name!r} (a {kind.__name__} or None expected)")
                    d[registry][name] = value
                    break
            else:
                _refuse_unregistered(type(self).__name__, name, value)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self._forget(name)
        object.__delattr__(self, name)

    def _register(self, registry: str, name: str, value: Any) -> None:
        # A name already in this registry keeps its place (PyTorch's order after a
        # reassignment); otherwise it leaves the other registries first.
        self._check_name(name)
        d = self.__dict__
        if name not in d[registry]:
            self._forget(name)
        d[registry][name] = value
        object.__setattr__(self, name, value)

    def _forget(self, name: str) -> None:
        d = self.__dict__
        for registry in (d["_parameters"], d["_buffers"], d["_modules"]):
            registry.pop(name, None)
        d["_non_persistent"].discard(name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a Parameter (or None, a declared but absent one) under ``name``."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot register {type(param).__name__} as parameter {name!r} "
                            "(a Parameter or None expected)")
        self._register("_parameters", name, param)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a buffer: state that is not learned (BatchNorm's running statistics).

        Buffers go into ``state_dict()`` (unless ``persistent=False``) but not into
        ``parameters()``, so no optimizer updates them.
        """
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot register {type(tensor).__name__} as buffer {name!r} "
                            "(a Tensor or None expected)")
        self._register("_buffers", name, tensor)
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under ``name`` (what attribute assignment does)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module")
        if isinstance(name, str) and hasattr(type(self), name) and name not in self._modules:
            raise KeyError(f"cannot add a module named {name!r}: {type(self).__name__}.{name} "
                           "already exists (a method or attribute it would hide)")
        self._register("_modules", name, module)

    def get_submodule(self, target: str) -> Module:
        """The sub-module at the dotted path ``target`` ("encoder.layers.0"; "" is self).

        Raises:
            AttributeError: a name on the path is no sub-module (the message says which).
        """
        module = self
        for name in target.split(".") if target else []:
            child = module._modules.get(name)
            if child is None:
                what = ("is not an nn.Module" if hasattr(module, name)
                        else "does not exist")
                raise AttributeError(f"get_submodule({target!r}): {type(module).__name__} "
                                     f"has no sub-module {name!r} (it {what})")
            module = child
        return module

    def _check_name(self, name: str) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot register before Module.__init__() call")
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"a parameter, buffer or module name must be a non-empty string "
                           f"without '.', got {name!r}")

    # --- walking the tree ---

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and all below it, with dotted names ('' for this one)."""
        seen: set[int] = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{n}" if name else n, m)
                        for n, m in module._modules.items() if m is not None]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """This module and every module below it (each once)."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules with their names; one used twice comes once (as PyTorch)."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct sub-modules."""
        for _, module in self.named_children():
            yield module

    def named_parameters(self, prefix: str = "", recurse: bool = True
                         ) -> Iterator[tuple[str, Parameter]]:
        """Every Parameter with its dotted name ("0.weight", "encoder.layers.1.bias").

        A Parameter shared by two modules is yielded once, under its first name.
        """
        return self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every Parameter of this module and its sub-modules (for an optimizer)."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        """Every buffer with its dotted name (a shared one once, as for parameters)."""
        return self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer of this module and its sub-modules."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def _named_members(self, registry: str, prefix: str, recurse: bool) -> Iterator[tuple]:
        seen: set[int] = set()
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for module_name, module in modules:
            for name, value in module.__dict__[registry].items():
                if value is not None and id(value) not in seen:
                    seen.add(id(value))
                    yield (f"{module_name}.{name}" if module_name else name), value

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every sub-module (children first) and on self; returns self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # --- training state ---

    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or evaluation mode on the whole tree; returns self."""
        if not isinstance(mode, bool):
            raise ValueError(f"training mode must be a bool, got {mode!r}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: Dropout is the identity, BatchNorm uses its running statistics."""
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters: to None (the default, as PyTorch), or to zeros."""
        set_to_none = checks.flag(set_to_none, "zero_grad: set_to_none")
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                # A new array: a .grad array may be shared with another tensor.
                p.grad = Tensor._wrap(np.zeros_like(p.data))

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze every parameter; returns self."""
        requires_grad = checks.flag(requires_grad, "requires_grad_: requires_grad")
        for p in self.parameters():
            p.requires_grad = requires_grad
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Cast every parameter and floating point buffer to a dtype, in place; returns self.

        PyTorch's forms: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``,
        ``to(tensor)`` (its dtype), ``to(dtype=..., device=...)``, with an optional
        ``non_blocking`` (ignored). The only device is the CPU ("cpu", ``tg.device("cpu")``),
        so a device changes nothing. The Parameter objects stay the same (an optimizer
        holding them keeps working), their arrays are replaced by cast copies and their
        gradients dropped. ``model.double()`` is handy for ``tg.gradcheck``, which wants
        float64.

        Raises:
            TypeError: the dtype is not floating point (``np.int32``), or the arguments
                fit none of the forms above.
            ValueError: a device other than the CPU ("cuda", "mps").
        """
        dtype = _to_dtype(args, kwargs)
        if dtype is None:
            return self
        for p in self.parameters():
            if isinstance(p, UninitializedParameter):  # a lazy layer before its first call
                p._cast(dtype)
            elif p.data.dtype != dtype:
                p.data = p.data.astype(dtype)
                p.grad = None
        for b in self.buffers():
            if b.data.dtype.kind == "f" and b.data.dtype != dtype:
                b.data = b.data.astype(dtype)
        return self

    def cpu(self) -> Module:
        """Move to the CPU: everything is there already, so this returns self (as PyTorch)."""
        return self

    def cuda(self, device: Any = None) -> Module:
        """Refused: tinygrad_edu runs on NumPy, on the CPU only (ValueError)."""
        raise ValueError("Module.cuda: tinygrad_edu runs on NumPy, on the CPU only; drop the "
                         ".cuda() call (the model is on the CPU already, as .cpu() says)")

    def double(self) -> Module:
        """``self.to(np.float64)``."""
        return self.to(np.float64)

    def float(self) -> Module:
        """``self.to(np.float32)``."""
        return self.to(np.float32)

    # --- state dict ---

    def state_dict(self) -> OrderedDict:
        """A snapshot of every parameter and persistent buffer, keyed by dotted name.

        Returns:
            An ordered dict name -> Tensor, in PyTorch's order (a module's parameters,
            then its buffers, then its children). Unlike PyTorch, whose values share
            memory with the model, the values are copies: a later training step does not
            change a state dict already taken (so it can serve as a "best model" snapshot).
        """
        result: OrderedDict = OrderedDict()
        for name, value in self._state_items():
            result[name] = Tensor._wrap(value.data.copy())
        return result

    def _state_items(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        # As PyTorch: a module shared by two parents appears under both names.
        for name, p in self._parameters.items():
            if p is not None:
                yield prefix + name, p
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent:
                yield prefix + name, b
        for name, module in self._modules.items():
            if module is not None:
                yield from module._state_items(f"{prefix}{name}.")

    def load_state_dict(self, state_dict: Any, strict: bool = True) -> LoadResult:
        """Copy values from ``state_dict`` into this module's parameters and buffers.

        Values (Tensors, arrays or numbers) are copied into the existing arrays, which
        keep their dtype; nothing is changed unless every value fits.

        Args:
            state_dict: a mapping name -> value, as ``state_dict()`` returns.
            strict: require exactly the keys of ``self.state_dict()`` (a bool).

        Returns:
            ``(missing_keys, unexpected_keys)``, both empty when ``strict``.

        Warns:
            UserWarning: ``strict=False`` and no key matched, so nothing was loaded.

        Raises:
            RuntimeError: a key is missing or unexpected (when ``strict``; a checkpoint
                that holds the model's state dict under a key such as ``'model'`` is
                named), a value's shape differs from the model's (always), a value does
                not fit the dtype (fractions or inf into integers, overflow to inf in
                float32), or a layer shared under two names gets two different values;
                the message names the key.
        """
        if not hasattr(state_dict, "items"):
            raise TypeError(f"state_dict must be a mapping of names to arrays, got "
                            f"{type(state_dict).__name__}")
        strict = checks.flag(strict, "load_state_dict: strict")
        own = OrderedDict(self._state_items())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict and unexpected:
            errors.append("unexpected key(s) in state_dict: " + ", ".join(map(repr, unexpected)))
        if strict and missing:
            errors.append("missing key(s) in state_dict: " + ", ".join(map(repr, missing)))
        nested = [k for k in unexpected if hasattr(state_dict[k], "items")]
        if missing and nested:
            errors.append(f"the state_dict holds dicts under {', '.join(map(repr, nested))}: "
                          f"a checkpoint? pass the model's part, e.g. "
                          f"model.load_state_dict(checkpoint[{nested[0]!r}])")
        updates = []
        given: dict[int, tuple[str, np.ndarray]] = {}  # a shared layer's values must agree
        for name, target in own.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            array = np.asarray(value.data if isinstance(value, Tensor) else value)
            problem = _load_problem(name, value, array, target.data)
            if problem is None and id(target) in given:
                first, first_array = given[id(target)]
                if not np.array_equal(first_array, array, equal_nan=array.dtype.kind == "f"):
                    problem = (f"{first!r} and {name!r} are the same tensor (a layer used twice) "
                               f"but the state_dict gives them different values")
            if problem is not None:
                errors.append(problem)
            else:
                given.setdefault(id(target), (name, array))
                updates.append((target, array))
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        if not strict and own and not updates and len(state_dict):
            warnings.warn(
                f"load_state_dict(strict=False) loaded nothing: none of the "
                f"{len(state_dict)} keys of the state_dict (e.g. {next(iter(state_dict))!r}) "
                f"is a key of this {type(self).__name__} (e.g. {next(iter(own))!r})",
                UserWarning, stacklevel=2)
        for target, array in updates:
            target.data[...] = array
        return LoadResult(missing, unexpected)

    # --- printing ---

    def extra_repr(self) -> str:
        """The arguments shown inside this module's parentheses by ``repr``; override it."""
        return ""

    def __repr__(self) -> str:
        # PyTorch's layout: Name(extra) on one line, or the extra lines and one
        # "(name): child" line per sub-module, indented, inside Name( ... ).
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        for name, module in self._modules.items():
            lines.append(f"({name}): " + repr(module).replace("\n", "\n  "))
        if not self._modules and len(lines) <= 1:
            return f"{type(self).__name__}({''.join(lines)})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"
