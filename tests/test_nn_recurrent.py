"""RNNCell, LSTMCell, GRUCell, RNN, LSTM, GRU: forward against the cell equations written
in NumPy, gradcheck through every cell and layer (input, initial state and every
parameter, float64), gradgradcheck, PyTorch as the oracle with torch's weights loaded by
state_dict (outputs, final states, gradients of the input, the state and every parameter,
second order), the split op behind them, init, dropout, repr and argument errors."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu import split, unbind
from test_nn_functional import check_gradients, leaf

F64 = np.float64
RTOL, ATOL = 1e-10, 1e-12
CELLS = {"RNN_TANH": ("RNNCell", {}), "RNN_RELU": ("RNNCell", {"nonlinearity": "relu"}),
         "LSTM": ("LSTMCell", {}), "GRU": ("GRUCell", {})}
LAYERS = {"RNN_TANH": ("RNN", {}), "RNN_RELU": ("RNN", {"nonlinearity": "relu"}),
          "LSTM": ("LSTM", {}), "GRU": ("GRU", {})}


def torch_or_skip():
    torch = pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")
    torch.set_num_threads(1)
    return torch


# --- the equations, written in NumPy ---


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def cell_reference(kind, x, state, w_ih, w_hh, b_ih, b_hh):
    """One step of each cell from its definition (PyTorch's documentation); the state is
    h, or (h, c) for an LSTM. Gate blocks are cut out of the stacked weights by hand."""
    H = w_hh.shape[1]
    b_ih = np.zeros(w_ih.shape[0]) if b_ih is None else b_ih
    b_hh = np.zeros(w_hh.shape[0]) if b_hh is None else b_hh
    h = state[0] if kind == "LSTM" else state

    def gate(k, with_h=True):
        rows = slice(k * H, (k + 1) * H)
        pre_x = x @ w_ih[rows].T + b_ih[rows]
        pre_h = h @ w_hh[rows].T + b_hh[rows]
        return pre_x + pre_h if with_h else (pre_x, pre_h)

    if kind == "RNN_TANH":
        return np.tanh(gate(0))
    if kind == "RNN_RELU":
        return np.maximum(gate(0), 0.0)
    if kind == "LSTM":
        c = state[1]
        i, f, g, o = sigmoid(gate(0)), sigmoid(gate(1)), np.tanh(gate(2)), sigmoid(gate(3))
        c_new = f * c + i * g
        return o * np.tanh(c_new), c_new
    r, z = sigmoid(gate(0)), sigmoid(gate(1))
    n_x, n_h = gate(2, with_h=False)
    n = np.tanh(n_x + r * n_h)
    return (1 - z) * n + z * h


def layer_reference(kind, module, x, hx):
    """The sequence layer from the cell equations: x (T, N, I) time-major, hx per layer and
    direction (zeros if None); loops over layers, directions and time steps."""
    T, N, _ = x.shape
    H, D = module.hidden_size, 2 if module.bidirectional else 1
    count = module.num_layers * D
    if hx is None:
        zeros = np.zeros((count, N, H))
        hx = (zeros, zeros) if kind == "LSTM" else zeros
    finals = []
    for layer in range(module.num_layers):
        outs = []
        for d in range(D):
            k = layer * D + d
            suffix = f"_l{layer}" + ("_reverse" if d else "")
            names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if module.bias else [])
            params = [getattr(module, n + suffix).data for n in names] + [None] * (4 - len(names))
            state = (hx[0][k], hx[1][k]) if kind == "LSTM" else hx[k]
            hs = [None] * T
            for t in (reversed(range(T)) if d else range(T)):
                state = cell_reference(kind, x[t], state, *params)
                hs[t] = state[0] if kind == "LSTM" else state
            finals.append(state)
            outs.append(np.stack(hs))
        x = np.concatenate(outs, axis=-1)
    if kind == "LSTM":
        return x, (np.stack([s[0] for s in finals]), np.stack([s[1] for s in finals]))
    return x, np.stack(finals)


def flat(result):
    """(y, (h, c)) or (y, h) or (h, c) or h -> a flat list of Tensors."""
    if isinstance(result, (tuple, list)):
        return [t for r in result for t in flat(r)]
    return [result]


def make_cell(kind, I=2, H=3, **kwargs):
    name, extra = CELLS[kind]
    return getattr(nn, name)(I, H, dtype=F64, **extra, **kwargs)


def make_layer(kind, I=2, H=3, **kwargs):
    name, extra = LAYERS[kind]
    return getattr(nn, name)(I, H, dtype=F64, **extra, **kwargs)


def shift_biases(module):
    """ReLU RNNs: push the pre-activations away from the kink at 0 (finite differences
    across it are meaningless) by making every bias positive and large."""
    for name, p in module.named_parameters():
        if "bias" in name:
            p.data[...] = np.abs(p.data) + 1.0


# --- forward against the equations ---


@pytest.mark.parametrize("kind", list(CELLS))
@pytest.mark.parametrize("bias", [True, False])
def test_cells_match_the_equations(kind, bias):
    rng = np.random.default_rng(1)
    cell = make_cell(kind, 3, 4, bias=bias)
    params = [None if p is None else p.data for p in
              (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)]
    x = rng.standard_normal((5, 3))
    h = rng.standard_normal((5, 4))
    if kind == "LSTM":
        c = rng.standard_normal((5, 4))
        out = cell(leaf(x), (leaf(h), leaf(c)))
        expected = cell_reference(kind, x, (h, c), *params)
        zero_state = cell_reference(kind, x, (np.zeros((5, 4)),) * 2, *params)
    else:
        out = cell(leaf(x), leaf(h))
        expected = cell_reference(kind, x, h, *params)
        zero_state = cell_reference(kind, x, np.zeros((5, 4)), *params)
    for a, b in zip(flat(out), flat(expected)):
        np.testing.assert_allclose(a.data, b, rtol=1e-12, atol=1e-14)
    for a, b in zip(flat(cell(leaf(x))), flat(zero_state)):  # hx=None: zeros
        np.testing.assert_allclose(a.data, b, rtol=1e-12, atol=1e-14)
    for a, b in zip(flat(cell(leaf(x[0]))), flat(zero_state)):  # unbatched (I,)
        assert a.shape == (4,)
        np.testing.assert_allclose(a.data, b[0], rtol=1e-12, atol=1e-14)


layer_cases = st.fixed_dictionaries({
    "kind": st.sampled_from(list(LAYERS)), "num_layers": st.integers(1, 3),
    "bias": st.booleans(), "bidirectional": st.booleans(), "batch_first": st.booleans(),
    "with_hx": st.booleans(), "T": st.integers(1, 4), "N": st.integers(1, 3),
    "seed": st.integers(0, 2**16)})


@given(case=layer_cases)
@settings(max_examples=25)
def test_layers_match_the_equations(case):
    kind = case["kind"]
    rng = np.random.default_rng(case["seed"])
    tg.manual_seed(case["seed"])
    module = make_layer(kind, 3, 4, num_layers=case["num_layers"], bias=case["bias"],
                        bidirectional=case["bidirectional"], batch_first=case["batch_first"])
    T, N, D = case["T"], case["N"], 2 if case["bidirectional"] else 1
    x = rng.standard_normal((T, N, 3))
    state_shape = (case["num_layers"] * D, N, 4)
    hx = None
    if case["with_hx"]:
        hx = rng.standard_normal(state_shape)
        if kind == "LSTM":
            hx = (hx, rng.standard_normal(state_shape))
    expected_y, expected_state = layer_reference(kind, module, x, hx)
    x_in = x.transpose(1, 0, 2) if case["batch_first"] else x
    hx_in = None if hx is None else (tuple(map(leaf, hx)) if kind == "LSTM" else leaf(hx))
    y, state = module(leaf(x_in), hx_in)
    expected_y = expected_y.transpose(1, 0, 2) if case["batch_first"] else expected_y
    assert y.shape == expected_y.shape == ((N, T) if case["batch_first"] else (T, N)) + (D * 4,)
    np.testing.assert_allclose(y.data, expected_y, rtol=1e-12, atol=1e-14)
    for a, b in zip(flat(state), flat(expected_state)):
        assert a.shape == state_shape
        np.testing.assert_allclose(a.data, b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kind", list(LAYERS))
@pytest.mark.parametrize("batch_first", [False, True])
def test_unbatched_sequence_is_a_batch_of_one(kind, batch_first):
    module = make_layer(kind, 3, 4, num_layers=2, batch_first=batch_first)
    x = np.random.default_rng(2).standard_normal((5, 3))  # (T, I): batch_first does not apply
    y, state = module(leaf(x))
    y1, state1 = module(leaf(x[None] if batch_first else x[:, None]))
    assert y.shape == (5, 4)
    np.testing.assert_allclose(y.data, y1.data.reshape(5, 4), rtol=1e-14)
    for a, b in zip(flat(state), flat(state1)):
        assert a.shape == (2, 4)
        np.testing.assert_allclose(a.data, b.data[:, 0], rtol=1e-14)


def test_continuing_from_the_final_state_equals_one_long_run():
    # Truncated backpropagation through time relies on this: two halves, the second
    # started from the first's (h_n, c_n), give the same outputs as the whole sequence.
    lstm = make_layer("LSTM", 2, 3, num_layers=2)
    x = np.random.default_rng(3).standard_normal((6, 2, 2))
    y, _ = lstm(leaf(x))
    y1, state = lstm(leaf(x[:4]))
    y2, _ = lstm(leaf(x[4:]), tuple(s.detach() for s in state))
    np.testing.assert_allclose(np.concatenate([y1.data, y2.data]), y.data, rtol=1e-13)


# --- gradients ---


@pytest.mark.parametrize("kind", list(CELLS))
def test_gradcheck_through_cells(kind):
    cell = make_cell(kind, 2, 3)
    if kind == "RNN_RELU":
        shift_biases(cell)
    rng = np.random.default_rng(4)
    x, h, c = (leaf(rng.standard_normal(s)) for s in [(2, 2), (2, 3), (2, 3)])
    params = list(cell.parameters())
    if kind == "LSTM":
        tg.gradcheck(lambda x, h, c, *p: cell(x, (h, c)), [x, h, c] + params)
    else:
        tg.gradcheck(lambda x, h, *p: cell(x, h), [x, h] + params)
    tg.gradcheck(lambda x, *p: flat(cell(x)), [leaf(rng.standard_normal(2))] + params)


@pytest.mark.parametrize("kind", list(LAYERS))
@pytest.mark.parametrize("options", [{"num_layers": 2},
                                     {"num_layers": 2, "batch_first": True, "bias": False},
                                     {"bidirectional": True}])
def test_gradcheck_through_layers(kind, options):
    module = make_layer(kind, 2, 2, **options)
    if kind == "RNN_RELU":
        shift_biases(module)
    rng = np.random.default_rng(5)
    count = module.num_layers * (2 if module.bidirectional else 1)
    x = leaf(rng.standard_normal((2, 3, 2) if module.batch_first else (3, 2, 2)))  # T=3, N=2
    h = leaf(rng.standard_normal((count, 2, 2)))
    params = list(module.parameters())
    if kind == "LSTM":
        c = leaf(rng.standard_normal((count, 2, 2)))
        tg.gradcheck(lambda x, h, c, *p: flat(module(x, (h, c))), [x, h, c] + params)
    else:
        tg.gradcheck(lambda x, h, *p: flat(module(x, h)), [x, h] + params)


@pytest.mark.parametrize("kind", ["RNN_TANH", "LSTM", "GRU"])
def test_gradgradcheck_through_a_tiny_cell(kind):
    cell = make_cell(kind, 2, 2)
    rng = np.random.default_rng(6)
    x, h, c = (leaf(rng.standard_normal(s)) for s in [(1, 2), (1, 2), (1, 2)])
    params = list(cell.parameters())
    if kind == "LSTM":
        check_gradients(lambda x, h, c, *p: tg.concatenate(list(cell(x, (h, c))), axis=1),
                        [x, h, c] + params)
    else:
        check_gradients(lambda x, h, *p: cell(x, h), [x, h] + params)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_gradgradcheck_through_a_tiny_layer(kind):
    module = make_layer(kind, 1, 2, bidirectional=True)
    x = leaf(np.random.default_rng(7).standard_normal((2, 1, 1)))
    check_gradients(lambda x, *p: module(x)[0], [x] + list(module.parameters()))


@given(shape=st.sampled_from([(4, 3), (2, 5, 3), (3, 2)]), axis=st.integers(-2, 1),
       sections=st.sampled_from([None, 1, [1], [0, 2]]), used=st.integers(0, 2),
       seed=st.integers(0, 2**16))
@settings(max_examples=15)
def test_split_and_unbind_pieces_and_gradients(shape, axis, sections, used, seed):
    x = np.random.default_rng(seed).standard_normal(shape)
    expected = (list(np.moveaxis(x, axis, 0)) if sections is None
                else np.split(x, sections, axis=axis))
    pieces = unbind(leaf(x), axis) if sections is None else split(leaf(x), sections, axis=axis)
    assert len(pieces) == len(expected)
    for a, b in zip(pieces, expected):
        np.testing.assert_array_equal(a.data, b)
    used = min(used, len(pieces) - 1)  # the other pieces get no gradient: zeros
    fn = ((lambda x: unbind(x, axis)[used] ** 2) if sections is None
          else (lambda x: split(x, sections, axis=axis)[used] ** 2))
    if pieces[used].size:
        check_gradients(fn, [leaf(x)])


# --- PyTorch as the oracle ---


def compare_with_torch(ours, theirs, inputs, seed=0, second_order=False):
    """Load torch's weights into ours by state_dict, run both on ``inputs`` (x, then the
    initial state, as nested tuples of arrays), and compare every output and the
    gradients of every input array and every parameter, for one random vector per
    output. With ``second_order``, also the gradient of the squared norm of the first
    gradients (a Hessian-vector-like quantity) with respect to every parameter."""
    torch = torch_or_skip()
    sd = theirs.state_dict()
    assert list(ours.state_dict()) == list(sd)
    ours.load_state_dict(sd)

    def both(a):
        if isinstance(a, tuple):
            pairs = [both(b) for b in a]
            return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
        return leaf(a), torch.tensor(a, requires_grad=True)

    pairs = [both(a) for a in inputs]
    ours_in, theirs_in = [p[0] for p in pairs], [p[1] for p in pairs]
    ys, ys_t = flat(ours(*ours_in)), flat(theirs(*theirs_in))
    assert len(ys) == len(ys_t)
    rng = np.random.default_rng(seed)
    loss, loss_t = 0.0, 0.0
    for y, y_t in zip(ys, ys_t):
        assert y.shape == tuple(y_t.shape)
        np.testing.assert_allclose(y.data, y_t.detach().numpy(), rtol=RTOL, atol=ATOL)
        v = rng.standard_normal(y.shape)
        loss, loss_t = loss + (y * v).sum(), loss_t + (y_t * torch.tensor(v)).sum()
    leaves, leaves_t = flat(ours_in), flat(theirs_in)
    names = [name for name, _ in ours.named_parameters()]
    params, params_t = list(ours.parameters()), [dict(theirs.named_parameters())[n] for n in names]
    grads = tg.grad(loss, leaves + params, create_graph=second_order)
    grads_t = torch.autograd.grad(loss_t, leaves_t + params_t, create_graph=second_order)
    labels = [f"input {i}" for i in range(len(leaves))] + names
    for g, g_t, label in zip(grads, grads_t, labels):
        np.testing.assert_allclose(g.data, g_t.detach().numpy(), rtol=RTOL, atol=ATOL,
                                   err_msg=f"gradient of {label}")
    if second_order:
        total = sum((g * g).sum() for g in grads)
        total_t = sum((g * g).sum() for g in grads_t)
        for g, g_t, name in zip(tg.grad(total, params), torch.autograd.grad(total_t, params_t),
                                names):
            np.testing.assert_allclose(g.data, g_t.numpy(), rtol=1e-9, atol=1e-11,
                                       err_msg=f"second order, {name}")


@pytest.mark.parametrize("kind", list(CELLS))
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batch", ["batched", "unbatched"])
@pytest.mark.parametrize("with_hx", [True, False])
def test_cells_against_torch(kind, bias, batch, with_hx):
    torch = torch_or_skip()
    name, extra = CELLS[kind]
    ours = getattr(nn, name)(3, 4, bias=bias, dtype=F64, **extra)
    theirs = getattr(torch.nn, name)(3, 4, bias=bias, dtype=torch.float64, **extra)
    rng = np.random.default_rng(8)
    lead = (5,) if batch == "batched" else ()
    inputs = [rng.standard_normal(lead + (3,))]
    if with_hx:
        h = rng.standard_normal(lead + (4,))
        inputs.append((h, rng.standard_normal(lead + (4,))) if kind == "LSTM" else h)
    compare_with_torch(ours, theirs, inputs)


torch_layer_cases = [
    {},
    {"batch_first": True},
    {"num_layers": 2},
    {"num_layers": 2, "batch_first": True, "hx": True},
    {"hx": True},
    {"unbatched": True},
    {"unbatched": True, "hx": True, "num_layers": 2},
    {"bias": False, "num_layers": 2},
    {"bidirectional": True, "num_layers": 2, "hx": True},
    {"bidirectional": True, "batch_first": True, "unbatched": True},
]


@pytest.mark.parametrize("kind", list(LAYERS))
@pytest.mark.parametrize("case", torch_layer_cases, ids=lambda c: ",".join(c) or "default")
def test_layers_against_torch(kind, case):
    torch = torch_or_skip()
    options = {k: v for k, v in case.items() if k not in ("hx", "unbatched")}
    name, extra = LAYERS[kind]
    ours = getattr(nn, name)(3, 4, dtype=F64, **extra, **options)
    theirs = getattr(torch.nn, name)(3, 4, dtype=torch.float64, **extra, **options)
    rng = np.random.default_rng(9)
    T, N = 5, 2
    if case.get("unbatched"):
        x = rng.standard_normal((T, 3))
    else:
        x = rng.standard_normal((N, T, 3) if case.get("batch_first") else (T, N, 3))
    inputs = [x]
    if case.get("hx"):
        count = ours.num_layers * (2 if ours.bidirectional else 1)
        shape = (count, 4) if case.get("unbatched") else (count, N, 4)
        h = rng.standard_normal(shape)
        inputs.append((h, rng.standard_normal(shape)) if kind == "LSTM" else h)
    compare_with_torch(ours, theirs, inputs)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN_TANH"])
def test_second_order_against_torch(kind):
    torch = torch_or_skip()
    name, extra = LAYERS[kind]
    ours = getattr(nn, name)(2, 3, num_layers=2, dtype=F64, **extra)
    theirs = getattr(torch.nn, name)(2, 3, num_layers=2, dtype=torch.float64, **extra)
    compare_with_torch(ours, theirs, [np.random.default_rng(10).standard_normal((4, 2, 2))],
                       second_order=True)
    cell_name, _ = CELLS[kind]
    ours = getattr(nn, cell_name)(2, 3, dtype=F64)
    theirs = getattr(torch.nn, cell_name)(2, 3, dtype=torch.float64)
    compare_with_torch(ours, theirs, [np.random.default_rng(11).standard_normal((3, 2))],
                       second_order=True)


def test_float32_lstm_step_matches_torch():
    torch = torch_or_skip()
    ours, theirs = nn.LSTM(3, 5, num_layers=2, batch_first=True), \
        torch.nn.LSTM(3, 5, num_layers=2, batch_first=True)
    ours.load_state_dict(theirs.state_dict())
    x = np.random.default_rng(12).standard_normal((4, 6, 3)).astype(np.float32)
    y, (h, c) = ours(tg.Tensor(x))
    y_t, (h_t, c_t) = theirs(torch.from_numpy(x))
    assert y.dtype == h.dtype == c.dtype == np.float32
    np.testing.assert_allclose(y.data, y_t.detach().numpy(), rtol=1e-5, atol=1e-6)
    (y.sum() + c.sum()).backward()
    (y_t.sum() + c_t.sum()).backward()
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert p.grad.dtype == np.float32
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-4, atol=1e-5, err_msg=n)


def test_state_dict_loads_into_torch_too():
    torch = torch_or_skip()
    ours = nn.GRU(3, 4, num_layers=2, bidirectional=True)
    theirs = torch.nn.GRU(3, 4, num_layers=2, bidirectional=True)
    theirs.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(13).standard_normal((5, 2, 3)).astype(np.float32)
    np.testing.assert_allclose(ours(tg.Tensor(x))[0].data,
                               theirs(torch.from_numpy(x))[0].detach().numpy(), rtol=1e-5,
                               atol=1e-6)


def test_repr_matches_torch():
    torch = torch_or_skip()
    configs = [("RNNCell", (3, 5), {}), ("RNNCell", (3, 5), {"bias": False,
                                                            "nonlinearity": "relu"}),
               ("LSTMCell", (3, 5), {}), ("GRUCell", (2, 7), {"bias": False}),
               ("RNN", (3, 5), {"nonlinearity": "relu"}), ("LSTM", (3, 5), {}),
               ("GRU", (1, 8), {"num_layers": 2, "bias": False, "batch_first": True,
                                "dropout": 0.5, "bidirectional": True})]
    for name, args, kwargs in configs:
        assert repr(getattr(nn, name)(*args, **kwargs)) == \
            repr(getattr(torch.nn, name)(*args, **kwargs))
    ours = nn.Sequential(nn.LSTM(1, 4), nn.Linear(4, 1))
    theirs = torch.nn.Sequential(torch.nn.LSTM(1, 4), torch.nn.Linear(4, 1))
    assert repr(ours) == repr(theirs)


# --- parameters, init, dropout ---


@pytest.mark.parametrize("name, gates", [("RNN", 1), ("LSTM", 4), ("GRU", 3)])
def test_parameter_names_shapes_and_init(name, gates):
    module = getattr(nn, name)(3, 25, num_layers=2, bidirectional=True)
    shapes = {}
    for layer, layer_in in ((0, 3), (1, 50)):
        for suffix in ("", "_reverse"):
            shapes.update({f"weight_ih_l{layer}{suffix}": (gates * 25, layer_in),
                           f"weight_hh_l{layer}{suffix}": (gates * 25, 25),
                           f"bias_ih_l{layer}{suffix}": (gates * 25,),
                           f"bias_hh_l{layer}{suffix}": (gates * 25,)})
    assert {n: p.shape for n, p in module.named_parameters()} == shapes
    assert list(module.state_dict())[:4] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0",
                                             "bias_hh_l0"]
    assert [p.shape for p in module.all_weights[0]] == [shapes[n] for n in list(shapes)[:4]]
    values = np.concatenate([p.data.ravel() for p in module.parameters()])
    bound = 1 / math.sqrt(25)  # U(-1/sqrt(H), 1/sqrt(H)) for every parameter, as PyTorch
    assert module.weight_ih_l0.dtype == np.float32
    assert np.abs(values).max() <= bound
    assert np.abs(values).max() >= 0.99 * bound
    assert values.std() == pytest.approx(bound / math.sqrt(3), rel=0.05)
    assert abs(values.mean()) < 0.05 * bound
    assert [n for n, _ in getattr(nn, name)(3, 4, bias=False).named_parameters()] == \
        ["weight_ih_l0", "weight_hh_l0"]
    tg.manual_seed(5)
    a = getattr(nn, name)(3, 4)
    tg.manual_seed(5)
    b = getattr(nn, name)(3, 4)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.data, q.data)


def test_cell_parameter_names_and_bias_false():
    cell = nn.LSTMCell(3, 4, bias=False)
    assert [(n, p.shape) for n, p in cell.named_parameters()] == [("weight_ih", (16, 3)),
                                                                  ("weight_hh", (16, 4))]
    assert cell.bias_ih is None and cell.bias_hh is None
    assert [(n, p.shape) for n, p in nn.GRUCell(3, 4).named_parameters()] == [
        ("weight_ih", (12, 3)), ("weight_hh", (12, 4)), ("bias_ih", (12,)), ("bias_hh", (12,))]


def test_dropout_between_layers():
    rnn = make_layer("GRU", 3, 4, num_layers=2, dropout=1.0)
    x = leaf(np.random.default_rng(14).standard_normal((4, 2, 3)))
    rnn.eval()
    y_eval, _ = rnn(x)
    no_dropout = make_layer("GRU", 3, 4, num_layers=2)
    no_dropout.load_state_dict(rnn.state_dict())
    np.testing.assert_array_equal(y_eval.data, no_dropout(x)[0].data)  # eval: no dropout
    rnn.train()
    y_train, h_n = rnn(x)
    # dropout=1 zeroes every input of layer 1: its outputs are those of a one-layer GRU
    # with layer 1's weights on a zero sequence; layer 0 is untouched.
    top = make_layer("GRU", 4, 4)
    top.load_state_dict({k.replace("l1", "l0"): v for k, v in rnn.state_dict().items()
                         if k.endswith("l1")})
    y_zero, _ = top(tg.zeros(4, 2, 4, dtype=F64))
    np.testing.assert_allclose(y_train.data, y_zero.data, rtol=1e-14)
    np.testing.assert_allclose(h_n.data[0], no_dropout(x)[1].data[0], rtol=1e-14)
    # with p = 0.5 a training pass differs from the evaluation one, and gradients flow
    rnn.dropout = 0.5
    y_half, _ = rnn(x)
    assert not np.allclose(y_half.data, y_eval.data)
    y_half.sum().backward()
    assert x.grad is not None and np.abs(x.grad.data).sum() > 0


def test_dropout_with_one_layer_warns_as_torch():
    with pytest.warns(UserWarning, match="dropout=0.3 does nothing with num_layers=1"):
        nn.LSTM(2, 3, dropout=0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.LSTM(2, 3, num_layers=2, dropout=0.3)


# --- errors ---


def test_errors_name_the_bad_value():
    with pytest.raises(ValueError, match="nonlinearity must be 'tanh' or 'relu', got 'sigmoid'"):
        nn.RNNCell(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="nonlinearity must be 'tanh' or 'relu', got 'gelu'"):
        nn.RNN(3, 4, nonlinearity="gelu")
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\], got 1.5"):
        nn.GRU(3, 4, num_layers=2, dropout=1.5)
    with pytest.raises(TypeError, match=r"dropout must be a number in \[0, 1\], got 'a'"):
        nn.GRU(3, 4, dropout="a")
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match=f"hidden_size must be an int >= 1, got {bad}"):
            nn.LSTM(3, bad)
    with pytest.raises(ValueError, match="num_layers must be an int >= 1, got 0"):
        nn.RNN(3, 4, num_layers=0)

    cell, lstm_cell = nn.RNNCell(3, 4), nn.LSTMCell(3, 4)
    with pytest.raises(ValueError, match=r"RNNCell: expected input of shape \(N, 3\) or \(3,\) "
                                         r".*got shape \(2, 5\)"):
        cell(tg.zeros(2, 5))
    with pytest.raises(ValueError, match=r"got shape \(1, 2, 3\)"):
        cell(tg.zeros(1, 2, 3))
    with pytest.raises(ValueError, match=r"RNNCell: expected hx of shape \(2, 4\), got shape "
                                         r"\(3, 4\)"):
        cell(tg.zeros(2, 3), tg.zeros(3, 4))
    with pytest.raises(ValueError, match=r"expected hx of shape \(4,\), got shape \(1, 4\)"):
        cell(tg.zeros(3), tg.zeros(1, 4))
    with pytest.raises(ValueError, match=r"LSTMCell: expected c of shape \(2, 4\), got shape "
                                         r"\(2, 5\)"):
        lstm_cell(tg.zeros(2, 3), (tg.zeros(2, 4), tg.zeros(2, 5)))
    with pytest.raises(ValueError, match="LSTMCell: hx must be a pair \\(h, c\\), got Tensor"):
        lstm_cell(tg.zeros(2, 3), tg.zeros(2, 4))

    rnn, lstm = nn.GRU(3, 4, num_layers=2), nn.LSTM(3, 4, batch_first=True)
    with pytest.raises(ValueError, match=r"GRU: the input's last axis must have input_size=3 "
                                         r"values, got input of shape \(5, 2, 4\)"):
        rnn(tg.zeros(5, 2, 4))
    with pytest.raises(ValueError, match=r"GRU: expected input of shape \(T, N, I\) or "
                                         r"unbatched \(T, I\).*got shape \(3,\)"):
        rnn(tg.zeros(3))
    with pytest.raises(ValueError, match=r"LSTM: expected input of shape \(N, T, I\)"):
        lstm(tg.zeros(1, 2, 3, 3))
    with pytest.raises(ValueError, match=r"GRU: expected hx of shape \(2, 2, 4\), got shape "
                                         r"\(1, 2, 4\)"):
        rnn(tg.zeros(5, 2, 3), tg.zeros(1, 2, 4))
    with pytest.raises(ValueError, match=r"GRU: expected hx of shape \(2, 4\), got shape "
                                         r"\(2, 1, 4\)"):
        rnn(tg.zeros(5, 3), tg.zeros(2, 1, 4))
    with pytest.raises(ValueError, match=r"LSTM: expected c_0 of shape \(1, 2, 4\), got shape "
                                         r"\(1, 3, 4\)"):
        lstm(tg.zeros(2, 5, 3), (tg.zeros(1, 2, 4), tg.zeros(1, 3, 4)))
    with pytest.raises(ValueError, match=r"LSTM: hx must be a pair \(h_0, c_0\), got Tensor"):
        lstm(tg.zeros(2, 5, 3), tg.zeros(1, 2, 4))
    with pytest.raises(ValueError, match=r"GRU: the input sequence is empty"):
        rnn(tg.zeros(0, 2, 3))
