"""Habits of published PyTorch code (tutorials, courses, books) found by running them
through tinygrad_edu.as_torch: each checked against real PyTorch."""
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg

from torch_oracle import both

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for its own habits")


def legacy_constructor(lib):
    a = lib.Tensor([[1, 2, 3], [4, 5, 6]])
    b, c = lib.Tensor(3), lib.Tensor(2, 3)
    d = lib.Tensor([3])
    d.requires_grad = True
    w = lib.nn.Parameter(lib.Tensor(4, 2))
    return (str(a.dtype).replace("torch.", ""), a.tolist(), tuple(b.shape), tuple(c.shape),
            d.requires_grad, tuple(w.shape), w.requires_grad)


def test_legacy_constructor_means_pytorchs_in_pytorch_code():
    expected, got = both(legacy_constructor)
    assert got == expected
    assert tg.Tensor([1, 2]).dtype == np.int64          # outside: our contract


def test_var_and_std_are_pytorchs_in_a_script_run_by_the_module(tmp_path):
    script = tmp_path / "spread.py"
    script.write_text("import torch\nx = torch.tensor([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1]])\n"
                      "print(round(float(x.std()), 4), list(x.var(0, True).shape))\n")
    run = [sys.executable, "-m", "tinygrad_edu.as_torch", str(script)]
    ours = subprocess.run(run, capture_output=True, text=True, check=True)
    theirs = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            check=True)
    assert ours.stdout == theirs.stdout == "0.4033 [3]\n"
    assert "RuntimeWarning" not in ours.stderr


def parameter_data(lib, values):
    w = lib.nn.Parameter(lib.ones(3))
    w.data = lib.tensor(values)                   # fc.weight.data = torch.from_numpy(w)
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # no warning for the d2l idiom below
        p = lib.nn.Parameter(lib.randn(2, 3, requires_grad=True) * 0.01)
    return w.detach().tolist(), (w * 2).sum().item(), p.is_leaf, p.requires_grad


@given(values=st.lists(st.floats(-5, 5, width=32), min_size=3, max_size=3))
@settings(max_examples=10, deadline=None)
def test_parameter_data_assignment_takes_the_tensors_values(values):
    expected, got = both(parameter_data, values)
    assert got[0] == expected[0] and got[2:] == expected[2:]
    assert got[1] == pytest.approx(expected[1], rel=1e-6)


def test_parameter_data_refuses_what_is_not_float_data():
    w = tg.nn.Parameter(tg.ones(2))
    with pytest.raises(TypeError, match="floating point array or Tensor, got list"):
        w.data = [1.0, 2.0]
    with pytest.raises(TypeError, match="must hold floating point data, got dtype int64"):
        w.data = np.arange(2)


def out_argument(lib, a, b):
    r = lib.empty(*a.shape)
    lib.add(lib.tensor(a), lib.tensor(b), out=r)
    m = lib.empty(a.shape[0], a.shape[0])
    lib.matmul(lib.tensor(a), lib.tensor(b).t(), out=m)
    return r.numpy().copy(), m.numpy().copy()


def test_out_argument_writes_the_result(rng=np.random.default_rng(3)):
    a, b = (rng.standard_normal((3, 2)).astype(np.float32) for _ in range(2))
    (e1, e2), (g1, g2) = both(out_argument, a, b)
    np.testing.assert_allclose(g1, e1, rtol=1e-6)
    np.testing.assert_allclose(g2, e2, rtol=1e-6)
    w = tg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="functions with out=... arguments don't support"):
        torch.mul(torch.ones(2, requires_grad=True), 2, out=torch.empty(2))
    with pytest.raises(RuntimeError, match="functions with out= don't support automatic "
                                           "differentiation"):
        tg.mul(w, 2, out=tg.empty(2))
    with pytest.raises(ValueError, match=r"out has shape \(3,\) but the result has shape"):
        tg.add(tg.ones(2), 1.0, out=tg.empty(3))


@given(x=hnp.arrays(np.float64, st.tuples(st.integers(1, 2), st.integers(1, 4),
                                          st.integers(1, 4)), elements=st.floats(-3, 3)),
       diagonal=st.integers(-3, 3), upper=st.booleans())
@settings(max_examples=30, deadline=None)
def test_tril_and_triu_equal_pytorchs_with_their_gradient(x, diagonal, upper):
    name = "triu" if upper else "tril"
    weights = np.linspace(-1, 1, x.size).reshape(x.shape)
    t = torch.tensor(x, requires_grad=True)
    (getattr(torch, name)(t, diagonal) * torch.tensor(weights)).sum().backward()
    ours = tg.tensor(x, requires_grad=True)
    y = getattr(ours, name)(diagonal)
    (y * tg.tensor(weights)).sum().backward()
    np.testing.assert_array_equal(y.numpy(), getattr(torch, name)(torch.tensor(x), diagonal))
    np.testing.assert_array_equal(ours.grad.numpy(), t.grad.numpy())
    assert tg.gradgradcheck(lambda v: (getattr(tg, name)(v, diagonal) ** 2).sum(),
                            (tg.tensor(x, requires_grad=True),))


def test_tril_needs_a_matrix():
    with pytest.raises(ValueError, match="tril needs a tensor with at least 2 dims"):
        tg.tril(tg.ones(3))


def small_habits(lib):
    x = lib.tensor([[1.0, 2.0]])
    loss = lib.tensor(1.25)
    w = lib.ones(2, requires_grad=True)
    fn = ((w * lib.ones(2)) ** 2).sum().grad_fn
    while fn is not None and fn.next_functions:
        fn = fn.next_functions[0][0]
    return (x.repeat(2, 1).tolist(), tuple(x.repeat(1, 2, 2).shape), f"{loss}",
            f"{loss:.3f}", type(fn).__name__, fn.variable is w)


def test_repeat_format_and_next_functions_as_pytorchs():
    expected, got = both(small_habits)
    assert got == expected
    with pytest.raises(TypeError):                # outside PyTorch code: ambiguous, refused
        tg.tensor([[1.0, 2.0]]).repeat(2, 1)


def test_load_takes_pytorchs_keywords(tmp_path):
    path = tmp_path / "w.npz"
    tg.save({"w": tg.ones(2)}, path)
    loaded = tg.load(path, map_location="cpu", weights_only=True)
    np.testing.assert_array_equal(loaded["w"].numpy(), [1.0, 1.0])
    with pytest.raises(ValueError, match="weights_only=False asks to unpickle"):
        tg.load(path, weights_only=False)
    with pytest.raises(ValueError, match="CPU only"):
        tg.load(path, map_location="cuda:0")
