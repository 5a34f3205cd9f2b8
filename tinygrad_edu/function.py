"""Function: the base class of every differentiable op, built-in or written by a user.

A Function is also the ``ctx`` of one call: ``apply`` makes an instance, runs ``forward``
on the inputs' ndarrays, and, when grad mode is on and some input requires grad, makes
it the ``creator`` of the output so backward can later call its ``backward``.
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .autograd import engine
from .autograd.grad_mode import no_grad
from ._tensor import Tensor

_grad_mode = engine._mode  # this thread's grad mode (read on the hot path)

# The number of in-place changes that gave a tensor a new place in the graph (in_place.py);
# each recorded op notes it, so backward can tell which version of a changed input it saw.
in_place_changes = 0


def note_in_place_change() -> int:
    """Count one more in-place change; returns its number."""
    global in_place_changes
    in_place_changes += 1
    return in_place_changes


class Function:
    """A differentiable operation: subclass it with a ``forward`` and a ``backward``.

    Written PyTorch's way::

        class Cube(tg.Function):
            \"\"\"y = x**3;  dy/dx = 3 x**2.\"\"\"

            @staticmethod
            def forward(ctx, x):                 # x: a Tensor (constant, no graph)
                ctx.save_for_backward(x)
                return x ** 3                    # a Tensor (or a NumPy array)

            @staticmethod
            def backward(ctx, gy):               # gy: dL/dy, shaped like y
                (x,) = ctx.saved_tensors
                return gy * 3 * x ** 2           # dL/dx = dL/dy * dy/dx

        y = Cube.apply(x)

    Written PyTorch's way (``@staticmethod`` with ``ctx``), ``forward`` and ``backward``
    receive Tensors, as in PyTorch: ``x.clamp(min=0)``, ``grad.clone()``, ``g[x < 0] = 0``
    and ``tg.exp(x)`` work on them. ``forward`` runs without recording a graph; it returns a
    Tensor or an array, or a tuple of them for several outputs; any other argument of
    ``apply`` (a number, an axis) arrives unchanged. ``backward`` receives one gradient per
    output and returns one gradient per argument of ``apply`` (``None`` for non-tensors).

    Written DeZero's way, with methods taking ``self`` (as every built-in op in ``ops/``),
    ``forward`` receives NumPy arrays and ``backward`` arrays too, except under
    ``create_graph=True``, where gradients and saved inputs/outputs are Tensors so the
    backward computation is itself recorded: write it with operators, Tensor/ndarray
    methods (``sum``, ``reshape``) and NumPy ufuncs (``np.exp``), which work on both.

    Attributes:
        inputs: the arguments of ``apply`` (None once the graph is freed).
        recorded_at: how many in-place changes (in_place.py) had been made when this op was
            recorded: the engine uses it to find the version of a changed input it saw.
        saved_tensors: what ``save_for_backward`` stored (deleted once the graph is freed).
        n_outputs: the number of outputs of ``forward``.
    """

    __slots__ = ("inputs", "recorded_at", "saved_tensors", "output_ids", "__dict__", "__weakref__")
    n_outputs = 1  # set per call when forward returns a tuple

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A forward/backward written PyTorch's way (static, with ctx) is wrapped to receive
        Tensors; DeZero's way (methods with self) keeps NumPy arrays, the fast path."""
        super().__init_subclass__(**kwargs)
        for name, wrap in (("forward", _forward_on_tensors), ("backward", _backward_on_tensors)):
            method = cls.__dict__.get(name)
            if isinstance(method, staticmethod):
                setattr(cls, name, staticmethod(functools.wraps(method.__func__)(
                    wrap(method.__func__))))

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run the op on ``args`` and record it in the graph when gradients are needed."""
        fn = object.__new__(cls)
        fn.saved_tensors = ()
        fn.inputs = args
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
            return fn._wrap_outputs(y, args, record)
        if type(y) is not np.ndarray:
            y = fn._output_array(y)
        out = object.__new__(Tensor)  # Tensor._wrap, inlined: this is the hot path
        out.data = y
        out._grad = None
        out.output_index = 0
        if record and y.dtype.kind == "f":
            fn.recorded_at = in_place_changes
            fn.output_ids = (id(y),)
            out._requires_grad = True
            out.creator = fn
        else:
            out._requires_grad = False
            out.creator = None
        return out

    def _wrap_outputs(self, ys: tuple, args: tuple, record: bool) -> tuple:
        ys = tuple(y if type(y) is np.ndarray else self._output_array(y) for y in ys)
        if not (record and any(y.dtype.kind == "f" for y in ys)):
            return tuple(Tensor._wrap(y) for y in ys)
        self.recorded_at = in_place_changes
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
        original = value
        if isinstance(value, Tensor) and value.creator is None:
            value = value.data  # a PyTorch-style forward saved a Tensor around an array
        if not isinstance(value, (np.ndarray, np.generic)):  # a scalar if .data was set so
            return original
        for x in self.inputs:
            if isinstance(x, Tensor) and x.data is value:
                return x
        if id(value) in self.output_ids:
            # The output Tensor itself may be gone; a new one with the same creator is
            # the same node of the graph.
            return Tensor._wrap(value, True, self, self.output_ids.index(id(value)))
        return original

    @property
    def next_functions(self) -> tuple:
        """PyTorch's ``grad_fn.next_functions``: for each Tensor input, ``(its creator,
        output index)``; a leaf that requires grad gives ``(AccumulateGrad, 0)``, where its
        gradient is added to ``.grad`` (``.variable`` is the leaf), a constant ``(None, 0)``."""
        if self.inputs is None:
            raise RuntimeError(engine.FREED_GRAPH_MESSAGE)
        return tuple((x.creator, x.output_index) if x.creator is not None else
                     (AccumulateGrad(x) if x._requires_grad else None, 0)
                     for x in self.inputs if isinstance(x, Tensor))

    @property
    def needs_input_grad(self) -> tuple:
        """One bool per argument of ``apply``: does it need a gradient?"""
        return tuple(isinstance(x, Tensor) and x._requires_grad for x in self.inputs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class AccumulateGrad:
    """Where backward adds a leaf's gradient to its ``.grad`` (PyTorch's node of that name,
    as ``next_functions`` shows it); ``variable`` is the leaf."""

    def __init__(self, variable: Any) -> None:
        self.variable = variable
        self.next_functions = ()

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


def _as_tensors(values: tuple) -> tuple:
    return tuple(Tensor._wrap(v) if isinstance(v, np.ndarray) else v for v in values)


def _forward_on_tensors(forward: Any) -> Any:
    """PyTorch's forward: Tensors (around the inputs' arrays) for the Tensor arguments of
    ``apply``, the others unchanged; no graph recorded."""
    def forward_on_tensors(ctx: Any, *args: Any) -> Any:
        args = tuple(Tensor._wrap(a) if isinstance(x, Tensor) else a
                     for x, a in zip(ctx.inputs, args))
        with no_grad():
            return forward(ctx, *args)

    return forward_on_tensors


def _backward_on_tensors(backward: Any) -> Any:
    """PyTorch's backward: gradients and saved values as Tensors (they already are under
    create_graph; the fast first-order pass hands arrays, wrapped here)."""
    def backward_on_tensors(ctx: Any, *grad_outputs: Any) -> Any:
        saved = ctx.saved_tensors
        ctx.saved_tensors = _as_tensors(saved)
        try:
            return backward(ctx, *_as_tensors(grad_outputs))
        finally:
            ctx.saved_tensors = saved

    return backward_on_tensors


def _as_output_array(y: Any, cls: type) -> np.ndarray:
    """Accept what a user's forward may return: a NumPy scalar, a number, a Tensor."""
    if isinstance(y, Tensor):
        return y.data
    if isinstance(y, (np.generic, int, float, bool, list)):
        return np.asarray(y)
    raise TypeError(f"{cls.__name__}.forward must return a NumPy array (or a tuple of them), "
                    f"got {type(y).__name__}")
