"""Notes on PyTorch habits that mean something else here: ``.data`` (added to the error it
causes), and the legacy constructor ``torch.Tensor(3)`` (added to the dtype errors it leads to).

In tinygrad_edu ``t.data`` is the NumPy array (our contract, and DeZero's habit); in PyTorch
it is a Tensor. PyTorch code such as ``w.grad.data.zero_()`` or ``p.data.add_(...)`` then
fails inside NumPy with "'numpy.ndarray' object has no attribute 'zero_'", an error we never
see being raised. So the note is added where uncaught errors are shown: ``sys.excepthook``
(scripts, ``python -m tinygrad_edu.as_torch``) and IPython/Jupyter's handler, each chained to
the one it replaces.
"""
from __future__ import annotations

import sys
from typing import Any

import numpy as np


def legacy_size_note(data: np.ndarray) -> str:
    """For an integer tensor made by ``Tensor(n)``: PyTorch's ``torch.Tensor(n)`` means n
    uninitialized floats (the legacy constructor), ours the number n."""
    if data.ndim != 0 or data.dtype.kind not in "iu":
        return ""
    n = int(data)
    return (f". (From tg.Tensor({n})? That is the number {n} here; PyTorch's legacy "
            f"torch.Tensor({n}) is {n} uninitialized floats: write tg.empty({n}))")


def data_note(error: BaseException) -> str | None:
    """The explanation for an AttributeError on an ndarray that a Tensor method would fix."""
    if not isinstance(error, AttributeError) or not isinstance(getattr(error, "obj", None),
                                                                np.ndarray):
        return None
    name = getattr(error, "name", None)
    from ._tensor import Tensor
    if not name or not hasattr(Tensor, name):
        return None
    call = f"t.{name}(...)"
    return (f"tinygrad_edu: .data is the NumPy array here (in PyTorch it is a Tensor), and NumPy "
            f"arrays have no .{name}. One-line fix: call it on the tensor itself, "
            f"`{call}` instead of `t.data.{name}(...)` (inside `with tg.no_grad():` when t "
            "requires grad, e.g. a parameter); for a gradient, `w.grad.zero_()`.")


def add_note(error: BaseException) -> BaseException:
    """Attach ``data_note`` to ``error`` (once) and return it."""
    note = data_note(error)
    if note is not None and note not in getattr(error, "__notes__", ()):
        error.add_note(note)
    return error


def install() -> None:
    """Chain the note into ``sys.excepthook`` and, when running in IPython, its handler."""
    previous = sys.excepthook
    if getattr(previous, "adds_tinygrad_edu_note", False):
        return

    def excepthook(kind: type, error: BaseException, traceback: Any) -> None:
        previous(kind, add_note(error), traceback)

    excepthook.adds_tinygrad_edu_note = True  # type: ignore[attr-defined]
    sys.excepthook = excepthook
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        def handler(self: Any, kind: type, error: BaseException, traceback: Any,
                    tb_offset: Any = None) -> None:
            self.showtraceback((kind, add_note(error), traceback), tb_offset=tb_offset)

        shell.set_custom_exc((AttributeError,), handler)
