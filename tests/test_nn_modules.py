"""nn.Module machinery: registration, naming, train/eval, zero_grad, state dicts, repr,
Parameter, weight initialisation (nn.init, Linear's default) and clip_grad_norm_."""
import copy
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import nn


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(3, 4)
        self.out = nn.Linear(4, 2)
        self.scale = 2.0  # a plain attribute: not registered

    def forward(self, x):
        return self.out(self.hidden(x).tanh()) * self.scale


class WithBuffers(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(np.ones(2, np.float32))
        self.register_buffer("count", tg.Tensor(np.zeros(2, np.float32)))
        self.register_buffer("scratch", tg.Tensor(np.zeros(3, np.float32)), persistent=False)


# --- Parameter ---


def test_parameter_is_a_float_leaf_that_requires_grad():
    p = nn.Parameter(np.arange(3.0))
    assert isinstance(p, tg.Tensor) and p.requires_grad and p.is_leaf
    assert p.dtype == np.float64
    frozen = nn.Parameter(np.zeros(2, np.float32), requires_grad=False)
    assert not frozen.requires_grad


def test_parameter_copies_its_data():
    data = np.zeros(3)
    p = nn.Parameter(data)
    data[0] = 5.0
    assert p.data[0] == 0.0


def test_parameter_refuses_integer_data():
    with pytest.raises(TypeError, match="floating point"):
        nn.Parameter(np.arange(3))


def test_ops_on_parameters_give_plain_tensors_and_gradients():
    p = nn.Parameter(np.array([1.0, 2.0]))
    y = (p * p).sum()
    assert type(y) is tg.Tensor
    y.backward()
    np.testing.assert_allclose(p.grad.data, 2 * p.data)


def test_parameter_repr_says_parameter():
    assert repr(nn.Parameter(np.zeros(2))).startswith("Parameter containing:\n")


# --- registration and naming ---


def test_attributes_register_parameters_and_modules_in_order():
    m = TwoLayer()
    names = [n for n, _ in m.named_parameters()]
    assert names == ["hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert [n for n, _ in m.named_children()] == ["hidden", "out"]
    assert list(m.parameters())[0] is m.hidden.weight
    assert m.scale == 2.0 and "scale" not in m._parameters


def test_sequential_and_modulelist_names_are_indices():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1)])

    assert [n for n, _ in nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
            .named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert [n for n, _ in Net().named_parameters()] == [
        "layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"]


def test_sequential_accepts_an_ordered_dict_and_slices():
    from collections import OrderedDict

    seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("act", nn.ReLU())]))
    assert [n for n, _ in seq.named_parameters()] == ["fc.weight", "fc.bias"]
    assert seq[0] is seq.fc and seq[-1] is seq.act and len(seq) == 2
    head = seq[:1]
    assert isinstance(head, nn.Sequential) and list(head) == [seq.fc]
    with pytest.raises(IndexError, match="out of range"):
        seq[2]


def test_sequential_forward_composes_in_order():
    tg.set_default_dtype(np.float64)
    try:
        a, b = nn.Linear(3, 4), nn.Linear(4, 2)
    finally:
        tg.set_default_dtype(np.float32)
    x = np.random.default_rng(0).standard_normal((5, 3))
    expected = np.tanh(x @ a.weight.data.T + a.bias.data) @ b.weight.data.T + b.bias.data
    np.testing.assert_allclose(nn.Sequential(a, nn.Tanh(), b)(tg.Tensor(x)).data, expected)


def test_modulelist_behaves_like_a_list():
    ml = nn.ModuleList()
    first, second, third = nn.Linear(1, 1), nn.Linear(1, 2), nn.Linear(2, 2)
    ml.append(first)
    ml += [second]
    ml.insert(0, third)
    assert list(ml) == [third, first, second] and len(ml) == 3
    assert [n for n, _ in ml.named_children()] == ["0", "1", "2"]
    del ml[0]
    assert list(ml) == [first, second]
    assert [n for n, _ in ml.named_parameters()][:2] == ["0.weight", "0.bias"]
    ml[1] = third
    assert ml[1] is third and ml[-1] is third
    with pytest.raises(TypeError, match="not a Module"):
        ml.append("relu")


def test_shared_parameter_is_listed_once():
    a = nn.Linear(2, 2)
    seq = nn.Sequential(a, nn.Tanh(), a)
    assert len(list(seq.parameters())) == 2
    assert len(list(seq.modules())) == 3  # seq, a, Tanh: the shared module once
    assert [type(c).__name__ for c in seq.children()] == ["Linear", "Tanh"]
    visited = []
    seq.apply(visited.append)  # an in-place init must not hit a shared layer twice
    assert visited == [a, seq[1], seq]


def test_reassigning_and_deleting_update_the_registry():
    m = TwoLayer()
    m.out = nn.Linear(4, 5)  # a new module under the same name
    assert m.out.out_features == 5
    assert [n for n, _ in m.named_parameters()][-2:] == ["out.weight", "out.bias"]
    m.hidden.bias = None  # a declared but absent parameter
    assert "hidden.bias" not in dict(m.named_parameters())
    del m.out
    assert [n for n, _ in m.named_parameters()] == ["hidden.weight"]
    with pytest.raises(TypeError, match="parameter 'weight'"):
        m.hidden.weight = tg.Tensor(np.zeros((4, 3)))


def test_assigning_before_init_is_an_error():
    class Forgot(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match="Module.__init__"):
        Forgot()


def test_buffers_are_in_state_dict_but_not_parameters():
    m = WithBuffers()
    assert [n for n, _ in m.named_parameters()] == ["w"]
    assert [n for n, _ in m.named_buffers()] == ["count", "scratch"]
    assert list(m.state_dict()) == ["w", "count"]  # scratch is not persistent


# --- modes and gradients ---


def test_train_and_eval_set_the_flag_on_the_whole_tree():
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(0.5), nn.ReLU()))
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad_sets_none_or_fresh_zeros():
    m = TwoLayer()
    m(tg.randn(5, 3)).sum().backward()
    old = m.hidden.weight.grad.data.copy()
    grad_array = m.hidden.weight.grad.data
    m.zero_grad(set_to_none=False)
    assert all(np.all(p.grad.data == 0) for p in m.parameters())
    np.testing.assert_array_equal(grad_array, old)  # rebound, not zeroed in place
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())


def test_requires_grad_false_freezes():
    m = TwoLayer().requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())
    assert not m(tg.randn(2, 3)).requires_grad


def test_deepcopy_gives_an_independent_model():
    m = TwoLayer()
    clone = copy.deepcopy(m)
    clone.hidden.weight.data[...] = 0
    assert not np.all(m.hidden.weight.data == 0)
    assert [n for n, _ in clone.named_parameters()] == [n for n, _ in m.named_parameters()]


def test_double_and_float_cast_parameters_and_buffers_in_place():
    m = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    weight = m[0].weight
    values = weight.data.astype(np.float64)
    assert m.double() is m
    assert m[0].weight is weight and weight.dtype == np.float64
    np.testing.assert_array_equal(weight.data, values)
    assert m[1].running_var.dtype == np.float64
    assert m[1].num_batches_tracked.dtype == np.int64  # integer buffers keep their dtype
    assert m(tg.Tensor(np.ones((4, 2)))).dtype == np.float64
    assert m.float()[0].bias.dtype == np.float32
    with pytest.raises(TypeError, match="floating point dtype, got int32"):
        m.to(np.int32)


# --- state dict ---


def test_state_dict_is_a_snapshot_in_torch_order():
    m = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    sd = m.state_dict()
    assert list(sd) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                        "1.running_var", "1.num_batches_tracked"]
    before = sd["0.weight"].data.copy()
    m[0].weight.data += 1.0
    np.testing.assert_array_equal(sd["0.weight"].data, before)


def test_load_state_dict_round_trip_copies_into_existing_arrays():
    tg.manual_seed(0)
    a, b = TwoLayer(), TwoLayer()
    weight_array = b.hidden.weight.data
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert b.hidden.weight.data is weight_array  # same array, new values
    for (_, pa), (_, pb) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(pa.data, pb.data)
    x = tg.randn(4, 3)
    np.testing.assert_array_equal(a(x).data, b(x).data)


def test_load_state_dict_keeps_the_dtype_and_accepts_arrays():
    m = nn.Linear(2, 1)
    sd = {"weight": np.array([[1.0, 2.0]], np.float64), "bias": np.array([0.5])}
    m.load_state_dict(sd)
    assert m.weight.dtype == np.float32
    np.testing.assert_array_equal(m.weight.data, [[1.0, 2.0]])


def test_load_state_dict_missing_and_unexpected_keys():
    m = nn.Linear(2, 1)
    with pytest.raises(RuntimeError, match=r"missing key\(s\).*'bias'"):
        m.load_state_dict({"weight": np.zeros((1, 2))})
    with pytest.raises(RuntimeError, match=r"unexpected key\(s\).*'extra'"):
        m.load_state_dict({"weight": np.zeros((1, 2)), "bias": np.zeros(1), "extra": 1.0})
    result = m.load_state_dict({"weight": np.ones((1, 2)), "extra": 1.0}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(m.weight.data, [[1.0, 1.0]])


def test_load_state_dict_shape_mismatch_names_key_and_shapes_and_changes_nothing():
    m = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    before = [p.data.copy() for p in m.parameters()]
    sd = m.state_dict()
    sd["0.bias"] = tg.Tensor(np.full(3, 7.0, np.float32))  # fits
    sd["1.weight"] = tg.Tensor(np.zeros((2, 3), np.float32))  # does not
    for strict in (True, False):
        with pytest.raises(RuntimeError, match=r"'1\.weight'.*\(2, 3\).*\(1, 3\)"):
            m.load_state_dict(sd, strict=strict)
    for p, old in zip(m.parameters(), before):
        np.testing.assert_array_equal(p.data, old)


def test_batchnorm_buffers_round_trip():
    bn = nn.BatchNorm1d(3)
    bn(tg.randn(8, 3))
    fresh = nn.BatchNorm1d(3)
    fresh.load_state_dict(bn.state_dict())
    np.testing.assert_array_equal(fresh.running_mean.data, bn.running_mean.data)
    assert int(fresh.num_batches_tracked.data) == 1


# --- repr ---


def test_repr_nests_like_torch():
    net = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Sequential(nn.Linear(16, 1, bias=False)))
    assert repr(net).splitlines() == [
        "Sequential(",
        "  (0): Linear(in_features=2, out_features=16, bias=True)",
        "  (1): Tanh()",
        "  (2): Sequential(",
        "    (0): Linear(in_features=16, out_features=1, bias=False)",
        "  )",
        ")",
    ]


def test_repr_of_a_custom_module_lists_children():
    text = repr(TwoLayer())
    assert text.startswith("TwoLayer(\n") and "(hidden): Linear(in_features=3" in text


# --- initialisation ---


def test_linear_default_init_is_uniform_within_one_over_sqrt_fan_in():
    tg.manual_seed(1)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = layer.weight.data, layer.bias.data
    assert w.shape == (300, 400) and b.shape == (300,) and w.dtype == np.float32
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # U(-a, a): mean 0, variance a**2 / 3; 120 000 draws pin them to within 5 standard errors
    n = w.size
    assert abs(w.mean()) < 5 * bound / math.sqrt(3 * n)
    assert abs(w.var() - bound ** 2 / 3) < 5 * bound ** 2 * math.sqrt(4 / 45 / n)


def test_manual_seed_makes_init_reproducible():
    tg.manual_seed(7)
    a = nn.Linear(5, 4)
    tg.manual_seed(7)
    b = nn.Linear(5, 4)
    c = nn.Linear(5, 4)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    np.testing.assert_array_equal(a.bias.data, b.bias.data)
    assert not np.array_equal(b.weight.data, c.weight.data)


def test_linear_dtype_and_argument_errors():
    assert nn.Linear(2, 2, dtype=np.float64).weight.dtype == np.float64
    with pytest.raises(ValueError, match="in_features must be an int >= 1, got 0"):
        nn.Linear(0, 2)
    with pytest.raises(TypeError, match="floating point dtype"):
        nn.Linear(2, 2, dtype=np.int32)


@pytest.mark.parametrize("name, gain", [
    ("linear", 1.0), ("sigmoid", 1.0), ("conv2d", 1.0), ("tanh", 5 / 3),
    ("relu", math.sqrt(2)), ("selu", 0.75), ("leaky_relu", math.sqrt(2 / (1 + 0.01 ** 2)))])
def test_calculate_gain(name, gain):
    assert nn.init.calculate_gain(name) == pytest.approx(gain)


def test_calculate_gain_errors():
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        nn.init.calculate_gain("swish")


@given(fan_out=st.integers(1, 40), fan_in=st.integers(1, 40), k=st.integers(1, 3))
@settings(max_examples=15)
def test_uniform_inits_stay_within_their_bounds(fan_out, fan_in, k):
    w = tg.zeros(fan_out, fan_in, k, k, dtype=np.float64)
    receptive = k * k
    xavier = math.sqrt(6 / (fan_in * receptive + fan_out * receptive))
    assert nn.init.xavier_uniform_(w) is w
    assert np.abs(w.data).max() <= xavier and np.any(w.data != 0)
    kaiming = math.sqrt(3) * math.sqrt(2) / math.sqrt(fan_in * receptive)
    nn.init.kaiming_uniform_(w, nonlinearity="relu")
    assert np.abs(w.data).max() <= kaiming
    fan_out_bound = math.sqrt(3) * math.sqrt(2) / math.sqrt(fan_out * receptive)
    nn.init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu")
    assert np.abs(w.data).max() <= fan_out_bound


def test_normal_and_constant_inits():
    tg.manual_seed(3)
    w = tg.zeros(200, 300)
    nn.init.normal_(w, mean=1.0, std=0.5)
    n = w.size
    assert abs(w.data.mean() - 1.0) < 5 * 0.5 / math.sqrt(n)
    assert abs(w.data.std() - 0.5) < 5 * 0.5 / math.sqrt(2 * n)
    assert nn.init.zeros_(w) is w and np.all(w.data == 0)
    nn.init.ones_(w)
    assert np.all(w.data == 1) and w.dtype == np.float32


def test_init_errors():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        nn.init.xavier_uniform_(tg.zeros(3))
    with pytest.raises(ValueError, match="mode must be"):
        nn.init.kaiming_uniform_(tg.zeros(2, 2), mode="fan_avg")
    with pytest.raises(TypeError, match="floating point"):
        nn.init.zeros_(tg.Tensor(np.arange(3)))


def test_init_records_no_graph():
    p = nn.Parameter(np.zeros((2, 2)))
    nn.init.normal_(p)
    assert p.is_leaf and p.requires_grad and p.grad is None


# --- gradient clipping ---


def _params_with_grads(rng, shapes):
    params = []
    for shape in shapes:
        p = nn.Parameter(rng.standard_normal(shape))
        p.grad = tg.Tensor(rng.standard_normal(shape))
        params.append(p)
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
def test_clip_grad_norm_rescales_to_max_norm(norm_type):
    rng = np.random.default_rng(0)
    params = _params_with_grads(rng, [(3, 2), (4,), ()])
    grads = [p.grad.data.copy() for p in params]
    flat = np.concatenate([g.ravel() for g in grads])
    expected = np.max(np.abs(flat)) if norm_type == math.inf else \
        np.sum(np.abs(flat) ** norm_type) ** (1 / norm_type)
    total = nn.utils.clip_grad_norm_(params, max_norm=0.5, norm_type=norm_type)
    assert float(total) == pytest.approx(expected)
    coef = 0.5 / (expected + 1e-6)
    for p, g in zip(params, grads):
        np.testing.assert_allclose(p.grad.data, g * coef)


def test_clip_grad_norm_rebinds_and_leaves_small_gradients():
    rng = np.random.default_rng(1)
    params = _params_with_grads(rng, [(5,)])
    old = params[0].grad.data
    kept = old.copy()
    nn.utils.clip_grad_norm_(params, max_norm=1e-3)
    np.testing.assert_array_equal(old, kept)  # the old array is untouched
    assert params[0].grad.data is not old
    small = _params_with_grads(rng, [(5,)])
    before = small[0].grad.data.copy()
    total = nn.utils.clip_grad_norm_(small, max_norm=1e6)
    np.testing.assert_array_equal(small[0].grad.data, before)
    assert float(total) == pytest.approx(np.linalg.norm(before))


def test_clip_grad_norm_skips_missing_grads_and_checks_arguments():
    p = nn.Parameter(np.ones(3))
    assert float(nn.utils.clip_grad_norm_([p], 1.0)) == 0.0
    with pytest.raises(ValueError, match="max_norm must be >= 0, got -1"):
        nn.utils.clip_grad_norm_([p], -1)
    p.grad = tg.Tensor(np.array([np.inf, 0.0, 0.0]))
    with pytest.raises(RuntimeError, match="inf"):
        nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)


def test_clip_grad_value():
    p = nn.Parameter(np.zeros(4))
    p.grad = tg.Tensor(np.array([-3.0, -0.5, 0.5, 3.0]))
    nn.utils.clip_grad_value_([p], 1.0)
    np.testing.assert_array_equal(p.grad.data, [-1.0, -0.5, 0.5, 1.0])
