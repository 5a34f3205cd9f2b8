"""Run PyTorch code on tinygrad_edu: inside ``installed()``, ``import torch`` gives ours.

    python -m tinygrad_edu.as_torch script.py [args...]    # a PyTorch script, unchanged

    from tinygrad_edu import as_torch
    with as_torch.installed():
        import torch                       # tinygrad_edu
        import torch.nn as nn              # tinygrad_edu.nn (functional, init, utils too)
        from torch.utils.data import DataLoader, TensorDataset   # tinygrad_edu.data

``torch.X.Y`` is an alias of ``tinygrad_edu.X.Y`` (``torch.utils.data`` of
``tinygrad_edu.data``); a name or module we do not provide (``torch.compile``,
``torchvision``) raises an error naming it. Other ``torch*`` packages are hidden while
installed. Where one spelling means different things in NumPy and PyTorch and our
contract takes NumPy's (``x.var()``, ``x.std()``: population variance), PyTorch's meaning
applies inside (n - 1): the code there is PyTorch code. On exit the ``sys.modules`` entries of ``torch*`` are restored exactly, and
our default dtype and grad mode too; modules the block itself imported keep what they
imported. Not thread-safe: ``sys.modules`` is one per process, so run nothing with real
torch in another thread meanwhile.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.machinery
import os
import runpy
import sys
import types
from collections.abc import Iterator
from typing import Any

__all__ = ["installed", "is_installed", "main"]

# torch's module names whose tinygrad_edu module has another name; "" is a bare namespace.
_RENAMED = {"torch": "tinygrad_edu", "torch.utils": "", "torch.utils.data": "tinygrad_edu.data"}
_MISSING = object()
_active = 0  # how many installed() blocks are open (they nest)


def _is_torch_family(name: str) -> bool:
    """torch itself and the packages built on it (torchvision, torchaudio...): while our
    torch is installed, the real ones would mix two engines."""
    top = name.partition(".")[0]
    return top.startswith("torch") or top == "functorch"


def _not_provided(name: str) -> str:
    return (f"{name} is not provided by tinygrad_edu (running PyTorch code through "
            "tinygrad_edu.as_torch): it implements part of PyTorch on NumPy, on the CPU; "
            "rewrite this line with what tinygrad_edu has, or run this code with real PyTorch")


def _target_name(name: str) -> Any:
    """The tinygrad_edu module name behind torch module ``name``; "" for a bare namespace,
    None when there is none."""
    if name in _RENAMED:
        return _RENAMED[name]
    parent, _, child = name.rpartition(".")
    base = _target_name(parent) if parent else None
    return f"{base}.{child}" if base else None


def _load_target(name: str) -> Any:
    """The tinygrad_edu module behind torch module ``name`` (None for a bare namespace)."""
    target = _target_name(name)
    if target == "":
        return None
    if target is None:
        raise ModuleNotFoundError(_not_provided(name), name=name)
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError as error:
        if error.name and (target + ".").startswith(error.name + "."):  # the module itself
            raise ModuleNotFoundError(_not_provided(name), name=name) from None
        raise  # a missing import inside our own module: a real bug, keep its message


class _TorchAlias(types.ModuleType):
    """``torch.<name>`` seen through to a tinygrad_edu module; a missing name raises an
    AttributeError that says it is not provided."""

    def __init__(self, name: str, target: Any) -> None:
        super().__init__(name, getattr(target, "__doc__", None))
        self.__dict__["_target"] = target
        self.__spec__ = importlib.machinery.ModuleSpec(name, _LOADER, is_package=True)
        self.__path__: list = []  # a package, so that `import torch.nn` looks further
        self.__loader__ = _LOADER
        if getattr(target, "__file__", None):  # `from torch.x import y` errors name our file
            self.__file__ = target.__file__

    def __getattr__(self, attr: str) -> Any:
        target = self.__dict__["_target"]
        if attr.startswith("__") and attr.endswith("__"):  # __version__, __all__: ours
            if target is None or not hasattr(target, attr):
                raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}")
            return getattr(target, attr)
        child = f"{self.__name__}.{attr}"
        value = _MISSING if target is None else getattr(target, attr, _MISSING)
        if value is _MISSING and child not in _RENAMED:
            raise AttributeError(_not_provided(child))
        if value is _MISSING or (isinstance(value, types.ModuleType)
                                 and value.__name__ == _target_name(child)):
            value = _alias(child)
            self.__dict__[attr] = value  # the same object next time, as for a submodule
        return value

    def __dir__(self) -> list:
        """Our public names (also what Python's "Did you mean" picks from)."""
        target = self.__dict__["_target"]
        public = getattr(target, "__all__", ())
        names = [n for n in dir(target) if not n.startswith("_") and (
            n in public or not isinstance(getattr(target, n), types.ModuleType))]
        return sorted(set(super().__dir__()) | set(names))


def _alias(name: str) -> _TorchAlias:
    """The alias module for torch module ``name``, registered while installed."""
    module = sys.modules.get(name)
    if isinstance(module, _TorchAlias):
        return module
    module = _TorchAlias(name, _load_target(name))
    if _active:
        sys.modules[name] = module
    return module


class _Loader(importlib.abc.Loader):
    """Makes the alias module; there is no code to execute."""

    def create_module(self, spec: Any) -> _TorchAlias:
        return _TorchAlias(spec.name, _load_target(spec.name))

    def exec_module(self, module: Any) -> None:
        pass


class _Finder(importlib.abc.MetaPathFinder):
    """First on ``sys.meta_path`` while installed: torch modules become aliases, other
    torch-family packages raise at once."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if not _is_torch_family(fullname):
            return None
        if fullname.partition(".")[0] != "torch":
            raise ModuleNotFoundError(
                f"{fullname} is not provided: tinygrad_edu.as_torch stands in for torch "
                "itself, not for the packages built on it; replace what this code takes "
                f"from {fullname.partition('.')[0]} with tinygrad_edu code", name=fullname)
        _load_target(fullname)  # raises now, with the clear message, if there is none
        return importlib.machinery.ModuleSpec(fullname, _LOADER, is_package=True)


def is_installed() -> bool:
    """True inside ``installed()``: the code running is PyTorch code, so where NumPy's and
    PyTorch's defaults differ for one spelling (``x.var()``, ``x.std()``) PyTorch's apply."""
    return _active > 0


_LOADER = _Loader()
_FINDER = _Finder()


@contextlib.contextmanager
def installed() -> Iterator[types.ModuleType]:
    """Make ``import torch`` (and ``torch.nn``, ``torch.optim``, ``torch.autograd``,
    ``torch.utils.data``...) resolve to tinygrad_edu inside the block.

    Yields:
        The ``torch`` alias module (also what ``import torch`` gives inside the block).

    Example:
        >>> with installed():
        ...     import torch
        ...     torch.Tensor is tinygrad_edu.Tensor
        True
    """
    global _active
    import tinygrad_edu as tg

    saved = {name: module for name, module in sys.modules.items() if _is_torch_family(name)}
    dtype, grad_enabled = tg.get_default_dtype(), tg.is_grad_enabled()
    for name in saved:
        del sys.modules[name]
    sys.meta_path.insert(0, _FINDER)
    _active += 1
    try:
        yield _alias("torch")
    finally:
        tg.set_default_dtype(dtype)  # a script's torch.set_default_dtype stays inside
        tg.set_grad_enabled(grad_enabled)
        _active -= 1
        sys.meta_path.remove(_FINDER)
        for name in [name for name in sys.modules if _is_torch_family(name)]:
            del sys.modules[name]
        sys.modules.update(saved)


_USAGE = "usage: python -m tinygrad_edu.as_torch script.py [args...]"


def main(argv: Any = None) -> int:
    """Run a PyTorch script on tinygrad_edu, as ``python script.py args`` would run it.

    Args:
        argv: ``[script, *args]`` (default: the command line after the module name).

    Returns:
        The exit status: 0, or 2 for a bad command line. The script's own exceptions and
        ``sys.exit`` pass through unchanged.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_USAGE, file=sys.stderr)
        return 0 if argv else 2
    script = argv[0]
    if not os.path.isfile(script):
        print(f"{_USAGE}\nno such script: {script!r}", file=sys.stderr)
        return 2
    old_argv, old_path = sys.argv, sys.path[:]
    sys.argv = argv
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))  # as `python script.py`
    try:
        with installed():
            runpy.run_path(script, run_name="__main__")
    finally:
        sys.argv, sys.path[:] = old_argv, old_path
    return 0


if __name__ == "__main__":
    # `python -m` runs this file as __main__, a second copy of the module: run the
    # package's own, whose installed() the library sees (is_installed: PyTorch's defaults).
    from tinygrad_edu import as_torch as _package_module
    sys.exit(_package_module.main())
