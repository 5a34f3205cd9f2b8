"""Function: the base class of every differentiable op, built-in or written by a user.

A Function is also the ``ctx`` of one call: ``apply`` makes an instance, runs ``forward``
on the inputs' ndarrays, and, when grad mode is on and some input requires grad, makes
it the ``creator`` of the output so backward can later call its ``backward``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .autograd import engine
from ._tensor import Tensor

_grad_mode = engine._mode  # this thread's grad mode (read on the hot path)


class Function:
    """A differentiable operation: subclass it with a ``forward`` and a ``backward``.

    Written PyTorch's way::

        class Cube(tg.Function):
            \"\"\"y = x**3;  dy/dx = 3 x**2.\"\"\"

            @staticmethod
            def forward(ctx, x):                 # x: a NumPy array (the tensor's data)
                ctx.save_for_backward(x)
                return x ** 3                    # a NumPy array

            @staticmethod
            def backward(ctx, gy):               # gy: dL/dy, shaped like y
                (x,) = ctx.saved_tensors
                return gy * 3 * x ** 2           # dL/dx = dL/dy * dy/dx

        y = Cube.apply(x)

    ``forward`` receives the data of Tensor arguments as NumPy arrays and any other
    argument (a number, an axis, a shape) unchanged; it returns an array, or a tuple of
    arrays for several outputs. ``backward`` receives one gradient per output and returns
    one gradient per argument of ``apply`` (``None`` for non-tensors).

    The same ``backward`` serves first and second order: normally ``gy`` and the saved
    values are NumPy arrays (fast); under ``create_graph=True`` they are Tensors, so the
    backward computation is itself recorded. Write it with operators, Tensor/ndarray
    methods (``sum``, ``reshape``, ``transpose``) and NumPy ufuncs (``np.exp``,
    ``np.cos``...), which work on both. Methods may also be written DeZero's way, with
    ``self`` instead of ``ctx``: ``apply`` calls ``type(fn).forward(fn, ...)``.

    Attributes:
        inputs: the arguments of ``apply`` (None once the graph is freed).
        input_data: what each argument held when ``apply`` ran (its array for a Tensor).
        saved_tensors: what ``save_for_backward`` stored (deleted once the graph is freed).
        n_outputs: the number of outputs of ``forward``.
    """

    __slots__ = ("inputs", "input_data", "saved_tensors", "output_ids", "__dict__", "__weakref__")
    n_outputs = 1  # set per call when forward returns a tuple

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run the op on ``args`` and record it in the graph when gradients are needed."""
        fn = object.__new__(cls)
        fn.saved_tensors = ()
        data = []
        requires_grad = False
        for a in args:
            if isinstance(a, Tensor):
                data.append(a.data)
                if a._requires_grad:
                    requires_grad = True
            else:
                data.append(a)
        y = cls.forward(fn, *data)
        record = requires_grad and _grad_mode.enabled
        if type(y) is tuple:
            return fn._wrap_outputs(y, args, data, record)
        if type(y) is not np.ndarray:
            y = fn._output_array(y)
        out = object.__new__(Tensor)  # Tensor._wrap, inlined: this is the hot path
        out.data = y
        out.grad = None
        out.output_index = 0
        if record and y.dtype.kind == "f":
            fn.inputs = args
            fn.input_data = data  # what each input held: in_place.py changes may follow
            fn.output_ids = (id(y),)
            out._requires_grad = True
            out.creator = fn
        else:
            out._requires_grad = False
            out.creator = None
        return out

    def _wrap_outputs(self, ys: tuple, args: tuple, data: list, record: bool) -> tuple:
        ys = tuple(y if type(y) is np.ndarray else self._output_array(y) for y in ys)
        if not (record and any(y.dtype.kind == "f" for y in ys)):
            return tuple(Tensor._wrap(y) for y in ys)
        self.inputs = args
        self.input_data = data
        self.n_outputs = len(ys)
        self.output_ids = tuple(id(y) for y in ys)
        self.output_meta = tuple((y.shape, y.dtype) for y in ys)
        return tuple(Tensor._wrap(y, y.dtype.kind == "f", self if y.dtype.kind == "f" else None, i)
                     for i, y in enumerate(ys))

    def _output_array(self, y: Any) -> np.ndarray:
        """``y`` as an ndarray; a saved ``y`` is swapped for it too.

        A ufunc on a 0-d array returns a NumPy scalar (``np.exp(np.array(0.))``): the saved
        value must be the output's own array, or second order would treat it as a constant.
        """
        array = _as_output_array(y, type(self))
        saved = self.saved_tensors
        if saved and any(v is y for v in saved):
            self.saved_tensors = tuple(array if v is y else v for v in saved)
        return array

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:
        """Compute the outputs from NumPy arrays; override in a subclass."""
        raise NotImplementedError("a Function subclass must define forward(ctx, *inputs)")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        """Return one gradient per argument of ``apply``; override in a subclass."""
        raise NotImplementedError("a Function subclass must define backward(ctx, *grad_outputs)")

    def save_for_backward(self, *values: Any) -> None:
        """Keep arrays (inputs, outputs or anything computed) for ``backward``.

        ``backward`` reads them back as ``ctx.saved_tensors``: arrays when only first-order
        gradients are computed; under ``create_graph=True`` a saved input or output comes
        back as its graph Tensor, so second order flows through it.
        """
        self.saved_tensors = values

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes that are not set: saved_tensors after the graph was freed.
        if name == "saved_tensors":
            raise RuntimeError(engine.FREED_GRAPH_MESSAGE)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def graph_values(self, saved: tuple) -> tuple:
        """``saved`` with saved inputs/outputs replaced by graph Tensors (for create_graph)."""
        return tuple(self._graph_value(v) for v in saved)

    def _graph_value(self, value: Any) -> Any:
        if not isinstance(value, (np.ndarray, np.generic)):  # a scalar if .data was set so
            return value
        for x in self.inputs:
            if isinstance(x, Tensor) and x.data is value:
                return x
        if id(value) in self.output_ids:
            # The output Tensor itself may be gone; a new one with the same creator is
            # the same node of the graph.
            return Tensor._wrap(value, True, self, self.output_ids.index(id(value)))
        return value

    @property
    def needs_input_grad(self) -> tuple:
        """One bool per argument of ``apply``: does it need a gradient?"""
        return tuple(isinstance(x, Tensor) and x._requires_grad for x in self.inputs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def _as_output_array(y: Any, cls: type) -> np.ndarray:
    """Accept what a user's forward may return: a NumPy scalar, a number, a Tensor."""
    if isinstance(y, Tensor):
        return y.data
    if isinstance(y, (np.generic, int, float, bool, list)):
        return np.asarray(y)
    raise TypeError(f"{cls.__name__}.forward must return a NumPy array (or a tuple of them), "
                    f"got {type(y).__name__}")
