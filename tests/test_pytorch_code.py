"""PyTorch code, unchanged, on tinygrad_edu: each pattern below is written the way PyTorch's
tutorials and micrograd's tests write it (``import torch`` inside), run once on real torch
and once inside ``tinygrad_edu.as_torch.installed()``, from the same NumPy inputs; the
numbers they return (losses, parameters, gradients, flags) must agree.

The first section tests the import swap itself and needs no torch.
"""
import itertools
import math
import os
import random
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import as_torch

TOL = {"float32": 1e-4, "float64": 1e-6}


def _torch_entries():
    return {k: v for k, v in sys.modules.items() if k.partition(".")[0].startswith("torch")}


# --- the import swap ---


def test_imports_resolve_to_ours():
    with as_torch.installed() as alias:
        import torch
        import torch.autograd.functional
        import torch.nn as nn  # noqa: PLR0402 (the idiom under test)
        import torch.nn.functional as F
        import torch.optim
        import torch.utils.data
        from torch import nn as nn_from
        from torch import optim
        from torch.autograd import Function
        from torch.utils.data import DataLoader, TensorDataset

        assert torch is alias and torch.Tensor is tg.Tensor
        assert nn is nn_from and nn.Linear is tg.nn.Linear and F.relu is tg.nn.functional.relu
        assert optim.SGD is tg.optim.SGD and torch.optim is optim
        assert Function is tg.Function
        assert torch.autograd.functional.jacobian is tg.autograd.functional.jacobian
        assert DataLoader is tg.data.DataLoader and TensorDataset is tg.data.TensorDataset
        assert torch.utils.data.DataLoader is tg.data.DataLoader
        assert sys.modules["torch.nn"] is torch.nn is nn


def test_sys_modules_restored_exactly_even_after_an_error():
    before = _torch_entries()
    with pytest.raises(ZeroDivisionError), as_torch.installed():
        import torch.nn
        import torch.optim.lr_scheduler  # noqa: F401
        1 / 0  # noqa: B018
    after = _torch_entries()
    assert after.keys() == before.keys()
    assert all(after[name] is before[name] for name in before)
    assert as_torch._FINDER not in sys.meta_path


def test_nested_blocks_restore_the_outer_one():
    with as_torch.installed() as outer:
        with as_torch.installed() as inner:
            import torch
            assert torch is inner
        import torch
        assert torch is outer


def test_a_scripts_global_settings_stay_inside():
    with as_torch.installed():
        import torch
        assert torch.__version__ == tg.__version__ and "Tensor" in torch.__all__
        torch.set_default_dtype(np.float64)
        torch.set_grad_enabled(False)
    assert tg.get_default_dtype() == np.float32 and tg.is_grad_enabled()


def test_missing_names_and_modules_are_named():
    with as_torch.installed():
        import torch
        with pytest.raises(AttributeError, match=r"torch\.no_such_thing is not provided"):
            _ = torch.no_such_thing
        with pytest.raises(AttributeError, match=r"torch\.nn\.NoSuchLayer is not provided"):
            _ = torch.nn.NoSuchLayer
        with pytest.raises(ModuleNotFoundError, match=r"torch\.distributed is not provided"):
            import torch.distributed
        with pytest.raises(ModuleNotFoundError, match=r"torchvision is not provided"):
            import torchvision  # noqa: F401
        with pytest.raises(ModuleNotFoundError, match=r"torch\.utils\.tensorboard is not"):
            import torch.utils.tensorboard
        with pytest.raises(ImportError, match="NoSuchLoss"):
            from torch.nn import NoSuchLoss  # noqa: F401


def _script(tmp_path, text):
    path = tmp_path / "script.py"
    path.write_text(text)
    return str(path)


def test_cli_runs_a_script_as_main_with_its_arguments(tmp_path, capsys):
    script = _script(tmp_path, (
        "import sys, torch\n"
        "import torch.nn as nn\n"
        "print(__name__, sys.argv[1:], type(torch.ones(2)).__module__, nn.Linear.__module__)\n"))
    assert as_torch.main([script, "--steps", "3"]) == 0
    out = capsys.readouterr().out.split()
    assert out[:4] == ["__main__", "['--steps',", "'3']", "tinygrad_edu._tensor"]
    assert out[4].startswith("tinygrad_edu.nn")


def test_cli_bad_command_line(tmp_path, capsys):
    assert as_torch.main([]) == 2
    assert as_torch.main([str(tmp_path / "missing.py")]) == 2
    assert "no such script" in capsys.readouterr().err


def test_cli_as_a_module_reports_what_is_missing(tmp_path):
    script = _script(tmp_path, "import torch\nprint(torch.Tensor.__module__)\n"
                               "import torchvision\n")
    run = subprocess.run([sys.executable, "-m", "tinygrad_edu.as_torch", script],
                         capture_output=True, text=True, timeout=120, check=False,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert run.returncode == 1, run.stderr
    assert run.stdout.strip() == "tinygrad_edu._tensor"
    assert "torchvision is not provided" in run.stderr


# --- running the patterns on both ---


@pytest.fixture
def real_torch():
    return pytest.importorskip("torch", reason="PyTorch is the oracle: each pattern runs on "
                                               "real torch and on tinygrad_edu")


def on_both(pattern, *args):
    """(real torch's result, ours) of ``pattern(*args)``."""
    expected = pattern(*args)
    with as_torch.installed():
        got = pattern(*args)
    return expected, got


def assert_same(expected, got, tol, where="result"):
    """Recursively: arrays by value (to ``tol`` relative to their scale) and dtype; Python
    numbers to ``tol``; bools, None and strings exactly."""
    if isinstance(expected, dict):
        assert got.keys() == expected.keys(), where
        for key in expected:
            assert_same(expected[key], got[key], tol, f"{where}[{key!r}]")
    elif isinstance(expected, (list, tuple)):
        assert len(got) == len(expected), where
        for i, (e, g) in enumerate(zip(expected, got)):
            assert_same(e, g, tol, f"{where}[{i}]")
    elif isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == expected.dtype, \
            f"{where}: dtype {getattr(got, 'dtype', type(got))} vs torch's {expected.dtype}"
        assert got.shape == expected.shape, f"{where}: shape {got.shape} vs {expected.shape}"
        if expected.dtype == bool:
            np.testing.assert_array_equal(got, expected, err_msg=where)
        else:
            scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
            np.testing.assert_allclose(got, expected, rtol=tol, atol=tol * scale, err_msg=where)
    elif isinstance(expected, float):
        assert isinstance(got, float), f"{where}: {type(got)}"
        assert math.isclose(got, expected, rel_tol=tol, abs_tol=tol), \
            f"{where}: {got} vs {expected}"
    else:
        assert type(got) is type(expected) and got == expected, f"{where}: {got!r} vs {expected!r}"


def _array(t):
    """A tensor's values as a NumPy array (either library)."""
    return np.array(t.detach().numpy())


def _load(torch, module, arrays):
    """Copy NumPy arrays into ``module.parameters()``, in order (both start from the same
    weights)."""
    params = list(module.parameters())
    assert [tuple(p.shape) for p in params] == [a.shape for a in arrays]
    with torch.no_grad():
        for p, a in zip(params, arrays):
            p.copy_(torch.tensor(a))


def _linear_weights(rng, *sizes, dtype=np.float32):
    """(weight, bias) arrays for Linear layers in_features -> out_features, in order."""
    arrays = []
    for n_in, n_out in itertools.pairwise(sizes):
        bound = 1 / math.sqrt(n_in)
        arrays += [rng.uniform(-bound, bound, (n_out, n_in)).astype(dtype),
                   rng.uniform(-bound, bound, n_out).astype(dtype)]
    return arrays


# A cubic fitted to sin on [-pi, pi], parameters updated by hand under no_grad.
def cubic_by_hand(start, dtype_name, steps):
    import torch
    dtype = getattr(torch, dtype_name)
    xs = torch.linspace(-math.pi, math.pi, 1500, dtype=dtype)
    target = torch.sin(xs)
    w0, w1, w2, w3 = (torch.tensor(v, dtype=dtype, requires_grad=True) for v in start)
    step_size, losses = 2e-6, []
    for step in range(steps):
        guess = w0 + w1 * xs + w2 * xs ** 2 + w3 * xs ** 3
        loss = (guess - target).pow(2).sum()
        if step % 40 == 39:
            losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            for w in (w0, w1, w2, w3):
                w -= step_size * w.grad
                w.grad = None
    return {"losses": losses, "weights": [w.item() for w in (w0, w1, w2, w3)],
            "leaf": [w0.is_leaf, w0.requires_grad, w0.grad is None],
            "xs": _array(xs), "target": _array(target)}


@pytest.mark.parametrize("dtype_name", ["float32", "float64"])
def test_cubic_by_hand(real_torch, dtype_name):
    start = [float(v) for v in np.random.default_rng(3).standard_normal(4)]
    expected, got = on_both(cubic_by_hand, start, dtype_name, 200)
    assert expected["losses"][-1] < expected["losses"][0]
    assert_same(expected, got, TOL[dtype_name])


# The same fit through a hand-written Function: y = p + q * P3(r + s x), P3 the Legendre cubic.
def legendre_fit(dtype_name, steps):
    import torch

    class Legendre3(torch.autograd.Function):
        """P3(u) = (5u^3 - 3u) / 2;  P3'(u) = (15u^2 - 3) / 2."""

        @staticmethod
        def forward(ctx, u):
            ctx.save_for_backward(u)
            return (5 * u ** 3 - 3 * u) / 2

        @staticmethod
        def backward(ctx, grad_out):
            (u,) = ctx.saved_tensors
            return grad_out * (15 * u ** 2 - 3) / 2

    dtype = getattr(torch, dtype_name)
    xs = torch.linspace(-math.pi, math.pi, 1200, dtype=dtype)
    target = torch.sin(xs)
    p, q, r, s = (torch.full((), v, dtype=dtype, requires_grad=True)
                  for v in (0.1, -0.8, 0.05, 0.25))
    losses = []
    for step in range(steps):
        guess = p + q * Legendre3.apply(r + s * xs)
        loss = (guess - target).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            for w in (p, q, r, s):
                w -= 4e-6 * w.grad
                w.grad = None
    return {"losses": losses[::25], "weights": [w.item() for w in (p, q, r, s)]}


@pytest.mark.parametrize("dtype_name", ["float32", "float64"])
def test_legendre_function(real_torch, dtype_name):
    expected, got = on_both(legendre_fit, dtype_name, 150)
    assert expected["losses"][-1] < expected["losses"][0]
    assert_same(expected, got, TOL[dtype_name])


# nn.Sequential(Linear, Flatten(0, 1)) on the features (x, x^2, x^3), summed MSE, by hand.
def sequential_by_hand(weights, steps):
    import torch
    xs = torch.linspace(-math.pi, math.pi, 1000)
    target = torch.sin(xs)
    powers = torch.tensor([1, 2, 3])
    features = xs.unsqueeze(-1).pow(powers)
    net = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    _load(torch, net, weights)
    criterion = torch.nn.MSELoss(reduction="sum")
    losses = []
    for step in range(steps):
        loss = criterion(net(features), target)
        losses.append(loss.item())
        net.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in net.parameters():
                param -= 3e-6 * param.grad
    layer = net[0]
    return {"losses": losses[::20], "features": _array(features),
            "weight": _array(layer.weight), "bias": _array(layer.bias),
            "coefficients": [layer.bias.item()] + [layer.weight[:, k].item() for k in range(3)]}


def test_sequential_flatten_mse_sum(real_torch):
    weights = _linear_weights(np.random.default_rng(5), 3, 1)
    expected, got = on_both(sequential_by_hand, weights, 100)
    assert_same(expected, got, TOL["float32"])


# The same model trained by an optimizer: RMSprop, or SGD with momentum.
def sequential_with_optimizer(weights, optimizer_name, steps):
    import torch
    from torch import nn, optim
    xs = torch.linspace(-math.pi, math.pi, 1000)
    target = torch.sin(xs)
    features = xs.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))
    net = nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1))
    _load(torch, net, weights)
    loss_fn = nn.MSELoss(reduction="sum")
    if optimizer_name == "rmsprop":
        optimizer = optim.RMSprop(net.parameters(), lr=1e-3)
    else:
        optimizer = optim.SGD(net.parameters(), lr=1e-6, momentum=0.9)
    losses = []
    for step in range(steps):
        loss = loss_fn(net(features), target)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {"losses": losses[::20], "weight": _array(net[0].weight), "bias": _array(net[0].bias)}


@pytest.mark.parametrize("optimizer_name", ["rmsprop", "sgd_momentum"])
def test_sequential_with_optimizer(real_torch, optimizer_name):
    weights = _linear_weights(np.random.default_rng(6), 3, 1)
    expected, got = on_both(sequential_with_optimizer, weights, optimizer_name, 200)
    assert expected["losses"][-1] < expected["losses"][0]
    assert_same(expected, got, TOL["float32"])


# A Module subclass with four scalar Parameters and a method of its own; SGD.
def cubic_module(start, steps):
    import torch

    class Cubic(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.c0, self.c1, self.c2, self.c3 = (torch.nn.Parameter(torch.tensor(v))
                                                  for v in start)

        def forward(self, x):
            return self.c0 + self.c1 * x + self.c2 * x ** 2 + self.c3 * x ** 3

        def coefficients(self):
            return [c.item() for c in (self.c0, self.c1, self.c2, self.c3)]

    xs = torch.linspace(-math.pi, math.pi, 1000)
    target = torch.sin(xs)
    model = Cubic()
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=2e-6)
    losses = []
    for step in range(steps):
        loss = criterion(model(xs), target)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {"losses": losses[::20], "coefficients": model.coefficients(),
            "names": [name for name, _ in model.named_parameters()]}


def test_module_subclass_with_parameters(real_torch):
    start = [float(v) for v in np.random.default_rng(7).standard_normal(4).astype(np.float32)]
    expected, got = on_both(cubic_module, start, 200)
    assert_same(expected, got, TOL["float32"])


# A dynamic net: the middle layer is reused a random number of times per forward pass.
def dynamic_net(weights, data, depth_seed, steps):
    import torch

    class Dynamic(torch.nn.Module):
        def __init__(self, n_in, hidden, n_out, depths):
            super().__init__()
            self.first = torch.nn.Linear(n_in, hidden)
            self.middle = torch.nn.Linear(hidden, hidden)
            self.last = torch.nn.Linear(hidden, n_out)
            self.depths = depths

        def forward(self, x):
            h = self.first(x).clamp(min=0)
            for _ in range(self.depths.randint(0, 3)):
                h = self.middle(h).clamp(min=0)
            return self.last(h)

    inputs, targets = (torch.tensor(a) for a in data)
    model = Dynamic(inputs.shape[1], 12, targets.shape[1], random.Random(depth_seed))
    _load(torch, model, weights)
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    losses = []
    for step in range(steps):
        loss = criterion(model(inputs), targets)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {"losses": losses, "middle": _array(model.middle.weight)}


def test_dynamic_net_reuses_a_layer(real_torch):
    rng = np.random.default_rng(8)
    data = (rng.standard_normal((16, 20)).astype(np.float32),
            rng.standard_normal((16, 3)).astype(np.float32))
    weights = _linear_weights(rng, 20, 12, 12, 3)
    expected, got = on_both(dynamic_net, weights, data, 11, 40)
    assert expected["losses"][-1] < expected["losses"][0]
    assert_same(expected, got, TOL["float32"])


# The blitz tutorial's autograd part: Q = 3a^3 - b^2 with an external gradient, then which
# results require grad, then frozen parameters with a new head and one optimizer over all.
def blitz_autograd(arrays):
    import torch
    from torch import nn, optim
    a = torch.tensor([1.5, -2.0, 0.5], requires_grad=True)
    b = torch.tensor([4.0, 3.0, -1.0], requires_grad=True)
    Q = 3 * a ** 3 - b ** 2
    Q.backward(gradient=torch.tensor([1.0, 0.5, 2.0]))
    checks = [_array(9 * a ** 2 * torch.tensor([1.0, 0.5, 2.0]) == a.grad),
              _array(-2 * b * torch.tensor([1.0, 0.5, 2.0]) == b.grad)]

    x, y, z = (torch.tensor(v) for v in arrays["xyz"])
    z.requires_grad = True
    flags = [(x + y).requires_grad, (x + z).requires_grad]

    class Backbone(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Linear(6, 8), nn.Tanh())
            self.fc = nn.Linear(8, 5)

        def forward(self, inputs):
            return self.fc(self.features(inputs))

    model = Backbone()
    _load(torch, model, arrays["backbone"])
    for param in model.parameters():
        param.requires_grad = False
    model.fc = nn.Linear(8, 3)
    _load(torch, model.fc, arrays["head"])
    frozen = _array(model.features[0].weight)
    optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    data, labels = (torch.tensor(v) for v in arrays["batch"])
    for step in range(3):
        optimizer.zero_grad()
        prediction = model(data)
        loss = (prediction - labels).sum()
        loss.backward()
        optimizer.step()
    return {"a.grad": _array(a.grad), "b.grad": _array(b.grad), "checks": checks,
            "flags": flags, "grad is None": [p.grad is None for p in model.parameters()],
            "requires_grad": [p.requires_grad for p in model.parameters()],
            "frozen": [frozen, _array(model.features[0].weight)],
            "fc": [_array(model.fc.weight), _array(model.fc.bias)], "loss": loss.item()}


def test_blitz_autograd_and_frozen_parameters(real_torch):
    rng = np.random.default_rng(9)
    arrays = {"xyz": [rng.random((4, 4)).astype(np.float32) for _ in range(3)],
              "backbone": _linear_weights(rng, 6, 8, 5),
              "head": _linear_weights(rng, 8, 3),
              "batch": [rng.random((2, 6)).astype(np.float32),
                        rng.random((2, 3)).astype(np.float32)]}
    expected, got = on_both(blitz_autograd, arrays)
    np.testing.assert_array_equal(*expected["frozen"])
    assert expected["flags"] == [False, True]
    assert_same(expected, got, TOL["float32"])


# autogradqs: BCE with logits, grad_fn, no_grad, detach, then vector-Jacobian products that
# accumulate over retained-graph backward calls until inp.grad.zero_().
def autograd_basics(arrays):
    import torch
    x = torch.ones(4)
    y = torch.zeros(2)
    w = torch.tensor(arrays["w"], requires_grad=True)
    b = torch.tensor(arrays["b"], requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    has_fn = [z.grad_fn is not None, loss.grad_fn is not None, w.grad_fn is None]
    loss.backward()
    flags = [torch.matmul(x, w).requires_grad]
    with torch.no_grad():
        flags.append((torch.matmul(x, w) + b).requires_grad)
    flags.append((torch.matmul(x, w) + b).detach().requires_grad)

    inp = torch.eye(3, 4, requires_grad=True)
    out = (inp + 2).pow(2).t()
    calls = []
    out.backward(torch.ones_like(out), retain_graph=True)
    calls.append(_array(inp.grad))
    out.backward(torch.ones_like(out), retain_graph=True)
    calls.append(_array(inp.grad))
    inp.grad.zero_()
    out.backward(torch.ones_like(out), retain_graph=True)
    calls.append(_array(inp.grad))
    return {"loss": loss.item(), "w.grad": _array(w.grad), "b.grad": _array(b.grad),
            "has_fn": has_fn, "flags": flags, "calls": calls, "out": _array(out)}


def test_autograd_basics(real_torch):
    rng = np.random.default_rng(10)
    arrays = {"w": rng.standard_normal((4, 2)).astype(np.float32),
              "b": rng.standard_normal(2).astype(np.float32)}
    expected, got = on_both(autograd_basics, arrays)
    assert expected["flags"] == [True, False, False]
    assert_same(expected, got, TOL["float32"])


# Double backward through custom Functions: an input saved, an output saved, intermediates
# returned as extra outputs, intermediates kept on ctx (no second order), and a backward that
# is itself a custom Function.
def double_backward(values):
    import torch

    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)  # an input
            return x ** 3

        @staticmethod
        def backward(ctx, gy):
            (x,) = ctx.saved_tensors
            return gy * 3 * x ** 2

    class Exp2(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = torch.exp(2 * x)
            ctx.save_for_backward(y)  # an output
            return y

        @staticmethod
        def backward(ctx, gy):
            (y,) = ctx.saved_tensors
            return 2 * y * gy

    class Cosh(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            e, f = torch.exp(x), torch.exp(-x)
            ctx.save_for_backward(e, f)
            return (e + f) / 2, e, f  # intermediates as outputs: second order sees them

        @staticmethod
        def backward(ctx, gy, ge, gf):
            e, f = ctx.saved_tensors
            gx = gy * (e - f) / 2
            gx += ge * e
            gx -= gf * f
            return gx

    class CoshOnCtx(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.e, ctx.f = torch.exp(x), torch.exp(-x)  # not saved: backward is not tracked
            return (ctx.e + ctx.f) / 2

        @staticmethod
        def backward(ctx, gy):
            return gy * (ctx.e - ctx.f) / 2

    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, gy):
            (x,) = ctx.saved_tensors
            return SquareBackward.apply(gy, x)

    class SquareBackward(torch.autograd.Function):
        """(gy, x) -> 2 gy x, with its own backward: d/dgy = 2x, d/dx = 2gy."""

        @staticmethod
        def forward(ctx, gy, x):
            ctx.save_for_backward(gy, x)
            return 2 * gy * x

        @staticmethod
        def backward(ctx, g):
            gy, x = ctx.saved_tensors
            return 2 * g * x, 2 * g * gy

    def cosh(x):
        return Cosh.apply(x)[0]

    x = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    results = {}
    for name, f in [("cube", Cube.apply), ("exp2", Exp2.apply), ("cosh", cosh),
                    ("square", Square.apply)]:
        checked = [torch.autograd.gradcheck(f, x), torch.autograd.gradgradcheck(f, x)]
        (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
        (gg,) = torch.autograd.grad((g * g).sum(), x)
        results[name] = [checked, _array(g), _array(gg), g.requires_grad]
    (g,) = torch.autograd.grad(CoshOnCtx.apply(x).sum(), x, create_graph=True)
    results["cosh on ctx"] = [_array(g), g.requires_grad, g.grad_fn is None]
    return results


def test_double_backward_custom_functions(real_torch):
    values = np.random.default_rng(11).uniform(-1, 1, (2, 3))
    expected, got = on_both(double_backward, values)
    assert expected["cosh on ctx"][1:] == [False, True]
    assert_same(expected, got, TOL["float64"])


# micrograd's torch half: 1-element float64 tensors made with torch.Tensor(...).double().
def micrograd_expression(value):
    import torch
    x = torch.Tensor([value]).double()
    x.requires_grad = True
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return {"y": y.data.item(), "grad": x.grad.item(), "dtype": str(_array(y).dtype)}


def test_micrograd_sanity_check(real_torch):
    expected, got = on_both(micrograd_expression, -4.0)
    assert expected == {"y": -20.0, "grad": 46.0, "dtype": "float64"}  # by hand
    assert_same(expected, got, 0.0)


@given(st.floats(-5, 5, allow_nan=False).filter(lambda v: abs(3 * v + 2) > 1e-6))
def test_micrograd_expression_anywhere(value):
    pytest.importorskip("torch", reason="PyTorch is the oracle")
    expected, got = on_both(micrograd_expression, value)
    assert_same(expected, got, 1e-12)


def micrograd_more_ops(in_place):
    import torch
    a = torch.Tensor([-4.0]).double()
    b = torch.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b ** 3
    if in_place:  # micrograd's README: in-place adds on non-leaf tensors build the graph
        c += c + 1
        c += 1 + c + (-a)
        d += d * 2 + (b + a).relu()
        d += 3 * d + (b - a).relu()
    else:
        c = c + c + 1
        c = c + 1 + c + (-a)
        d = d + d * 2 + (b + a).relu()
        d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    return {"g": g.item(), "a.grad": a.grad.item(), "b.grad": b.grad.item()}


@pytest.mark.parametrize("in_place", [False, True], ids=["rebinding", "in_place"])
def test_micrograd_more_ops(real_torch, in_place):
    expected, got = on_both(micrograd_more_ops, in_place)
    # micrograd's README prints these to 4 decimals
    assert [round(v, 4) for v in expected.values()] == [24.7041, 138.8338, 645.5773]
    assert_same(expected, got, 1e-12)


def micrograd_unary(values):
    import torch
    results = []
    for fn in (torch.Tensor.tanh, torch.Tensor.exp):
        for v in values:
            t = torch.Tensor([v]).double()
            t.requires_grad = True
            out = fn(t)
            out.backward()
            results.append((out.data.item(), t.grad.item()))
    return results


def test_micrograd_unary(real_torch):
    expected, got = on_both(micrograd_unary, [-1.0, 0.123, 2.0])
    assert_same(expected, got, 1e-12)


# Mini-batches from torch.utils.data: TensorDataset + DataLoader (in order), Adam.
def minibatch_training(arrays, epochs):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    inputs, labels = torch.tensor(arrays["x"]), torch.tensor(arrays["y"])
    loader = DataLoader(TensorDataset(inputs, labels), batch_size=16, shuffle=False)
    model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))
    _load(torch, model, arrays["weights"])
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses, sizes = [], []
    for epoch in range(epochs):
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            sizes.append(len(yb))
    with torch.no_grad():
        accuracy = (model(inputs).argmax(1) == labels).float().mean().item()
    return {"losses": losses, "sizes": sizes, "accuracy": accuracy}


def test_minibatches_from_torch_utils_data(real_torch):
    rng = np.random.default_rng(12)
    x = rng.standard_normal((40, 5)).astype(np.float32)
    arrays = {"x": x, "y": np.argmax(x[:, :3], axis=1),  # int64 labels
              "weights": _linear_weights(rng, 5, 8, 3)}
    expected, got = on_both(minibatch_training, arrays, 3)
    assert expected["sizes"][:3] == [16, 16, 8]
    assert_same(expected, got, TOL["float32"])


# A Dataset subclass (__len__, __getitem__) behind a DataLoader.
def dataset_subclass(arrays):
    import torch
    from torch.utils.data import DataLoader, Dataset

    class Pairs(Dataset):
        def __init__(self, x, y):
            self.x, self.y = x, y

        def __len__(self):
            return len(self.y)

        def __getitem__(self, i):
            return torch.tensor(self.x[i]), torch.tensor(self.y[i])

    batches = [(_array(xb), _array(yb)) for xb, yb in
               DataLoader(Pairs(arrays["x"], arrays["y"]), batch_size=4)]
    return {"batches": batches}


def test_dataset_subclass(real_torch):
    rng = np.random.default_rng(13)
    arrays = {"x": rng.standard_normal((10, 3)).astype(np.float32),
              "y": rng.integers(0, 2, 10)}
    expected, got = on_both(dataset_subclass, arrays)
    assert_same(expected, got, 0.0)


# A custom Function whose body uses Tensor methods, as PyTorch's two-layer-net example does
# (torch passes Tensors to forward and backward).
def relu_function_with_tensor_methods(arrays):
    import torch

    class Rectify(torch.autograd.Function):
        @staticmethod
        def forward(ctx, h):
            ctx.save_for_backward(h)
            return h.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_out):
            (h,) = ctx.saved_tensors
            grad_in = grad_out.clone()
            grad_in[h < 0] = 0
            return grad_in

    x = torch.tensor(arrays["x"])
    w1 = torch.tensor(arrays["w1"], requires_grad=True)
    w2 = torch.tensor(arrays["w2"], requires_grad=True)
    loss = (Rectify.apply(x.mm(w1)).mm(w2) - 1).pow(2).sum()
    loss.backward()
    return {"loss": loss.item(), "w1.grad": _array(w1.grad), "w2.grad": _array(w2.grad)}


def test_function_body_uses_tensor_methods(real_torch):
    rng = np.random.default_rng(14)
    arrays = {"x": rng.standard_normal((6, 5)).astype(np.float32),
              "w1": rng.standard_normal((5, 4)).astype(np.float32),
              "w2": rng.standard_normal((4, 2)).astype(np.float32)}
    expected, got = on_both(relu_function_with_tensor_methods, arrays)
    assert_same(expected, got, TOL["float32"])


# Character-level language models as in a popular course on building them from scratch:
# bigram counts with in-place increments of an int32 table, rows normalised in place, a
# one-hot bigram net trained through .data, an MLP on embedded contexts with a
# batch-norm written out by hand (std(0, keepdim=True): PyTorch's n - 1), and the manual
# backprop of cross-entropy checked against autograd with retain_grad.
def character_models(arrays, steps):
    import torch
    import torch.nn.functional as F

    pairs, contexts, targets = arrays["pairs"], arrays["contexts"], arrays["targets"]
    vocab = int(pairs.max()) + 1
    counts = torch.zeros((vocab, vocab), dtype=torch.int32)
    for a, b in pairs.tolist():
        counts[a, b] += 1
    probs = (counts + 1).float()
    probs /= probs.sum(1, keepdims=True)
    nll = -torch.log(probs[torch.tensor(pairs[:, 0]), torch.tensor(pairs[:, 1])]).mean()

    xs, ys = torch.tensor(pairs[:, 0]), torch.tensor(pairs[:, 1])
    weights = torch.tensor(arrays["bigram_w"], requires_grad=True)
    bigram_losses = []
    for _ in range(steps):
        logits = F.one_hot(xs, num_classes=vocab).float() @ weights
        out = logits.exp()
        p = out / out.sum(1, keepdims=True)
        loss = -p[torch.arange(xs.nelement()), ys].log().mean() + 0.01 * (weights ** 2).mean()
        weights.grad = None
        loss.backward()
        weights.data += -10 * weights.grad
        bigram_losses.append(loss.item())

    C, W1, b1, W2, b2 = (torch.tensor(arrays[k]) for k in ("C", "W1", "b1", "W2", "b2"))
    gain, shift = torch.ones((1, W1.shape[1])), torch.zeros((1, W1.shape[1]))
    parameters = [C, W1, b1, W2, b2, gain, shift]
    for p in parameters:
        p.requires_grad = True
    X, Y = torch.tensor(contexts), torch.tensor(targets)
    for _ in range(steps):
        emb = C[X]
        pre = emb.view(emb.shape[0], -1) @ W1 + b1
        pre = gain * (pre - pre.mean(0, keepdim=True)) / pre.std(0, keepdim=True) + shift
        h = torch.tanh(pre)
        logits = h @ W2 + b2
        loss = F.cross_entropy(logits, Y)
        for p in parameters:
            p.grad = None
        loss.backward()
        for p in parameters:
            p.data += -0.1 * p.grad

    logits = (h @ W2 + b2).detach().requires_grad_()
    logits.retain_grad()
    loss = F.cross_entropy(logits, Y)
    loss.backward()
    by_hand = F.softmax(logits, 1)
    by_hand[range(len(Y)), Y] -= 1
    by_hand /= len(Y)
    return {"counts": _array(counts), "nll": nll.item(), "bigram": bigram_losses,
            "mlp": loss.item(), "params": [_array(p) for p in parameters],
            "manual_close": torch.allclose(by_hand, logits.grad, atol=1e-6),
            "emb_cat": _array(torch.cat(torch.unbind(C[X[:3]], 1), 1))}


def test_character_models(real_torch):
    rng = np.random.default_rng(15)
    vocab, block, hidden = 7, 3, 16
    words = rng.integers(0, vocab, 120)
    contexts = np.lib.stride_tricks.sliding_window_view(words, block)[:-1].copy()
    arrays = {"pairs": np.stack([words[:-1], words[1:]], 1), "contexts": contexts,
              "targets": words[block:],
              "bigram_w": rng.standard_normal((vocab, vocab)).astype(np.float32),
              "C": rng.standard_normal((vocab, 4)).astype(np.float32),
              "W1": (rng.standard_normal((block * 4, hidden)) / 3).astype(np.float32),
              "b1": np.zeros(hidden, np.float32),
              "W2": (rng.standard_normal((hidden, vocab)) * 0.1).astype(np.float32),
              "b2": np.zeros(vocab, np.float32)}
    expected, got = on_both(character_models, arrays, 15)
    assert expected["manual_close"] is True
    assert_same(expected, got, 1e-4)


# x.var() and x.std() without arguments: NumPy's n in our contract, PyTorch's n - 1 in
# PyTorch code (run through as_torch).
def spread(arrays):
    import torch
    x = torch.tensor(arrays["x"])
    return {"var": x.var().item(), "std": _array(x.std(0)), "var1": _array(x.var(1, True)),
            "std_kept": _array(x.std(0, False, True)), "tg_var": _array(torch.var(x, 1, False))}


def test_var_and_std_defaults_in_pytorch_code(real_torch):
    arrays = {"x": np.random.default_rng(16).standard_normal((5, 3))}
    expected, got = on_both(spread, arrays)
    assert_same(expected, got, 1e-12)
    x = tg.tensor(arrays["x"])          # outside as_torch: our contract, NumPy's order
    assert x.var().item() == pytest.approx(arrays["x"].var())
    np.testing.assert_allclose(x.var(1, True, 1).numpy(), arrays["x"].var(1, keepdims=True,
                                                                          ddof=1))
    with pytest.raises(TypeError, match=r"var takes at most 3 positional arguments \(axis, "
                                        r"keepdims, ddof\), got 4"):
        x.var(0, True, 1, 2)
    with pytest.raises(TypeError, match="std: keepdims given both by position and by name"):
        x.std(0, True, keepdims=True)
