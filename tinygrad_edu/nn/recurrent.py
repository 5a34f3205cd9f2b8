"""Recurrent layers: RNNCell, LSTMCell and GRUCell (one time step), RNN, LSTM and GRU (a
whole sequence, stacked layers, optionally bidirectional), with PyTorch's parameter names,
shapes, gate order and initialisation, so ``load_state_dict(torch_model.state_dict())``
works.

A sequence layer is its cell unrolled over time with ordinary differentiable ops (Affine,
sigmoid, tanh, products), so backward is backpropagation through time and second order
works as for any other graph. The input projection x W_ih^T + b_ih does not depend on the
hidden state: it is computed for all time steps in one matrix product before the loop.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..ops import elementwise as _ew
from ..ops.affine import Affine
from ..ops.shape import Concatenate, Stack
from ..functions import split, unbind
from .. import checks
from .._tensor import Tensor
from . import functional as F
from . import init
from .input_checks import check_input
from .layers import _float_dtype
from .module import Module, Parameter

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# --- one time step of each kind of cell ---
# xw = x W_ih^T + b_ih (all gates); h, c: the state; w_hh, b_hh: the recurrent parameters.


def _rnn_tanh_step(xw: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    return _ew.Tanh.apply(xw + Affine.apply(h, w_hh, b_hh))


def _rnn_relu_step(xw: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    return _ew.ReLU.apply(xw + Affine.apply(h, w_hh, b_hh))


def _lstm_step(xw: Tensor, state: tuple, w_hh: Tensor, b_hh: Tensor | None) -> tuple:
    h, c = state
    i, f, g, o = split(xw + Affine.apply(h, w_hh, b_hh), 4, -1)
    c = _ew.Sigmoid.apply(f) * c + _ew.Sigmoid.apply(i) * _ew.Tanh.apply(g)
    h = _ew.Sigmoid.apply(o) * _ew.Tanh.apply(c)
    return h, c


def _gru_step(xw: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    hidden = h.shape[-1]
    x_rz, x_n = split(xw, [2 * hidden], -1)
    h_rz, h_n = split(Affine.apply(h, w_hh, b_hh), [2 * hidden], -1)
    r, z = split(_ew.Sigmoid.apply(x_rz + h_rz), 2, -1)
    n = _ew.Tanh.apply(x_n + r * h_n)
    return n + z * (h - n)  # = (1 - z) n + z h


_STEPS = {"RNN_TANH": _rnn_tanh_step, "RNN_RELU": _rnn_relu_step, "LSTM": _lstm_step,
          "GRU": _gru_step}


# --- argument checks ---


def _mode(name: str, nonlinearity: Any) -> str:
    if name != "RNN":
        return name
    checks.choice(nonlinearity, f"{name}: nonlinearity", ("tanh", "relu"))
    return "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"


def _check_state(name: str, what: str, h: Any, expected: tuple, dtype: Any) -> Tensor:
    h = check_input(h, name, dtype, what=what)
    if h.shape != expected:
        raise ValueError(f"{name}: expected {what} of shape {expected}, got shape {h.shape}")
    return h


def _uniform_init(module: Module, hidden_size: int) -> None:
    """PyTorch's default for recurrent layers: every parameter from U(-1/sqrt(H), 1/sqrt(H))."""
    bound = 1.0 / math.sqrt(hidden_size)
    for p in module.parameters():
        init.uniform_(p, -bound, bound)


# --- cells: one time step ---


class _CellBase(Module):
    """The parameters and the checks shared by RNNCell, LSTMCell and GRUCell."""

    _name = ""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, mode: str,
                 dtype: Any) -> None:
        super().__init__()
        self.input_size = checks.integer(input_size, f"{self._name}: input_size", low=1)
        self.hidden_size = checks.integer(hidden_size, f"{self._name}: hidden_size", low=1)
        self.bias = checks.flag(bias, f"{self._name}: bias")
        self._mode = mode
        dtype = _float_dtype(dtype)
        rows = _GATES[mode] * self.hidden_size
        self.weight_ih = Parameter(np.empty((rows, self.input_size), dtype))
        self.weight_hh = Parameter(np.empty((rows, self.hidden_size), dtype))
        if self.bias:
            self.bias_ih = Parameter(np.empty(rows, dtype))
            self.bias_hh = Parameter(np.empty(rows, dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch."""
        _uniform_init(self, self.hidden_size)

    def _input(self, x: Any) -> tuple[Tensor, bool]:
        """x as a batch (N, input_size); and whether it came unbatched."""
        x = check_input(x, self._name, self.weight_ih.data.dtype)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(f"{self._name}: expected input of shape (N, {self.input_size}) or "
                             f"({self.input_size},) (input_size={self.input_size}), got shape "
                             f"{x.shape}")
        if x.ndim == 1:
            return x.reshape(1, self.input_size), True
        return x, False

    def _state(self, h: Any, x: Tensor, unbatched: bool, what: str) -> Tensor:
        """A given state as (N, hidden_size), or zeros for None."""
        n = x.shape[0]
        if h is None:
            return Tensor._wrap(np.zeros((n, self.hidden_size), x.dtype))
        expected = (self.hidden_size,) if unbatched else (n, self.hidden_size)
        h = _check_state(self._name, what, h, expected, self.weight_ih.data.dtype)
        return h.reshape(1, self.hidden_size) if unbatched else h

    def _step(self, x: Tensor, state: Any) -> Any:
        xw = Affine.apply(x, self.weight_ih, self.bias_ih)
        return _STEPS[self._mode](xw, state, self.weight_hh, self.bias_hh)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        if self._mode == "RNN_RELU":
            s += ", nonlinearity=relu"
        return s


class _SingleStateCell(_CellBase):
    def forward(self, x: Any, hx: Any = None) -> Tensor:
        x, unbatched = self._input(x)
        h = self._step(x, self._state(hx, x, unbatched, "hx"))
        return h.reshape(self.hidden_size) if unbatched else h


class RNNCell(_SingleStateCell):
    """One step of an Elman RNN: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh).

    Args:
        input_size: the size I of each input vector x.
        hidden_size: the size H of the hidden state h.
        bias: learn the biases b_ih and b_hh (default True).
        nonlinearity: 'tanh' (default) or 'relu'.
        dtype: of the parameters; the default dtype (float32) if None.

    Parameters, as PyTorch: ``weight_ih`` (H, I), ``weight_hh`` (H, H), ``bias_ih`` (H,),
    ``bias_hh`` (H,), all initialised from U(-1/sqrt(H), 1/sqrt(H)).

    ``forward(x, hx=None)``: x of shape (N, I), or (I,) for one unbatched sample; hx of
    shape (N, H) (or (H,)), zeros if None. Returns h' shaped like hx.

    Raises:
        ValueError: nonlinearity is not 'tanh' or 'relu'; x or hx has the wrong shape.

    Example:
        >>> cell = nn.RNNCell(3, 5)
        >>> h = None
        >>> for x in xs:              # xs: (T, N, 3)
        ...     h = cell(x, h)        # (N, 5)
    """

    _name = "RNNCell"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, _mode("RNN", nonlinearity), dtype)
        self.nonlinearity = nonlinearity


class GRUCell(_SingleStateCell):
    """One step of a gated recurrent unit (Cho et al., 2014), PyTorch's form::

        r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)          reset gate
        z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)          update gate
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn))       candidate
        h' = (1 - z) * n + z * h

    Note r multiplies W_hn h + b_hn (the bias included), as PyTorch and cuDNN do.

    Args:
        input_size: the size I of each input vector x.
        hidden_size: the size H of the hidden state h.
        bias: learn the biases b_ih and b_hh (default True).
        dtype: of the parameters; the default dtype (float32) if None.

    Parameters, as PyTorch, with the gates stacked in the order r, z, n: ``weight_ih``
    (3H, I) = [W_ir; W_iz; W_in], ``weight_hh`` (3H, H), ``bias_ih`` (3H,), ``bias_hh``
    (3H,), all from U(-1/sqrt(H), 1/sqrt(H)).

    ``forward(x, hx=None)``: x (N, I) or (I,); hx (N, H) or (H,), zeros if None. Returns h'.

    Raises:
        ValueError: x or hx has the wrong shape.
    """

    _name = "GRUCell"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, "GRU", dtype)


class LSTMCell(_CellBase):
    """One step of a long short-term memory cell (Hochreiter & Schmidhuber, 1997)::

        i = sigmoid(W_ii x + b_ii + W_hi h + b_hi)          input gate
        f = sigmoid(W_if x + b_if + W_hf h + b_hf)          forget gate
        g = tanh(W_ig x + b_ig + W_hg h + b_hg)             candidate cell
        o = sigmoid(W_io x + b_io + W_ho h + b_ho)          output gate
        c' = f * c + i * g
        h' = o * tanh(c')

    Args:
        input_size: the size I of each input vector x.
        hidden_size: the size H of the hidden and cell states.
        bias: learn the biases b_ih and b_hh (default True).
        dtype: of the parameters; the default dtype (float32) if None.

    Parameters, as PyTorch, with the gates stacked in the order i, f, g, o: ``weight_ih``
    (4H, I), ``weight_hh`` (4H, H), ``bias_ih`` (4H,), ``bias_hh`` (4H,), all from
    U(-1/sqrt(H), 1/sqrt(H)).

    ``forward(x, hx=None)``: x (N, I) or (I,); hx a pair (h, c), each (N, H) or (H,),
    zeros if None. Returns the pair (h', c').

    Raises:
        ValueError: x, h or c has the wrong shape, or hx is not a pair.

    Example:
        >>> cell = nn.LSTMCell(3, 5)
        >>> h, c = cell(tg.zeros(2, 3))
        >>> h.shape, c.shape
        ((2, 5), (2, 5))
    """

    _name = "LSTMCell"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, "LSTM", dtype)

    def forward(self, x: Any, hx: Any = None) -> tuple[Tensor, Tensor]:
        x, unbatched = self._input(x)
        if hx is None:
            hx = (None, None)
        elif not isinstance(hx, (tuple, list)) or len(hx) != 2:
            raise ValueError(f"LSTMCell: hx must be a pair (h, c), got {type(hx).__name__}"
                             + (f" of length {len(hx)}" if isinstance(hx, (tuple, list)) else ""))
        state = (self._state(hx[0], x, unbatched, "h"), self._state(hx[1], x, unbatched, "c"))
        h, c = self._step(x, state)
        if unbatched:
            return h.reshape(self.hidden_size), c.reshape(self.hidden_size)
        return h, c


# --- sequence layers: the cell unrolled over time, stacked in layers ---


class _RNNBase(Module):
    """The parameters, checks and time loop shared by RNN, LSTM and GRU."""

    _name = ""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int,
                 bias: bool, batch_first: bool, dropout: float, bidirectional: bool,
                 dtype: Any) -> None:
        super().__init__()
        self._mode = mode
        name = self._name
        self.input_size = checks.integer(input_size, f"{name}: input_size", low=1)
        self.hidden_size = checks.integer(hidden_size, f"{name}: hidden_size", low=1)
        self.num_layers = checks.integer(num_layers, f"{name}: num_layers", low=1)
        self.bias = checks.flag(bias, f"{name}: bias")
        self.batch_first = checks.flag(batch_first, f"{name}: batch_first")
        dropout = checks.real(dropout, f"{name}: dropout", low=0, high=1)
        if dropout > 0 and self.num_layers == 1:
            warnings.warn(f"dropout is applied between recurrent layers, so dropout={dropout} "
                          "does nothing with num_layers=1", stacklevel=3)
        self.dropout = dropout
        self.bidirectional = checks.flag(bidirectional, f"{name}: bidirectional")
        dtype = _float_dtype(dtype)
        rows = _GATES[mode] * self.hidden_size
        directions = 2 if self.bidirectional else 1
        # Names as PyTorch: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, then the
        # same with the suffix _reverse for the backward direction, then layer 1, ...
        self._weight_names = []
        for layer in range(self.num_layers):
            layer_in = self.input_size if layer == 0 else directions * self.hidden_size
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                names = [f"weight_ih{suffix}", f"weight_hh{suffix}"]
                setattr(self, names[0], Parameter(np.empty((rows, layer_in), dtype)))
                setattr(self, names[1], Parameter(np.empty((rows, self.hidden_size), dtype)))
                if self.bias:
                    names += [f"bias_ih{suffix}", f"bias_hh{suffix}"]
                    setattr(self, names[2], Parameter(np.empty(rows, dtype)))
                    setattr(self, names[3], Parameter(np.empty(rows, dtype)))
                self._weight_names.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch."""
        _uniform_init(self, self.hidden_size)

    @property
    def all_weights(self) -> list:
        """The parameters per layer and direction: [[weight_ih_l0, weight_hh_l0, ...], ...]."""
        return [[getattr(self, name) for name in names] for names in self._weight_names]

    def _weights(self, index: int) -> tuple:
        names = self._weight_names[index]
        w_ih, w_hh = getattr(self, names[0]), getattr(self, names[1])
        if self.bias:
            return w_ih, w_hh, getattr(self, names[2]), getattr(self, names[3])
        return w_ih, w_hh, None, None

    def _input(self, x: Any) -> tuple[Tensor, bool]:
        """x as a batch, (T, N, I) or with batch_first (N, T, I); and whether it was unbatched."""
        x = check_input(x, self._name, self.weight_ih_l0.data.dtype)
        if x.ndim not in (2, 3):
            batch = "(N, T, I)" if self.batch_first else "(T, N, I)"
            raise ValueError(f"{self._name}: expected input of shape {batch} or unbatched "
                             f"(T, I) with I = input_size = {self.input_size}, got shape "
                             f"{x.shape}")
        if x.shape[-1] != self.input_size:
            raise ValueError(f"{self._name}: the input's last axis must have input_size="
                             f"{self.input_size} values, got input of shape {x.shape}")
        if x.ndim == 2:
            shape = (1,) + x.shape if self.batch_first else (x.shape[0], 1, x.shape[1])
            return x.reshape(shape), True
        return x, False

    def _initial(self, h: Any, n: int, dtype: Any, unbatched: bool, what: str) -> list:
        """A given initial state split into one (N, H) tensor per layer and direction;
        zeros for None."""
        count = self.num_layers * (2 if self.bidirectional else 1)
        if h is None:
            zeros = Tensor._wrap(np.zeros((n, self.hidden_size), dtype))
            return [zeros] * count
        expected = (count, self.hidden_size) if unbatched else (count, n, self.hidden_size)
        h = _check_state(self._name, what, h, expected, self.weight_ih_l0.data.dtype)
        if unbatched:
            h = h.reshape(count, 1, self.hidden_size)
        return list(unbind(h, 0))

    def _unroll(self, x: Any, states: list) -> tuple[Tensor, list]:
        """Run every layer and direction over x from the initial ``states`` (one per layer
        and direction, a pair (h, c) for an LSTM); returns the last layer's outputs and
        the final states."""
        time_axis = 1 if self.batch_first else 0
        step = _STEPS[self._mode]
        directions = 2 if self.bidirectional else 1
        final = []
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0 and self.training:
                x = F.dropout(x, self.dropout, True)
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                w_ih, w_hh, b_ih, b_hh = self._weights(index)
                # The input's part of every gate at every time step, in one product.
                xws = unbind(Affine.apply(x, w_ih, b_ih), time_axis)
                state = states[index]
                hs = [None] * len(xws)
                times = range(len(xws) - 1, -1, -1) if direction else range(len(xws))
                for t in times:
                    state = step(xws[t], state, w_hh, b_hh)
                    hs[t] = state[0] if type(state) is tuple else state
                final.append(state)
                outputs.append(Stack.apply(time_axis, *hs))
            x = outputs[0] if directions == 1 else Concatenate.apply(-1, *outputs)
        return x, final

    def _forward(self, x: Any, hx: Any) -> tuple:
        x, unbatched = self._input(x)
        time_axis = 1 if self.batch_first else 0
        if x.shape[time_axis] == 0:
            raise ValueError(f"{self._name}: the input sequence is empty (shape {x.shape})")
        n = x.shape[1 - time_axis]
        if self._mode == "LSTM":
            if hx is None:
                hx = (None, None)
            elif not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise ValueError(f"LSTM: hx must be a pair (h_0, c_0), got {type(hx).__name__}"
                                 + (f" of length {len(hx)}" if isinstance(hx, (tuple, list))
                                    else ""))
            hs = self._initial(hx[0], n, x.dtype, unbatched, "h_0")
            cs = self._initial(hx[1], n, x.dtype, unbatched, "c_0")
            states = list(zip(hs, cs))
        else:
            states = self._initial(hx, n, x.dtype, unbatched, "hx")
        y, final = self._unroll(x, states)
        if self._mode == "LSTM":
            h_n = Stack.apply(0, *(h for h, _ in final))
            c_n = Stack.apply(0, *(c for _, c in final))
            last = (h_n, c_n)
        else:
            last = (Stack.apply(0, *final),)
        if unbatched:
            y = y.reshape(y.shape[0] * y.shape[1], y.shape[2])
            last = tuple(s.reshape(s.shape[0], s.shape[2]) for s in last)
        return y, last

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


class RNN(_RNNBase):
    """An Elman RNN over a sequence: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh).

    The ``RNNCell`` unrolled over time; with ``num_layers`` > 1 the outputs h_t of one layer
    are the inputs x_t of the next. Backward through it is backpropagation through time.

    Args:
        input_size: the size I of each input vector x_t.
        hidden_size: the size H of the hidden state h_t.
        num_layers: stacked layers (default 1); layer l > 0 reads layer l - 1's outputs.
        nonlinearity: 'tanh' (default) or 'relu'.
        bias: learn the biases b_ih and b_hh (default True).
        batch_first: the input and output are (N, T, feature) instead of (T, N, feature)
            (default False); the states are (layers, N, H) either way.
        dropout: in training, dropout with this probability on the outputs of every
            layer but the last (default 0).
        bidirectional: add a second layer that reads the sequence backwards (suffix
            ``_reverse``); its outputs are concatenated to the forward ones (default False).
        dtype: of the parameters; the default dtype (float32) if None.

    Parameters, as PyTorch, per layer l: ``weight_ih_l{l}`` (H, I for l = 0, else D*H),
    ``weight_hh_l{l}`` (H, H), ``bias_ih_l{l}`` (H,), ``bias_hh_l{l}`` (H,), and the same
    with the suffix ``_reverse`` for the backward direction; all from U(-1/sqrt(H), 1/sqrt(H)).

    ``forward(x, hx=None)``: x (T, N, I) (or (N, T, I) with batch_first, or (T, I)
    unbatched); hx (num_layers * D, N, H) (or (num_layers * D, H)), zeros if None, with D = 2
    if bidirectional else 1. Returns ``(output, h_n)``: output (T, N, D*H), h_t of the last
    layer at every step; h_n (num_layers * D, N, H), every layer's final state.

    Raises:
        ValueError: a bad nonlinearity or dropout; an input or hx of the wrong shape.

    Example:
        >>> rnn = nn.RNN(1, 16, batch_first=True)
        >>> output, h_n = rnn(tg.zeros(8, 25, 1))      # 8 sequences of 25 steps
        >>> output.shape, h_n.shape
        ((8, 25, 16), (1, 8, 16))
    """

    _name = "RNN"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, dtype: Any = None) -> None:
        super().__init__(_mode("RNN", nonlinearity), input_size, hidden_size, num_layers, bias,
                         batch_first, dropout, bidirectional, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, x: Any, hx: Any = None) -> tuple[Tensor, Tensor]:
        y, (h_n,) = self._forward(x, hx)
        return y, h_n


class LSTM(_RNNBase):
    """A long short-term memory layer over a sequence: the ``LSTMCell`` unrolled over time.

    Args:
        input_size: the size I of each input vector x_t.
        hidden_size: the size H of the hidden state h_t and the cell state c_t.
        num_layers: stacked layers (default 1); layer l > 0 reads layer l - 1's outputs h_t.
        bias: learn the biases b_ih and b_hh (default True).
        batch_first: the input and output are (N, T, feature) instead of (T, N, feature)
            (default False); the states are (layers, N, H) either way.
        dropout: in training, dropout with this probability on the outputs of every
            layer but the last (default 0).
        bidirectional: add a second layer that reads the sequence backwards (suffix
            ``_reverse``); its outputs are concatenated to the forward ones (default False).
        dtype: of the parameters; the default dtype (float32) if None.

    Parameters, as PyTorch, per layer l (gates stacked i, f, g, o): ``weight_ih_l{l}``
    (4H, I for l = 0, else D*H), ``weight_hh_l{l}`` (4H, H), ``bias_ih_l{l}`` (4H,),
    ``bias_hh_l{l}`` (4H,), and the same with the suffix ``_reverse`` for the backward
    direction; all from U(-1/sqrt(H), 1/sqrt(H)).

    ``forward(x, hx=None)``: x (T, N, I) (or (N, T, I) with batch_first, or (T, I)
    unbatched); hx a pair (h_0, c_0), each (num_layers * D, N, H) (or (num_layers * D, H)),
    zeros if None, with D = 2 if bidirectional else 1. Returns ``(output, (h_n, c_n))``:
    output (T, N, D*H), h_t of the last layer at every step; h_n and c_n
    (num_layers * D, N, H), every layer's final states.

    Raises:
        ValueError: a bad dropout; an input, h_0 or c_0 of the wrong shape.

    Example:
        >>> lstm = nn.LSTM(1, 32, num_layers=2)
        >>> output, (h_n, c_n) = lstm(tg.zeros(25, 8, 1))
        >>> output.shape, c_n.shape
        ((25, 8, 32), (2, 8, 32))
    """

    _name = "LSTM"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, dtype: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, dtype)

    def forward(self, x: Any, hx: Any = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        y, (h_n, c_n) = self._forward(x, hx)
        return y, (h_n, c_n)


class GRU(_RNNBase):
    """A gated recurrent unit layer over a sequence: the ``GRUCell`` unrolled over time.

    Args:
        input_size: the size I of each input vector x_t.
        hidden_size: the size H of the hidden state h_t.
        num_layers: stacked layers (default 1); layer l > 0 reads layer l - 1's outputs.
        bias: learn the biases b_ih and b_hh (default True).
        batch_first: the input and output are (N, T, feature) instead of (T, N, feature)
            (default False); the states are (layers, N, H) either way.
        dropout: in training, dropout with this probability on the outputs of every
            layer but the last (default 0).
        bidirectional: add a second layer that reads the sequence backwards (suffix
            ``_reverse``); its outputs are concatenated to the forward ones (default False).
        dtype: of the parameters; the default dtype (float32) if None.

    Parameters, as PyTorch, per layer l (gates stacked r, z, n): ``weight_ih_l{l}``
    (3H, I for l = 0, else D*H), ``weight_hh_l{l}`` (3H, H), ``bias_ih_l{l}`` (3H,),
    ``bias_hh_l{l}`` (3H,), and the same with the suffix ``_reverse`` for the backward
    direction; all from U(-1/sqrt(H), 1/sqrt(H)).

    ``forward(x, hx=None)``: as ``RNN``: returns ``(output, h_n)``.

    Raises:
        ValueError: a bad dropout; an input or hx of the wrong shape.
    """

    _name = "GRU"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, dtype: Any = None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, dtype)

    def forward(self, x: Any, hx: Any = None) -> tuple[Tensor, Tensor]:
        y, (h_n,) = self._forward(x, hx)
        return y, h_n
