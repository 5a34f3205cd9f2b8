"""PyTorch model code on tinygrad_edu: dim=/axis= in nn (softmax, normalize, Flatten,
Unflatten), every loss's reduction and the refused size_average/reduce, Module.to's forms
and the CPU-only devices, the Module tree API and containers, optimizers over frozen
parameters and generators, and nn.LazyLinear. PyTorch is the oracle (same weights, same
inputs), with Hypothesis gradchecks in float64 and the errors checked by message."""
import copy
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
from tinygrad_edu import nn
import tinygrad_edu.nn.functional as F
from strategies import reals

F64 = np.float64
RTOL, ATOL = 1e-10, 1e-12


def torch_or_skip():
    torch = pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")
    torch.set_num_threads(1)
    return torch


def leaf(a):
    return tg.Tensor(np.asarray(a, F64), requires_grad=True)


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def close(ours, theirs, rtol=RTOL, atol=ATOL, what=""):
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    np.testing.assert_allclose(np.asarray(ours.data if isinstance(ours, tg.Tensor) else ours),
                               theirs, rtol=rtol, atol=atol, err_msg=what)


def forward_and_grad(ours, theirs, x, seed=1):
    """ours(x) and theirs(x) agree, and so do the input gradients for a random v."""
    torch = torch_or_skip()
    xt, xs = leaf(x), torch.tensor(x, requires_grad=True)
    y, y_t = ours(xt), theirs(xs)
    close(y, y_t, what="forward")
    assert y.shape == tuple(y_t.shape)
    v = rand(*y.shape, seed=seed)
    y.backward(v)
    y_t.backward(torch.tensor(v))
    close(xt.grad, xs.grad, what="input gradient")


# --- softmax and log_softmax: dim=, axis=, by position, PyTorch's implicit choice ---


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape, axis", [((5,), 0), ((3, 4), 1), ((3, 4), 0), ((2, 3, 4), 1),
                                         ((2, 3, 4), -1), ((2, 1, 3, 2), 2)])
def test_softmax_dim_axis_and_position_give_torchs_result(name, shape, axis):
    torch = torch_or_skip()
    ours, theirs = getattr(F, name), getattr(torch.nn.functional, name)
    x = rand(*shape)
    for call in (lambda x: ours(x, axis), lambda x: ours(x, dim=axis),
                 lambda x: ours(x, axis=axis)):
        forward_and_grad(call, lambda x: theirs(x, axis), x)
    module = {"softmax": nn.Softmax, "log_softmax": nn.LogSoftmax}[name]
    torch_module = getattr(torch.nn, module.__name__)
    for layer in (module(axis), module(dim=axis), module(axis=axis)):
        forward_and_grad(layer, torch_module(dim=axis), x)
        assert repr(layer) == repr(torch_module(dim=axis))
        assert layer.dim == layer.axis == axis


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape", [(), (4,), (3, 4), (1, 5)])
def test_softmax_without_dim_is_torchs_implicit_choice_up_to_2d(name, shape):
    torch = torch_or_skip()
    theirs = getattr(torch.nn.functional, name)
    x = rand(*shape) if shape else np.float64(0.7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch: "implicit dimension choice"
        forward_and_grad(getattr(F, name), theirs, x)
        module = {"softmax": nn.Softmax, "log_softmax": nn.LogSoftmax}[name]
        forward_and_grad(module(), getattr(torch.nn, module.__name__)(), x)
    assert repr(module()) == repr(getattr(torch.nn, module.__name__)())  # "...(dim=None)"


@pytest.mark.parametrize("shape, torch_dim", [((2, 3, 4), 0), ((2, 3, 4, 5), 1)])
def test_softmax_without_dim_beyond_2d_raises_naming_both_choices(shape, torch_dim):
    # PyTorch's legacy choice is not the last axis there: raise rather than guess.
    x = tg.Tensor(rand(*shape))
    message = (rf"give the axis for a {len(shape)}-D input: without one, PyTorch picks "
               rf"dim={torch_dim} \(deprecated\), NumPy's habit the last axis")
    for call in (F.softmax, F.log_softmax, nn.Softmax(), nn.LogSoftmax()):
        with pytest.raises(TypeError, match=message):
            call(x)


def test_softmax_argument_conflicts_raise():
    x = tg.Tensor(rand(2, 3))
    for fn in (F.softmax, F.log_softmax):
        with pytest.raises(TypeError, match="axis= and dim= are the same argument"):
            fn(x, dim=1, axis=1)
        with pytest.raises(TypeError, match="axis= and dim= are the same argument"):
            fn(x, 0, axis=1)
        with pytest.raises(TypeError, match="axis must be an int, got None; for a softmax over "
                                            "all elements reshape to 1-D first"):
            fn(x, axis=None)
        with pytest.raises(TypeError, match="dim must be an int, got 1.0"):
            fn(x, 1.0)
        with pytest.raises(TypeError, match="dtype must be a floating point dtype, got int32"):
            fn(x, 1, dtype=np.int32)
    with pytest.raises(TypeError, match="Softmax: axis= and dim= are the same argument"):
        nn.Softmax(1, axis=0)
    with pytest.raises(TypeError, match="LogSoftmax: axis must be an int, got None"):
        nn.LogSoftmax(axis=None)


def test_softmax_dtype_casts_first_as_torch():
    torch = torch_or_skip()
    x = rand(3, 4).astype(np.float32)
    y = F.softmax(tg.Tensor(x), dim=1, dtype=np.float64)
    y_t = torch.nn.functional.softmax(torch.tensor(x), dim=1, dtype=torch.float64)
    assert y.dtype == np.float64
    close(y, y_t)
    assert F.log_softmax(tg.Tensor(x), 1, dtype=tg.float64).dtype == np.float64


@given(x=hnp.arrays(F64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
                    elements=reals(-3, 3)), data=st.data())
@settings(max_examples=15)
def test_softmax_with_dim_gradcheck(x, data):
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    tg.gradcheck(lambda x: F.softmax(x, dim=dim) * F.log_softmax(x, dim), [leaf(x)])


# --- F.normalize ---


@pytest.mark.parametrize("shape, kwargs", [
    ((3, 4), {}), ((3, 4), {"dim": 0}), ((3, 4), {"axis": 0}), ((2, 3, 4), {"dim": -1}),
    ((2, 3, 4), {"dim": (1, 2)}), ((3, 4), {"p": 1, "dim": 1}), ((3, 4), {"dim": None}),
    ((3, 4), {"p": float("inf")}), ((5,), {"dim": 0, "eps": 1e-3})])
def test_normalize_matches_torch(shape, kwargs):
    torch = torch_or_skip()
    x = rand(*shape)
    x[0] = 0.0  # a zero slice: divided by eps, gradient finite (the norm's is 0 at 0)
    theirs = dict(kwargs)
    if "axis" in theirs:
        theirs["dim"] = theirs.pop("axis")
    forward_and_grad(lambda x: F.normalize(x, **kwargs),
                     lambda x: torch.nn.functional.normalize(x, **theirs), x)


@given(x=hnp.arrays(F64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
                    elements=reals(-3, 3)), data=st.data())
@settings(max_examples=15)
def test_normalize_gradcheck_and_unit_norm(x, data):
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    x = x + np.sign(x) + (x == 0)  # every slice away from the zero vector (the eps kink)
    y = F.normalize(leaf(x), dim=dim)
    np.testing.assert_allclose(np.sqrt((y.data ** 2).sum(axis=dim)), 1.0, rtol=1e-12)
    tg.gradcheck(lambda x: F.normalize(x, 2, dim), [leaf(x)])


def test_normalize_errors():
    x = tg.Tensor(rand(2, 3))
    with pytest.raises(TypeError, match="normalize: axis= and dim= are the same argument"):
        F.normalize(x, dim=0, axis=1)
    with pytest.raises(TypeError, match="normalize: out= is not supported"):
        F.normalize(x, out=x)
    with pytest.raises(ValueError, match="normalize: eps must be > 0"):
        F.normalize(x, eps=0)


# --- Flatten and Unflatten, against torch ---


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4), (2, 0, 3), (1, 2, 1, 3)])
@pytest.mark.parametrize("start, end", [(1, -1), (0, 1), (0, -1), (-2, -1), (1, 1), (2, 1),
                                        (-1, 0), (0, 0), (-1, -1), (1, 2)])
def test_flatten_matches_torch_or_both_raise(shape, start, end):
    torch = torch_or_skip()
    x = rand(*shape) if shape else np.float64(1.5)
    try:
        expected = torch.nn.Flatten(start, end)(torch.tensor(x))
    except (IndexError, RuntimeError):
        with pytest.raises(ValueError, match="Flatten: "):
            nn.Flatten(start, end)(tg.Tensor(x))
        return
    forward_and_grad(nn.Flatten(start, end), torch.nn.Flatten(start, end), x)
    assert nn.Flatten(start, end)(tg.Tensor(x)).shape == tuple(expected.shape)
    assert repr(nn.Flatten(start, end)) == repr(torch.nn.Flatten(start, end))


@pytest.mark.parametrize("shape, dim, sizes", [((2, 6), 1, (2, 3)), ((2, 6), -1, (3, -1)),
                                               ((6,), 0, [1, 6]), ((4, 6, 5), 1, (2, 1, 3)),
                                               ((12, 2), 0, (-1, 2, 3))])
def test_unflatten_matches_torch(shape, dim, sizes):
    torch = torch_or_skip()
    forward_and_grad(nn.Unflatten(dim, sizes), torch.nn.Unflatten(dim, sizes), rand(*shape))
    assert repr(nn.Unflatten(dim, tuple(sizes))) == repr(torch.nn.Unflatten(dim, tuple(sizes)))
    start = dim if dim >= 0 else dim - len(sizes) + 1
    flat = nn.Flatten(start, start + len(sizes) - 1 if dim >= 0 else -1)
    x = tg.Tensor(rand(*shape))
    np.testing.assert_array_equal(flat(nn.Unflatten(dim, sizes)(x)).data, x.data)


def test_unflatten_errors():
    with pytest.raises(ValueError, match=r"Unflatten: sizes \(4, 2\) do not fill axis 1 of "
                                         r"size 6 \(input shape \(2, 6\)\)"):
        nn.Unflatten(1, (4, 2))(tg.zeros(2, 6))
    with pytest.raises(ValueError, match=r"sizes \(4, -1\) do not fill axis 1 of size 6"):
        nn.Unflatten(1, (4, -1))(tg.zeros(2, 6))
    with pytest.raises(ValueError, match="at most one size may be -1"):
        nn.Unflatten(1, (-1, -1))
    with pytest.raises(TypeError, match="unflattened_size must be a non-empty tuple or list"):
        nn.Unflatten(1, 6)


# --- losses: reduction on every loss, size_average/reduce refused ---


def _loss_cases(torch):
    """(ours, theirs, input, target, kwargs): every loss with an input of its domain."""
    rng = np.random.default_rng(3)
    x, z = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    p, b = rng.uniform(0.1, 0.9, (4, 3)), rng.uniform(0, 1, (4, 3))
    labels = np.array([0, 2, 1, 2])
    return [("MSELoss", x, z, {}), ("L1Loss", x, z, {}), ("SmoothL1Loss", x, z, {"beta": 0.5}),
            ("HuberLoss", x, z, {"delta": 0.7}), ("CrossEntropyLoss", x, labels, {}),
            ("NLLLoss", x, labels, {}), ("BCELoss", p, b, {}), ("BCEWithLogitsLoss", x, b, {})]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("index", range(8))
def test_every_loss_reduction_matches_torch(reduction, index):
    torch = torch_or_skip()
    name, x, target, kwargs = _loss_cases(torch)[index]
    ours = getattr(nn, name)(reduction=reduction, **kwargs)
    theirs = getattr(torch.nn, name)(reduction=reduction, **kwargs)
    target_t = torch.tensor(target)
    forward_and_grad(lambda x: ours(x, target), lambda x: theirs(x, target_t), x)


def test_mse_loss_sum_trains_the_polynomial_tutorials_model_as_torch():
    # PyTorch's "polynomial" tutorial: Linear(3, 1) + Flatten(0, 1), MSELoss(reduction='sum').
    torch = torch_or_skip()
    x = np.linspace(-np.pi, np.pi, 2000)
    xx, y = x[:, None] ** np.array([1, 2, 3]), np.sin(x)
    ours = nn.Sequential(nn.Linear(3, 1, dtype=F64), nn.Flatten(0, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1)).double()
    with torch.no_grad():
        for (_, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
            q.copy_(torch.tensor(p.data))
    loss_fn, loss_fn_t = nn.MSELoss(reduction="sum"), torch.nn.MSELoss(reduction="sum")
    opt = tg.optim.SGD(ours.parameters(), lr=1e-6)
    opt_t = torch.optim.SGD(theirs.parameters(), lr=1e-6)
    for _ in range(20):
        loss, loss_t = loss_fn(ours(tg.Tensor(xx)), y), loss_fn_t(theirs(torch.tensor(xx)),
                                                                  torch.tensor(y))
        close(loss, loss_t, rtol=1e-9)
        ours.zero_grad(), theirs.zero_grad()
        loss.backward(), loss_t.backward()
        opt.step(), opt_t.step()
    for (_, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        close(p, q, rtol=1e-9)


_LEGACY = [(False, None), (True, None), (None, False), (None, True), (False, True),
           (True, False), (False, False)]


@pytest.mark.parametrize("size_average, reduce", _LEGACY)
def test_legacy_size_average_and_reduce_are_refused_naming_torchs_reduction(size_average,
                                                                           reduce):
    torch = torch_or_skip()
    meant = torch.nn._reduction.legacy_get_string(size_average, reduce, emit_warning=False)
    legacy = {k: v for k, v in (("size_average", size_average), ("reduce", reduce))
              if v is not None}
    message = (r"size_average and reduce are PyTorch's deprecated options .* write "
               rf"reduction='{meant}'")
    x, z = tg.Tensor(rand(3, 2)), tg.Tensor(rand(3, 2, seed=1))
    for name in ("MSELoss", "L1Loss", "SmoothL1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
                 "BCEWithLogitsLoss"):
        with pytest.raises(TypeError, match=f"{name}: {message}"):
            getattr(nn, name)(**legacy)
    for fn in (F.mse_loss, F.l1_loss, F.smooth_l1_loss, F.binary_cross_entropy_with_logits):
        with pytest.raises(TypeError, match=f"{fn.__name__}: {message}"):
            fn(x, z, **legacy)
    for fn in (F.cross_entropy, F.nll_loss):
        with pytest.raises(TypeError, match=f"{fn.__name__}: {message}"):
            fn(x, np.array([0, 1, 1]), **legacy)
    with pytest.raises(TypeError, match=f"binary_cross_entropy: {message}"):
        F.binary_cross_entropy(tg.Tensor(np.full((3, 2), 0.5)), np.ones((3, 2)), **legacy)


# --- Module.to, cpu, cuda ---


def _model():
    return nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Linear(3, 1))


@pytest.mark.parametrize("call, dtype", [
    (lambda m: m.to("cpu"), np.float32), (lambda m: m.to(tg.device("cpu")), np.float32),
    (lambda m: m.to("cpu:0"), np.float32), (lambda m: m.to(np.float64), np.float64),
    (lambda m: m.to(tg.float64), np.float64), (lambda m: m.to("cpu", tg.double), np.float64),
    (lambda m: m.to(tg.device("cpu"), np.float64), np.float64),
    (lambda m: m.to(dtype=np.float64), np.float64), (lambda m: m.to(device="cpu"), np.float32),
    (lambda m: m.to(device="cpu", dtype=np.float64), np.float64),
    (lambda m: m.to(tg.zeros(1, dtype=np.float64)), np.float64),
    (lambda m: m.to(np.float64, non_blocking=True), np.float64),
    (lambda m: m.to(np.float64, True), np.float64), (lambda m: m.to(), np.float32),
    (lambda m: m.cpu(), np.float32), (lambda m: m.double().to(tg.float32), np.float32)])
def test_module_to_takes_torchs_forms(call, dtype):
    model = _model()
    weight = model[0].weight
    assert call(model) is model
    assert model[0].weight is weight  # cast in place: an optimizer keeps its parameters
    assert all(p.dtype == dtype for p in model.parameters())
    assert model[1].running_mean.dtype == dtype
    assert model[1].num_batches_tracked.dtype == np.int64  # integer buffers keep theirs


@pytest.mark.parametrize("call, error, message", [
    (lambda m: m.to("cuda"), ValueError, "Module.to got device 'cuda', but tinygrad_edu runs "
                                         "on NumPy, on the CPU only"),
    (lambda m: m.to("cuda:0", np.float64), ValueError, "on the CPU only"),
    (lambda m: m.to(device="mps"), ValueError, "on the CPU only"),
    (lambda m: m.to("gpu"), ValueError, "unknown device 'gpu'; the only device here is 'cpu'"),
    (lambda m: m.cuda(), ValueError, r"Module.cuda: .* CPU only; drop the .cuda\(\) call"),
    (lambda m: m.to(np.int32), TypeError, "floating point dtype, got int32"),
    (lambda m: m.to(tg.zeros(1, dtype=np.int64)), TypeError, "floating point dtype, got int64"),
    (lambda m: m.to("cpu", "cpu"), TypeError, "Module.to got str, str; its forms are"),
    (lambda m: m.to(np.float64, np.float32), TypeError, "its forms are"),
    (lambda m: m.to(np.float64, dtype=np.float32), TypeError, "got the dtype twice"),
    (lambda m: m.to("cpu", device="cpu"), TypeError, "got the device twice"),
    (lambda m: m.to(memory_format=None), TypeError, "unexpected keyword 'memory_format'"),
    (lambda m: m.to("float64"), ValueError, "unknown device 'float64'")])
def test_module_to_refuses_other_devices_and_dtypes_before_changing_anything(call, error,
                                                                            message):
    model = _model()
    with pytest.raises(error, match=message):
        call(model)
    assert all(p.dtype == np.float32 for p in model.parameters())


# --- the Module tree, as torch's ---


def make_net(nn, ones):
    """The same model class on our nn (ones=tg.ones) or on torch.nn (ones=torch.ones)."""

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(3, 4), nn.ReLU(),
                                      nn.Sequential(nn.Linear(4, 4), nn.Tanh()))
            self.heads = nn.ModuleDict({"cls": nn.Linear(4, 2), "reg": nn.Linear(4, 1)})
            self.scales = nn.ParameterList([nn.Parameter(ones(2))])
            self.register_buffer("steps", ones(1))
            self.register_parameter("offset", None)

        def forward(self, x, head="cls", scale=True):
            out = self.heads[head](self.body(x))
            return out * self.scales[0] if scale and head == "cls" else out

    return Net()


def _twins():
    torch = torch_or_skip()
    ours, theirs = make_net(nn, tg.ones).double(), make_net(torch.nn, torch.ones).double()
    with torch.no_grad():
        for name, p in theirs.named_parameters():
            p.copy_(torch.tensor(dict(ours.named_parameters())[name].data))
    return torch, ours, theirs


def test_tree_walks_names_and_repr_match_torch():
    torch, ours, theirs = _twins()
    for walk in ("named_modules", "named_children", "named_parameters", "named_buffers"):
        assert [n for n, _ in getattr(ours, walk)()] == [n for n, _ in getattr(theirs, walk)()]
    assert [n for n, _ in ours.named_parameters(recurse=False)] == \
        [n for n, _ in theirs.named_parameters(recurse=False)]
    assert len(list(ours.parameters(recurse=False))) == 0
    assert [type(m).__name__ for m in ours.modules()] == \
        [type(m).__name__ for m in theirs.modules()]
    assert [type(m).__name__ for m in ours.children()] == \
        [type(m).__name__ for m in theirs.children()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours).replace("float64", "torch.float64") == repr(theirs)
    for path in ("", "body", "body.2.0", "heads.cls"):
        assert repr(ours.get_submodule(path)).replace("float64", "torch.float64") == \
            repr(theirs.get_submodule(path))


def test_call_passes_kwargs_and_train_eval_match_torch():
    torch, ours, theirs = _twins()
    x = rand(5, 3)
    for kwargs in ({}, {"head": "reg"}, {"scale": False}):
        close(ours(tg.Tensor(x), **kwargs), theirs(torch.tensor(x), **kwargs))
    for call in (lambda m: m.eval(), lambda m: m.train(), lambda m: m.train(False),
                 lambda m: m.body.train(True)):
        assert call(ours) is not None and call(theirs) is not None
        assert [m.training for m in ours.modules()] == [m.training for m in theirs.modules()]


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad_matches_torch(set_to_none):
    torch, ours, theirs = _twins()
    x = rand(5, 3)
    ours(tg.Tensor(x)).sum().backward()
    theirs(torch.tensor(x)).sum().backward()
    ours.zero_grad(set_to_none=set_to_none)
    theirs.zero_grad(set_to_none=set_to_none)
    for (_, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert (p.grad is None) == (q.grad is None)
        if q.grad is not None:
            close(p.grad, q.grad)
    ours(tg.Tensor(x)).sum().backward()
    ours.zero_grad()  # torch 2's default: set_to_none=True
    assert all(p.grad is None for p in ours.parameters())


def test_get_submodule_and_add_module_errors():
    model = make_net(nn, tg.ones)
    with pytest.raises(AttributeError, match=r"get_submodule\('body.5'\): Sequential has no "
                                             r"sub-module '5' \(it does not exist\)"):
        model.get_submodule("body.5")
    with pytest.raises(AttributeError, match=r"Linear has no sub-module 'weight' \(it is not "
                                             r"an nn.Module\)"):
        model.get_submodule("body.0.weight")
    with pytest.raises(KeyError, match="Net.train already exists"):
        model.add_module("train", nn.ReLU())
    with pytest.raises(KeyError, match="ModuleDict.keys already exists"):
        nn.ModuleDict({"keys": nn.ReLU()})


def test_module_dict_behaves_as_torchs():
    torch = torch_or_skip()
    ours = nn.ModuleDict({"b": nn.Linear(1, 2), "a": nn.ReLU()})
    theirs = torch.nn.ModuleDict({"b": torch.nn.Linear(1, 2), "a": torch.nn.ReLU()})
    for d, m in ((ours, nn), (theirs, torch.nn)):
        d["c"] = m.Tanh()
        d.update([("d", m.Sigmoid())])
        del d["a"]
        d.pop("b")
    assert list(ours) == list(theirs) == ["c", "d"] and "c" in ours and "a" not in ours
    assert list(ours.keys()) == list(theirs.keys()) and len(ours) == len(theirs) == 2
    assert [type(v).__name__ for v in ours.values()] == ["Tanh", "Sigmoid"]
    assert repr(ours) == repr(theirs)
    ours.clear()
    assert len(ours) == 0
    with pytest.raises(KeyError, match=r"'x' is not in this ModuleDict \(keys: \[\]\)"):
        ours["x"]
    with pytest.raises(TypeError, match="element 'x' is not a Module"):
        ours["x"] = 3


def test_parameter_list_behaves_as_torchs_and_shares_a_wrapped_tensor():
    torch = torch_or_skip()
    t = tg.zeros(2)
    ours = nn.ParameterList([t, nn.Parameter(np.ones(3, np.float32))])
    theirs = torch.nn.ParameterList([torch.zeros(2), torch.nn.Parameter(torch.ones(3))])
    ours.append(tg.ones(1))
    theirs.append(torch.ones(1))
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in ours)
    assert repr(ours) == repr(theirs).replace("torch.", "")
    (ours[0] * 2.0).sum().backward()
    tg.optim.SGD(ours.parameters(), lr=0.5).step()
    np.testing.assert_array_equal(t.data, [-1.0, -1.0])  # the wrapped tensor is updated too
    with pytest.raises(TypeError, match="ParameterList element 0 must be a Parameter or a "
                                        "Tensor, got list"):
        nn.ParameterList([[1.0]])
    with pytest.raises(TypeError, match="floating point"):
        nn.ParameterList([tg.zeros(2, dtype=np.int64)])


# --- optimizers: frozen parameters, generators, groups ---


def _finetune_pair(torch, freeze_by):
    """A backbone (frozen) and a new head, in both libraries, with the same weights."""
    tg.manual_seed(1)
    ours = nn.Sequential(nn.Linear(4, 6, dtype=F64), nn.Tanh(), nn.Linear(6, 6, dtype=F64),
                         nn.Tanh(), nn.Linear(6, 3, dtype=F64))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(),
                                 torch.nn.Linear(6, 6), torch.nn.Tanh(),
                                 torch.nn.Linear(6, 3)).double()
    for model in (ours, theirs):
        if freeze_by == "attribute":  # the finetuning idiom
            for p in model.parameters():
                p.requires_grad = False
        else:
            model.requires_grad_(False)
        model[2].weight.requires_grad = True  # one backbone tensor unfrozen again
    ours[4] = nn.Linear(6, 3, dtype=F64)  # replace the head (trainable)
    theirs[4] = torch.nn.Linear(6, 3).double()
    with torch.no_grad():
        for (_, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
            q.copy_(torch.tensor(p.data))
    return ours, theirs


@pytest.mark.parametrize("name, kwargs", [
    ("SGD", {"lr": 0.1}), ("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}), ("Adam", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01}), ("RMSprop", {"lr": 0.01, "momentum": 0.5}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True})])
@pytest.mark.parametrize("freeze_by", ["attribute", "requires_grad_"])
def test_frozen_parameters_are_accepted_and_skipped_as_in_torch(name, kwargs, freeze_by):
    torch = torch_or_skip()
    ours, theirs = _finetune_pair(torch, freeze_by)
    frozen = [p.data.copy() for p in ours.parameters() if not p.requires_grad]
    assert len(frozen) == 3
    opt = getattr(tg.optim, name)(ours.parameters(), **kwargs)  # a generator
    opt_t = getattr(torch.optim, name)(theirs.parameters(), **kwargs)
    x, labels = rand(8, 4), np.array([0, 1, 2, 0, 1, 2, 0, 1])
    for _ in range(4):
        opt.zero_grad(), opt_t.zero_grad()
        F.cross_entropy(ours(tg.Tensor(x)), labels).backward()
        torch.nn.functional.cross_entropy(theirs(torch.tensor(x)),
                                          torch.tensor(labels)).backward()
        opt.step(), opt_t.step()
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        close(p, q, rtol=1e-9, atol=1e-12, what=n)
        assert (p.grad is None) == (q.grad is None), n
    for before, p in zip(frozen, [p for p in ours.parameters() if not p.requires_grad]):
        np.testing.assert_array_equal(p.data, before)


def test_param_groups_as_dicts_from_generators_and_unused_parameters_as_torch():
    torch = torch_or_skip()
    ours, theirs = _finetune_pair(torch, "attribute")
    groups = lambda m: [{"params": m[4].parameters(), "lr": 0.05},  # noqa: E731
                        {"params": (p for p in m[:4].parameters())}]
    opt = tg.optim.SGD(groups(ours), lr=0.2, momentum=0.9)
    opt_t = torch.optim.SGD(groups(theirs), lr=0.2, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [g["lr"] for g in opt_t.param_groups]
    x = rand(8, 4)
    for step in range(3):
        opt.zero_grad(set_to_none=step % 2 == 0), opt_t.zero_grad(set_to_none=step % 2 == 0)
        # the head's bias is unused: its grad stays None (or zeros), as in torch
        (ours(tg.Tensor(x)) - ours[4].bias).sum().backward()
        (theirs(torch.tensor(x)) - theirs[4].bias).sum().backward()
        opt.step(), opt_t.step()
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        close(p, q, rtol=1e-9, atol=1e-12, what=n)
    with pytest.raises(TypeError, match="zero_grad: set_to_none must be True or False"):
        opt.zero_grad(set_to_none="no")


# --- nn.LazyLinear ---


def test_lazy_linear_infers_in_features_becomes_linear_and_draws_as_linear():
    torch = torch_or_skip()
    layer = nn.LazyLinear(3)
    assert repr(layer) == repr(torch.nn.LazyLinear(3))  # in_features=0 before the call
    assert isinstance(layer.weight, nn.UninitializedParameter) and layer.has_uninitialized_params()
    tg.manual_seed(7)
    y = layer(tg.ones(2, 5, 4))
    tg.manual_seed(7)
    plain = nn.Linear(4, 3)  # the same draws, in the same order
    assert type(layer) is nn.Linear and type(layer.weight) is nn.Parameter
    assert repr(layer) == "Linear(in_features=4, out_features=3, bias=True)"
    assert layer.weight.shape == (3, 4) and layer.bias.shape == (3,) and y.shape == (2, 5, 3)
    np.testing.assert_array_equal(layer.weight.data, plain.weight.data)
    np.testing.assert_array_equal(layer.bias.data, plain.bias.data)
    bound = 1 / np.sqrt(4)
    assert np.abs(layer.weight.data).max() <= bound and np.abs(layer.bias.data).max() <= bound
    nobias = nn.LazyLinear(2, bias=False)
    assert repr(nobias) == repr(torch.nn.LazyLinear(2, bias=False)) and nobias.bias is None
    nobias(tg.zeros(1, 6))
    assert nobias.bias is None and nobias.in_features == 6


def test_lazy_linear_with_torchs_weights_gives_torchs_outputs_and_gradients():
    torch = torch_or_skip()
    ours, theirs = nn.LazyLinear(3, dtype=F64), torch.nn.LazyLinear(3, dtype=torch.float64)
    x = rand(4, 2, 5)
    ours(tg.Tensor(x)), theirs(torch.tensor(x))  # the dry runs
    with torch.no_grad():  # the same weights: torch's, loaded into ours
        ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    forward_and_grad(ours, theirs, rand(3, 5, seed=2))
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        close(p.grad, q.grad, what=n)


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_an_optimizer_built_before_the_first_call_trains_as_torchs(name):
    torch = torch_or_skip()
    ours = nn.Sequential(nn.LazyLinear(4), nn.Tanh(), nn.LazyLinear(2)).double()
    theirs = torch.nn.Sequential(torch.nn.LazyLinear(4), torch.nn.Tanh(),
                                 torch.nn.LazyLinear(2)).double()
    opt = getattr(tg.optim, name)(ours.parameters(), lr=0.05)  # before the dry run
    opt_t = getattr(torch.optim, name)(theirs.parameters(), lr=0.05)
    x = rand(6, 3)
    ours(tg.Tensor(x)), theirs(torch.tensor(x))
    assert all(p.dtype == F64 for p in ours.parameters())  # .double() before the call held
    with torch.no_grad():
        for (_, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
            p.data[...] = q.numpy()
    for _ in range(3):
        opt.zero_grad(), opt_t.zero_grad()
        (ours(tg.Tensor(x)) ** 2).sum().backward()
        (theirs(torch.tensor(x)) ** 2).sum().backward()
        opt.step(), opt_t.step()
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        close(p, q, rtol=1e-9, what=n)


@given(batch=hnp.array_shapes(min_dims=0, max_dims=2, max_side=3),
       features=st.integers(1, 4), out=st.integers(1, 3), data=st.data())
@settings(max_examples=15)
def test_lazy_linear_gradcheck_after_the_first_call(batch, features, out, data):
    layer = nn.LazyLinear(out, dtype=F64)
    x = leaf(data.draw(hnp.arrays(F64, batch + (features,), elements=reals(-2, 2))))
    layer(x)
    tg.gradcheck(lambda x, w, b: layer(x), [x, layer.weight, layer.bias])


def test_lazy_linear_refuses_use_before_the_first_call():
    layer = nn.LazyLinear(3)
    message = "this parameter is uninitialized: a lazy layer .* Run one batch through the model"
    for use in (lambda: layer.state_dict(), lambda: layer.weight.shape,
                lambda: layer.weight * 2.0, lambda: np.asarray(layer.weight),
                lambda: sum(p.size for p in layer.parameters()),
                lambda: layer.load_state_dict({"weight": np.zeros((3, 2)),
                                               "bias": np.zeros(3)})):
        with pytest.raises(RuntimeError, match=message):
            use()
    assert layer.weight.dtype == np.float32 and repr(layer.weight) == "<UninitializedParameter>"
    twin = copy.deepcopy(layer)  # e.g. an ensemble made before the dry run
    twin(tg.zeros(2, 5))
    assert twin.in_features == 5 and layer.has_uninitialized_params()
    layer.requires_grad_(False)
    layer.requires_grad_(True)
    with pytest.raises(ValueError, match=r"the first input sets in_features to its last axis' "
                                         r"size, which must be >= 1, got shape \(2, 0\)"):
        layer(tg.zeros(2, 0))
    with pytest.raises(TypeError, match="LazyLinear: the input is float64 but the parameters "
                                        "are float32"):
        layer(tg.zeros(2, 3, dtype=np.float64))
    assert layer.has_uninitialized_params() and type(layer) is nn.LazyLinear  # unchanged
    with pytest.raises(ValueError, match="on the CPU only"):
        nn.LazyLinear(3, device="cuda")
    with pytest.raises(ValueError, match="out_features must be"):
        nn.LazyLinear(0)
