"""PyTorch as the oracle for tg.nn: identical weights, then forward values and the
gradients of the input and of every parameter must agree (float64), for every layer and
loss; also BatchNorm's running statistics, second-order gradients, clip_grad_norm_,
init gains, state_dict keys and repr."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import nn
import tinygrad_edu.nn.functional as F

torch = pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")
torch.set_num_threads(1)

F64 = np.float64
RTOL, ATOL = 1e-9, 1e-11


def copy_params(ours, theirs):
    """Give the torch module our parameter values (matching by name)."""
    ours_params = dict(ours.named_parameters())
    with torch.no_grad():
        for name, p in theirs.named_parameters():
            p.copy_(torch.from_numpy(ours_params[name].data))
    assert set(ours_params) == {n for n, _ in theirs.named_parameters()}


def compare(ours, theirs, inputs, grad_inputs=(0,), seed=0):
    """Run both on the same inputs with the same random output gradient; compare
    the output, the gradients of inputs[i] for i in grad_inputs and of every parameter."""
    tg_in = [tg.Tensor(a, requires_grad=i in grad_inputs) if a.dtype.kind == "f" else a
             for i, a in enumerate(inputs)]
    th_in = [torch.tensor(a, requires_grad=i in grad_inputs) for i, a in enumerate(inputs)]
    y = ours(*tg_in)
    y_t = theirs(*th_in)
    np.testing.assert_allclose(y.data, y_t.detach().numpy(), rtol=RTOL, atol=ATOL)
    g = np.random.default_rng(seed).standard_normal(y.shape)
    y.backward(g)
    y_t.backward(torch.tensor(g))
    for i in grad_inputs:
        np.testing.assert_allclose(tg_in[i].grad.data, th_in[i].grad.numpy(), rtol=RTOL, atol=ATOL,
                                   err_msg=f"gradient of input {i}")
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, theirs_params[name].grad.numpy(), rtol=RTOL,
                                   atol=ATOL, err_msg=f"gradient of {name}")


# --- layers ---


@given(batch=st.integers(1, 5), n_in=st.integers(1, 6), n_out=st.integers(1, 4),
       bias=st.booleans(), seed=st.integers(0, 2**16))
@settings(max_examples=15)
def test_linear(batch, n_in, n_out, bias, seed):
    tg.manual_seed(seed)
    ours = nn.Linear(n_in, n_out, bias=bias, dtype=F64)
    theirs = torch.nn.Linear(n_in, n_out, bias=bias, dtype=torch.float64)
    copy_params(ours, theirs)
    x = np.random.default_rng(seed).standard_normal((batch, n_in))
    compare(ours, theirs, [x], seed=seed)


@pytest.mark.parametrize("activation", ["ReLU", "Tanh", "Sigmoid"])
def test_mlp_sequential(activation):
    tg.manual_seed(0)
    ours = nn.Sequential(nn.Linear(5, 8, dtype=F64), getattr(nn, activation)(),
                         nn.Linear(8, 3, dtype=F64))
    theirs = torch.nn.Sequential(torch.nn.Linear(5, 8, dtype=torch.float64),
                                 getattr(torch.nn, activation)(),
                                 torch.nn.Linear(8, 3, dtype=torch.float64))
    copy_params(ours, theirs)
    compare(ours, theirs, [np.random.default_rng(1).standard_normal((7, 5))])


conv_cases = st.fixed_dictionaries({
    "n": st.integers(1, 3), "c": st.integers(1, 3), "o": st.integers(1, 4),
    "k": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "stride": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "padding": st.tuples(st.integers(0, 2), st.integers(0, 2)),
    "h": st.integers(3, 7), "w": st.integers(3, 7), "bias": st.booleans(),
    "seed": st.integers(0, 2**16)})


@given(case=conv_cases)
@settings(max_examples=20)
def test_conv2d(case):
    tg.manual_seed(case["seed"])
    args = (case["c"], case["o"], case["k"], case["stride"], case["padding"])
    ours = nn.Conv2d(*args, bias=case["bias"], dtype=F64)
    theirs = torch.nn.Conv2d(*args, bias=case["bias"], dtype=torch.float64)
    copy_params(ours, theirs)
    x = np.random.default_rng(case["seed"]).standard_normal(
        (case["n"], case["c"], case["h"], case["w"]))
    compare(ours, theirs, [x], seed=case["seed"])


@given(kernel=st.integers(1, 3), stride=st.integers(1, 3), padding=st.integers(0, 1),
       shape=st.tuples(st.integers(1, 2), st.integers(1, 3), st.integers(3, 6),
                       st.integers(3, 6)),
       seed=st.integers(0, 2**16), ties=st.booleans())
@settings(max_examples=25)
def test_max_pool2d(kernel, stride, padding, shape, seed, ties):
    padding = min(padding, kernel // 2)
    rng = np.random.default_rng(seed)
    # with ties: few distinct values, so the tie convention (first maximum) is compared too
    x = rng.integers(0, 3, shape).astype(F64) if ties else rng.standard_normal(shape)
    compare(nn.MaxPool2d(kernel, stride, padding), torch.nn.MaxPool2d(kernel, stride, padding),
            [x], seed=seed)


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5)])
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm1d_training_steps_then_eval(shape, momentum):
    rng = np.random.default_rng(0)
    ours = nn.BatchNorm1d(3, momentum=momentum, dtype=F64)
    theirs = torch.nn.BatchNorm1d(3, momentum=momentum, dtype=torch.float64)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor([0.5, 1.5, -1.0], dtype=torch.float64))
        theirs.bias.copy_(torch.tensor([0.1, -0.2, 0.3], dtype=torch.float64))
    ours.weight.data[...] = [0.5, 1.5, -1.0]
    ours.bias.data[...] = [0.1, -0.2, 0.3]
    for step in range(3):
        ours.zero_grad()
        theirs.zero_grad()
        compare(ours, theirs, [rng.standard_normal(shape) * 3 + 1], seed=step)
        np.testing.assert_allclose(ours.running_mean.data, theirs.running_mean.numpy(), rtol=RTOL)
        np.testing.assert_allclose(ours.running_var.data, theirs.running_var.numpy(), rtol=RTOL)
        assert int(ours.num_batches_tracked.data) == int(theirs.num_batches_tracked)
    ours.eval()
    theirs.eval()
    ours.zero_grad()
    theirs.zero_grad()
    compare(ours, theirs, [rng.standard_normal(shape)])


def test_embedding_with_repeated_indices():
    tg.manual_seed(0)
    ours = nn.Embedding(6, 4, dtype=F64)
    theirs = torch.nn.Embedding(6, 4, dtype=torch.float64)
    copy_params(ours, theirs)
    idx = np.array([[1, 5, 1], [0, 1, 5]])
    compare(ours, theirs, [idx], grad_inputs=())


def test_flatten_and_dropout_in_eval_mode():
    x = np.random.default_rng(0).standard_normal((2, 3, 2, 2))
    compare(nn.Flatten(), torch.nn.Flatten(), [x])
    compare(nn.Dropout(0.3).eval(), torch.nn.Dropout(0.3).eval(), [x])


def test_dropout_training_scale_matches_torch():
    # The masks come from different generators; what must agree is the rule: each
    # output is 0 or x / (1 - p).
    x = np.full(1000, 2.0)
    ours = nn.Dropout(0.25)(tg.Tensor(x)).data
    theirs = torch.nn.Dropout(0.25)(torch.tensor(x)).numpy()
    assert set(np.unique(ours)) == set(np.unique(theirs)) == {0.0, 2.0 / 0.75}


# --- losses ---


@given(n=st.integers(1, 5), c=st.integers(1, 5), reduction=st.sampled_from(["mean", "sum", "none"]),
       smoothing=st.sampled_from([0.0, 0.05, 0.3]), seed=st.integers(0, 2**16))
@settings(max_examples=25)
def test_cross_entropy_loss(n, c, reduction, smoothing, seed):
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((n, c)) * 3
    labels = rng.integers(0, c, n)
    compare(nn.CrossEntropyLoss(reduction=reduction, label_smoothing=smoothing),
            torch.nn.CrossEntropyLoss(reduction=reduction, label_smoothing=smoothing),
            [logits, labels], seed=seed)


@given(shape=st.sampled_from([(4,), (3, 2), (2, 2, 3)]), reduction=st.sampled_from(
    ["mean", "sum", "none"]), seed=st.integers(0, 2**16))
@settings(max_examples=20)
def test_bce_with_logits_and_mse_losses(shape, reduction, seed):
    rng = np.random.default_rng(seed)
    x, z = rng.standard_normal(shape) * 4, rng.uniform(0, 1, shape)
    compare(nn.BCEWithLogitsLoss(reduction=reduction),
            torch.nn.BCEWithLogitsLoss(reduction=reduction), [x, z], grad_inputs=(0, 1),
            seed=seed)
    compare(nn.MSELoss(reduction=reduction), torch.nn.MSELoss(reduction=reduction), [x, z],
            grad_inputs=(0, 1), seed=seed)


def test_bce_with_logits_extreme_logits():
    x = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    z = np.array([1.0, 0.0, 0.5, 1.0, 0.0])
    compare(nn.BCEWithLogitsLoss(reduction="none"), torch.nn.BCEWithLogitsLoss(reduction="none"),
            [x, z])


def test_float32_training_step_matches_torch():
    tg.manual_seed(3)
    ours = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3))
    theirs = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    copy_params(ours, theirs)
    rng = np.random.default_rng(0)
    x, labels = rng.standard_normal((8, 6)).astype(np.float32), rng.integers(0, 3, 8)
    loss = F.cross_entropy(ours(tg.Tensor(x)), labels)
    loss_t = torch.nn.functional.cross_entropy(theirs(torch.from_numpy(x)),
                                               torch.from_numpy(labels))
    loss.backward()
    loss_t.backward()
    assert loss.dtype == np.float32
    np.testing.assert_allclose(loss.data, loss_t.item(), rtol=1e-6)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert p.grad.dtype == np.float32
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-5, atol=1e-7, err_msg=name)


# --- second order ---


def test_hessian_vector_product_through_an_mlp_and_cross_entropy():
    tg.manual_seed(1)
    ours = nn.Sequential(nn.Linear(4, 6, dtype=F64), nn.Tanh(), nn.Linear(6, 3, dtype=F64))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 6, dtype=torch.float64), torch.nn.Tanh(),
                                 torch.nn.Linear(6, 3, dtype=torch.float64))
    copy_params(ours, theirs)
    rng = np.random.default_rng(2)
    x, labels = rng.standard_normal((5, 4)), rng.integers(0, 3, 5)
    params, params_t = list(ours.parameters()), list(theirs.parameters())
    vs = [rng.standard_normal(p.shape) for p in params]

    loss = F.cross_entropy(ours(tg.Tensor(x)), labels, label_smoothing=0.1)
    grads = tg.grad(loss, params, create_graph=True)
    dot = sum((g * v).sum() for g, v in zip(grads, vs))
    hvp = tg.grad(dot, params)

    loss_t = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(labels),
                                               label_smoothing=0.1)
    grads_t = torch.autograd.grad(loss_t, params_t, create_graph=True)
    dot_t = sum((g * torch.tensor(v)).sum() for g, v in zip(grads_t, vs))
    hvp_t = torch.autograd.grad(dot_t, params_t)
    for h, h_t in zip(hvp, hvp_t):
        np.testing.assert_allclose(h.data, h_t.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("stride, padding", [(1, 1), (2, 0)])
def test_conv2d_double_backward(stride, padding):
    tg.manual_seed(0)
    ours = nn.Conv2d(2, 3, 2, stride, padding, dtype=F64)
    theirs = torch.nn.Conv2d(2, 3, 2, stride, padding, dtype=torch.float64)
    copy_params(ours, theirs)
    x = np.random.default_rng(0).standard_normal((2, 2, 4, 4))
    xs, xs_t = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, y_t = ours(xs).tanh(), theirs(xs_t).tanh()
    gx, gw = tg.grad((y * y).sum(), [xs, ours.weight], create_graph=True)
    gx_t, gw_t = torch.autograd.grad((y_t * y_t).sum(), [xs_t, theirs.weight], create_graph=True)
    second = tg.grad((gx * gx).sum() + (gw * gw).sum(), [xs, ours.weight, ours.bias])
    second_t = torch.autograd.grad((gx_t * gx_t).sum() + (gw_t * gw_t).sum(),
                                   [xs_t, theirs.weight, theirs.bias])
    for a, b in zip(second, second_t):
        np.testing.assert_allclose(a.data, b.numpy(), rtol=1e-9, atol=1e-12)


# --- utilities, init, state dicts, repr ---


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.1, 100.0])
def test_clip_grad_norm(norm_type, max_norm):
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(s) for s in [(3, 4), (4,), (2, 2)]]
    ours = [nn.Parameter(np.zeros(g.shape)) for g in grads]
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for p, q, g in zip(ours, theirs, grads):
        p.grad = tg.Tensor(g)
        q.grad = torch.tensor(g)
    total = nn.utils.clip_grad_norm_(ours, max_norm, norm_type)
    total_t = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert float(total) == pytest.approx(float(total_t), rel=1e-12)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name, param", [("linear", None), ("relu", None), ("tanh", None),
                                         ("sigmoid", None), ("leaky_relu", None),
                                         ("leaky_relu", 0.2), ("selu", None), ("conv2d", None)])
def test_calculate_gain(name, param):
    assert nn.init.calculate_gain(name, param) == pytest.approx(
        torch.nn.init.calculate_gain(name, param), rel=1e-12)


def test_default_init_bounds_match_torchs():
    # PyTorch's default for Linear and Conv2d draws weight and bias from U(-b, b) with
    # b = 1/sqrt(fan_in). The draws differ (different generators), so check both
    # libraries' samples against that bound: inside it, reaching close to it, and with
    # the spread b/sqrt(3) of a uniform distribution.
    for ours, theirs, fan_in in [(nn.Linear(50, 400), torch.nn.Linear(50, 400), 50),
                                 (nn.Conv2d(3, 200, 3), torch.nn.Conv2d(3, 200, 3), 27)]:
        bound = 1 / np.sqrt(fan_in)
        for name, p in ours.named_parameters():
            q = dict(theirs.named_parameters())[name].detach().numpy()
            for sample in (p.data, q):
                assert np.abs(sample).max() <= bound * (1 + 1e-6)
                assert np.abs(sample).max() >= bound * 0.95
                assert sample.std() == pytest.approx(bound / np.sqrt(3), rel=0.1)


def test_state_dict_keys_match_torch_and_torch_weights_load():
    ours = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.BatchNorm1d(8),
                         nn.Linear(8, 3))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                                 torch.nn.BatchNorm1d(8), torch.nn.Linear(8, 3))
    theirs.train()(torch.randn(5, 1, 4, 4))  # move the running statistics off their init
    sd = theirs.state_dict()
    assert list(ours.state_dict()) == list(sd)
    ours.load_state_dict({k: v.numpy() for k, v in sd.items()})
    ours.eval()
    theirs.eval()
    x = np.random.default_rng(0).standard_normal((4, 1, 4, 4)).astype(np.float32)
    expected = theirs(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(ours(tg.Tensor(x)).data, expected, rtol=1e-5, atol=1e-6)


def test_repr_matches_torch():
    ours = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Flatten(),
                         nn.BatchNorm1d(8), nn.Linear(8, 2, bias=False), nn.Sigmoid(),
                         nn.Sequential(nn.Tanh(), nn.Embedding(5, 2)), nn.CrossEntropyLoss())
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(),
                                 torch.nn.Flatten(), torch.nn.BatchNorm1d(8),
                                 torch.nn.Linear(8, 2, bias=False), torch.nn.Sigmoid(),
                                 torch.nn.Sequential(torch.nn.Tanh(), torch.nn.Embedding(5, 2)),
                                 torch.nn.CrossEntropyLoss())
    assert repr(ours) == repr(theirs)
