"""Tensor.register_hook and Module hooks against PyTorch's semantics: order, replacement,
removal, one call per backward on a leaf's summed gradient, retain_grad and grad() seeing
the hooked gradient, create_graph, and the errors."""
import gc
import weakref

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tinygrad_edu as tg

from torch_oracle import both

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for hook semantics")


def rounded(values):
    return [None if v is None else np.round(np.asarray(v, np.float64), 6).tolist()
            for v in values]


def tensor_hooks_program(lib, values, scale):
    log = []
    x = lib.tensor(values, requires_grad=True)
    h = x * 2
    h.register_hook(lambda g: log.append(("h1", g.tolist())) or g * scale)
    h.register_hook(lambda g: log.append(("h2", g.tolist())))
    h.retain_grad()
    x.register_hook(lambda g: log.append(("x", g.tolist())))
    y = (h * h).sum() + (h * x).sum()        # x used twice: its hook still runs once
    y.backward()
    y2 = (x * 3).sum()
    y2.backward()                            # .grad accumulates; the hook sees this pass only
    return log, h.grad.tolist(), x.grad.tolist()


@given(values=st.lists(st.floats(-3, 3, width=32), min_size=1, max_size=4),
       scale=st.floats(-2, 2, width=32))
@settings(max_examples=25, deadline=None)
def test_tensor_hooks_order_replacement_and_accumulation(values, scale):
    (e_log, e_h, e_x), (g_log, g_h, g_x) = both(tensor_hooks_program, values, scale)
    assert [k for k, _ in g_log] == [k for k, _ in e_log] == ["h1", "h2", "x", "x"]
    for (_, e), (_, g) in zip(e_log, g_log):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(g_h, e_h, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(g_x, e_x, rtol=1e-5, atol=1e-5)


def grad_and_removal_program(lib):
    log = []
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.register_hook(lambda g: log.append(("h", g.tolist())) or g * 10)
    x.register_hook(lambda g: log.append(("x", g.tolist())))
    (gh,) = lib.autograd.grad((h * 3).sum(), h)           # stops at h: x's hook not run
    handle = x.register_hook(lambda g: g * 100)
    (gx,) = lib.autograd.grad((x * 3).sum(), x)           # grad() returns the hooked value
    handle.remove()
    (gx2,) = lib.autograd.grad((x * 3).sum(), x)
    return log, gh.tolist(), gx.tolist(), gx2.tolist()


def test_hooks_with_grad_and_removal():
    expected, got = both(grad_and_removal_program)
    assert got == expected


def create_graph_program(lib, values):
    x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
    h = x.tanh()
    h.register_hook(lambda g: g * h)       # the new gradient depends on the graph
    (gx,) = lib.autograd.grad((h * h).sum(), x, create_graph=True)
    (ggx,) = lib.autograd.grad(gx.sum(), x)
    return gx.detach().numpy(), ggx.numpy()


@given(values=st.lists(st.floats(-2, 2), min_size=1, max_size=4))
@settings(max_examples=25, deadline=None)
def test_hooks_under_create_graph_are_differentiated(values):
    (e1, e2), (g1, g2) = both(create_graph_program, values)
    np.testing.assert_allclose(g1, e1, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g2, e2, rtol=1e-10, atol=1e-12)


def test_hook_errors():
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't "
                                           "require gradient"):
        tg.ones(2).register_hook(lambda g: g)
    with pytest.raises(TypeError, match="register_hook takes a function"):
        tg.ones(2, requires_grad=True).register_hook(3)
    x = tg.ones(2, requires_grad=True)
    x.register_hook(lambda g: tg.ones(3))
    with pytest.raises(RuntimeError, match="has changed the size of the gradient from "
                                           r"\(2,\) to \(3,\)"):
        (x * 2).sum().backward()
    y = tg.ones(2, requires_grad=True)
    y.register_hook(lambda g: g.astype(np.float64))
    with pytest.raises(RuntimeError, match="has changed the type of the gradient"):
        (y * 2).sum().backward()
    z = tg.ones(2, requires_grad=True)
    z.register_hook(lambda g: [1.0, 2.0])
    with pytest.raises(TypeError, match="returned list; return a Tensor"):
        (z * 2).sum().backward()


def test_a_hook_keeps_neither_tensor_nor_graph_alive():
    x = tg.ones(3, requires_grad=True)
    h = x * 2
    with h.register_hook(lambda g: g * 2):   # a handle is a context manager too
        ref = weakref.ref(h.creator)
        del h
        gc.collect()
        assert ref() is None


# --- Module hooks ---

def _linear(lib, n_in, n_out):
    lin = lib.nn.Linear(n_in, n_out)
    with lib.no_grad():
        lin.weight.copy_(lib.tensor(np.linspace(-1, 1, n_in * n_out, dtype=np.float32)
                                    .reshape(n_out, n_in)))
        lin.bias.copy_(lib.tensor(np.linspace(0, 1, n_out, dtype=np.float32)))
    return lin


def module_hooks_program(lib, input_requires_grad):
    log = []
    lin = _linear(lib, 2, 3)
    lin.register_full_backward_hook(
        lambda m, gi, go: log.append(("bwd", rounded(gi), rounded(go))))
    lin.register_forward_pre_hook(lambda m, args: log.append(("pre", len(args))))
    lin.register_forward_hook(lambda m, args, out: log.append(("fwd", list(out.shape))))
    x = lib.ones(4, 2, requires_grad=input_requires_grad)
    (lin(x) ** 2).sum().backward()
    return log, rounded([lin.weight.grad])


@pytest.mark.parametrize("input_requires_grad", [True, False])
@pytest.mark.filterwarnings("ignore:Full backward hook is firing")
def test_module_hooks_see_what_pytorchs_see(input_requires_grad):
    expected, got = both(module_hooks_program, input_requires_grad)
    assert got == expected


def module_replacements_program(lib):
    lin = _linear(lib, 2, 1)
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0,))
    x = lib.ones(1, 2, requires_grad=True)
    lin(x).sum().backward()
    lin3 = _linear(lib, 2, 1)
    lin3.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
    handle = lin3.register_forward_hook(lambda m, args, out: out + 1)
    hooked = lin3(lib.ones(1, 2)).tolist()
    handle.remove()
    order = []
    lin4 = _linear(lib, 2, 2)
    lin4.register_forward_hook(lambda m, a, o: order.append("A"))
    lin4.register_forward_hook(lambda m, a, o: order.append("B"), prepend=True)
    lin4(lib.ones(1, 2))
    seq = lib.nn.Sequential(_linear(lib, 2, 2), lib.nn.Tanh(), _linear(lib, 2, 1))
    for i, m in enumerate(seq):
        m.register_full_backward_hook(lambda m, gi, go, i=i: order.append((i, rounded(gi))))
    seq(lib.ones(1, 2, requires_grad=True)).sum().backward()
    return (x.grad.tolist(), lin.weight.grad.tolist(), hooked, lin3(lib.ones(1, 2)).tolist(),
            order)


def test_module_hooks_replace_inputs_outputs_and_gradients_as_pytorchs():
    expected, got = both(module_replacements_program)
    assert got == expected


def second_order_module_program(lib):
    lin = _linear(lib, 2, 2).double()
    seen = []
    lin.register_full_backward_hook(lambda m, gi, go: seen.append(len(gi)))
    x = lib.tensor([[0.3, -0.7]], dtype=lib.float64, requires_grad=True)
    (gx,) = lib.autograd.grad(lin(x).tanh().sum(), x, create_graph=True)
    (ggx,) = lib.autograd.grad((gx * gx).sum(), x)
    return seen, gx.detach().numpy().round(10).tolist(), ggx.numpy().round(10).tolist()


def test_second_order_through_a_module_with_a_backward_hook():
    expected, got = both(second_order_module_program)
    assert got == expected


def test_module_hook_errors():
    lin = tg.nn.Linear(2, 1)
    with pytest.raises(TypeError, match="a module hook must be a function"):
        lin.register_forward_hook("print")
    lin.register_full_backward_hook(lambda m, gi, go: (None, None))
    with pytest.raises(RuntimeError, match="returned 2 gradients for 1 inputs"):
        lin(tg.ones(1, 2, requires_grad=True)).sum().backward()
