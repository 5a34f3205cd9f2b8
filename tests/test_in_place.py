"""In-place ops as PyTorch's: +=, add_ ..., x[idx] = v, zero_/fill_/copy_, on tensors in a graph.

Each pattern runs on torch and on tinygrad_edu with the same numbers (float64) and compares
values and gradients. Where PyTorch's version counter raises (a value saved for backward was
changed) for a change recorded in the graph, tinygrad_edu keeps the old value, so its
gradient equals PyTorch's for the same code with a ``.clone()`` before the change; a change
outside the graph writes into memory shared with views, detach() and numpy(), and raises
at backward where PyTorch's does.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tinygrad_edu as tg

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for in-place semantics")


def leaf(lib, values):
    if lib is torch:
        return torch.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)
    return tg.Tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def zeros(lib, *shape):
    return torch.zeros(*shape, dtype=torch.float64) if lib is torch else tg.Tensor(
        np.zeros(shape))


def same(ours, theirs, tol=1e-10):
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else theirs
    np.testing.assert_allclose(np.asarray(ours), theirs, rtol=tol, atol=tol)


def kept(lib, t):
    """``t`` for an op that saves it before ``t`` changes in place. PyTorch's version counter
    would refuse that backward, so torch gets a clone: the same values and gradient."""
    return t.clone() if lib is torch else t


def both(pattern, *values):
    """Run ``pattern(lib, *leaves)`` on both libraries; compare its result and the grads."""
    results = {}
    for lib in (torch, tg):
        leaves = [leaf(lib, v) for v in values]
        out = pattern(lib, *leaves)
        results[lib] = (out, [x.grad for x in leaves])
    (ours, our_grads), (theirs, their_grads) = results[tg], results[torch]
    same(ours.detach().numpy(), theirs)
    for g, h in zip(our_grads, their_grads):
        assert (g is None) == (h is None)
        if h is not None:
            same(g.numpy(), h)


def test_micrograd_readme_graph_with_augmented_assignment():
    def pattern(lib, a, b):
        c = a + b
        d = a * b + b**3
        c += c + 1
        c += 1 + c + (-a)
        d += d * 2 + (b + a).relu()
        d += 3 * d + (b - a).relu()
        e = c - d
        f = e**2
        g = f / 2.0
        g += 10.0 / f
        g.backward()
        return g

    both(pattern, [-4.0], [2.0])


@pytest.mark.parametrize("method", ["add_", "sub_", "mul_", "div_"])
def test_in_place_method_on_non_leaf_keeps_earlier_users_right(method):
    def pattern(lib, x, w):
        a = x * 1.5
        before = kept(lib, a) ** 2  # uses a before the change
        getattr(a, method)(w)
        (before.sum() + (a * x).sum()).backward()
        return a

    both(pattern, [1.0, -2.0, 3.0], [0.5, 4.0, -1.5])


def test_alpha_and_chained_changes():
    def pattern(lib, x, y):
        a = x.exp() * 1
        a.add_(y, alpha=-2).mul_(3).sub_(x, alpha=0.5).div_(2.0)
        a.pow_(2)
        a.sum().backward()
        return a

    both(pattern, [0.1, 0.2], [1.0, -1.0])


@pytest.mark.parametrize("name", ["neg_", "abs_", "exp_", "sin_", "tanh_", "sigmoid_", "relu_",
                                  "sqrt_", "log_", "square_", "reciprocal_"])
def test_unary_in_place_methods(name):
    def pattern(lib, x):
        a = x * 1
        getattr(a, name)()
        (a * a).sum().backward()
        return a

    both(pattern, [0.5, 1.5, 2.5])


def test_second_order_through_augmented_assignment():
    for lib in (torch, tg):
        x = leaf(lib, [0.3, -0.7])
        c = x * x
        c += kept(lib, c) * x + 1
        (g,) = (torch.autograd.grad if lib is torch else tg.grad)(c.sum(), x, create_graph=True)
        (h,) = (torch.autograd.grad if lib is torch else tg.grad)((g * g).sum(), x)
        if lib is torch:
            expected = h
        else:
            same(h.numpy(), expected)


def test_set_item_records_the_graph():
    def pattern(lib, h, v):
        out = zeros(lib, 3, 2)
        for i in range(2):
            out[i] = (h[i] * (i + 1)).tanh()
        out[2] = h[0] * h[1]
        y = kept(lib, out).sum(0) * out.sum(0)  # uses out before the next change
        out[:, 1] = 7
        out[0, 0] = v[0]
        out[[1, 2], [0, 0]] = v * 2
        ((out ** 2).sum() + y.sum()).backward()
        return out

    both(pattern, [[1.0, 2.0], [3.0, 4.0]], [0.5, -0.25])


def test_set_item_with_a_bool_mask_and_broadcast_value():
    def pattern(lib, x, v):
        a = x * 2
        a[a > 1] = v        # v (one element) broadcast to every masked position
        (a * x).sum().backward()
        return a

    both(pattern, [[0.2, 0.9], [0.4, 0.3]], [5.0])


def test_set_item_naming_a_position_twice_is_refused_when_it_decides_the_gradient():
    v = tg.Tensor([1.0, 2.0], requires_grad=True)
    out = tg.zeros(3)
    with pytest.raises(IndexError, match="names a position twice"):
        out[[0, 0]] = v
    assert np.all(out.numpy() == 0)  # nothing changed
    with tg.no_grad():
        out[[0, 0]] = v   # no gradient to decide: NumPy's last write wins
    assert out.numpy()[0] == 2.0


def test_zero_fill_copy_in_the_graph():
    def pattern(lib, x, s):
        a = x * 3
        b = a * 1
        b.zero_()
        c = a * 1
        c.fill_(2.5)
        d = a * 1
        d.copy_(s * x)           # the gradient flows to s and x through the copy
        (a.sum() + (b + c + d).sum() * x.sum()).backward()
        return d

    both(pattern, [1.0, 2.0], [0.5, -0.5])


def test_custom_backward_accumulating_in_place_under_create_graph():
    class Square(tg.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, gy):
            (x,) = ctx.saved_tensors
            grad_input = gy * x
            grad_input += gy * x   # a Tensor of the graph under create_graph
            return grad_input

    x = tg.Tensor(np.array([0.5, -1.5, 2.0]), requires_grad=True)
    assert tg.gradcheck(Square.apply, (x,))
    assert tg.gradgradcheck(Square.apply, (x,))


def test_where_torch_raises_the_gradient_is_that_of_the_clone():
    x = leaf(tg, [0.5, 1.5])
    y = x.exp()
    y.add_(1)             # torch: exp saved its output; backward raises
    y.sum().backward()
    xt = leaf(torch, [0.5, 1.5])
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        yt = xt.exp()
        yt.add_(1)
        yt.sum().backward()
    xt.grad = None
    yt = xt.exp().clone()
    yt.add_(1)
    yt.sum().backward()
    same(x.grad.numpy(), xt.grad)


def test_leaf_that_requires_grad_refuses_in_place_in_grad_mode():
    w = tg.Tensor([1.0, 2.0], requires_grad=True)
    for change in (lambda: w.add_(1), lambda: w.__iadd__(1), lambda: w.zero_(),
                   lambda: w.__setitem__(0, 5.0)):
        with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
            change()
    assert w.tolist() == [1.0, 2.0]
    with tg.no_grad():
        w -= 0.5 * tg.Tensor([2.0, 2.0])
        w[1] = 7.0
    assert w.tolist() == [0.0, 7.0] and w.is_leaf and w.requires_grad


def test_grad_zero_between_backward_calls_accumulates_like_torch():
    for lib in (torch, tg):
        inp = leaf(lib, np.eye(3)[:2] + 1)
        out = (inp + 1).pow(2) if lib is torch else (inp + 1) ** 2
        ones = torch.ones_like(inp) if lib is torch else tg.Tensor(np.ones(inp.shape))
        out.backward(ones, retain_graph=True)
        out.backward(ones, retain_graph=True)
        twice = inp.grad.numpy().copy()
        inp.grad.zero_()
        out.backward(ones, retain_graph=True)
        if lib is torch:
            expected = (twice, inp.grad.numpy().copy())
        else:
            same(twice, expected[0])
            same(inp.grad.numpy(), expected[1])


def test_views_outside_the_graph_write_through_as_torch():
    for lib in (torch, tg):
        z = zeros(lib, 2, 3)
        z[0].fill_(1)
        z.T[1].mul_(5)
        row = z[1]
        row += 2
        z.reshape(6)[5:].zero_()
        if lib is torch:
            expected = z.numpy().copy()
        else:
            same(z.numpy(), expected)


def test_changing_a_view_of_a_graph_tensor_is_refused():
    x = tg.Tensor(np.ones((2, 3)), requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="view of another tensor"):
        y[0].add_(1)
    with pytest.raises(RuntimeError, match="view of another tensor"):
        y.T.mul_(2)


def test_read_only_view_is_refused_with_the_fix():
    base = tg.Tensor(np.ones(3))
    wide = base.broadcast_to(2, 3)
    with pytest.raises(ValueError, match="read-only view"):
        wide.add_(1)


def test_dtypes_as_torch_and_nothing_truncated():
    x = tg.Tensor(np.ones(3, dtype=np.float32))
    x += np.ones(3)          # float64 into float32 stays float32, as torch
    assert x.dtype == np.float32
    n = tg.Tensor(np.arange(3))
    with pytest.raises(TypeError, match="can't be cast"):
        n += 1.5
    with pytest.raises(TypeError, match="can't be cast"):
        n[0] = 2.5
    with pytest.raises(ValueError, match="change the shape"):
        x += np.ones((2, 3))
    assert n.tolist() == [0, 1, 2] and x.shape == (3,)


def test_normal_and_uniform_are_seeded_and_checked():
    tg.manual_seed(3)
    a = tg.zeros(1000).normal_(2.0, 0.5)
    tg.manual_seed(3)
    b = tg.zeros(1000).normal_(2.0, 0.5)
    assert np.array_equal(a.numpy(), b.numpy())
    assert abs(a.numpy().mean() - 2.0) < 0.1 and abs(a.numpy().std() - 0.5) < 0.1
    u = tg.zeros(1000).uniform_(-1, 3)
    assert u.numpy().min() >= -1 and u.numpy().max() < 3
    with pytest.raises(ValueError):
        tg.zeros(3).normal_(0, -1)
    with pytest.raises(ValueError):
        tg.zeros(3).uniform_(2, 1)


def test_graph_is_freed_after_backward_with_in_place_changes():
    import gc
    import weakref
    x = tg.Tensor(np.ones(4), requires_grad=True)
    c = x * 2
    c += c * 3
    node = weakref.ref(c.creator.inputs[0])  # the version before +=
    c.sum().backward()
    gc.collect()
    assert node() is None


_OPS = st.sampled_from(["add_", "sub_", "mul_", "iadd", "imul", "setitem", "pow_"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_OPS, st.integers(0, 2)), min_size=1, max_size=6),
       st.lists(st.floats(0.5, 2.0), min_size=3, max_size=3))
def test_random_in_place_programs_match_torch(program, values):
    def pattern(lib, x, w):
        a = x * 1
        used = []
        for op, i in program:
            used.append(kept(lib, a) * w)
            if op == "iadd":
                a += w * (i + 1)
            elif op == "imul":
                a *= w
            elif op == "setitem":
                source = a[(i + 1) % 3]
                a[i] = w[i] * kept(lib, source)
            elif op == "pow_":
                a.abs_()
                a.pow_(1.5)
            else:
                getattr(a, op)(w)
        total = (a * a).sum()
        for u in used:
            total = total + u.sum()
        total.backward()
        return a

    both(pattern, values, [v / 2 for v in values])


def test_ops_between_several_changes_each_see_their_version():
    def pattern(lib, x, w):
        a = x * 1
        first = kept(lib, a) * w          # saw version 0
        a.mul_(w)
        second = kept(lib, a) * w         # saw version 1
        a.add_(1)                         # recorded: version 2
        third = kept(lib, a) * w          # saw version 2
        a.add_(x * w)
        (first.sum() + 2 * second.sum() + 3 * third.sum() + (a * a).sum()).backward()
        return a

    both(pattern, [1.0, -0.5], [2.0, 0.25])


@pytest.mark.parametrize("where", ["no_grad", "constant"])
def test_a_change_outside_the_graph_to_a_saved_value_raises_at_backward(where):
    """Outside the graph a change writes into the tensor's memory, as PyTorch: an op that
    saved the old values raises in backward (PyTorch's version counter), never a gradient
    from values the forward pass did not use."""
    for lib in (torch, tg):
        w = leaf(lib, [2.0, 0.25])
        if where == "no_grad":
            a = w * 1
            y = (a * w).sum()                      # Mul saved a
            with (torch.no_grad() if lib is torch else tg.no_grad()):
                a.add_(1)
        else:
            a = lib.tensor([1.0, -0.5], dtype=lib.float64)
            y = (a * w).sum()                      # Mul saved the constant a, for w's grad
            a[0] = 5.0
        with pytest.raises(RuntimeError, match="modified by an inplace operation" if lib is torch
                           else "changed by an in-place operation: an array of shape \\(2,\\) "
                                "saved by Mul was written after Mul used it"):
            y.backward()


def test_a_change_outside_the_graph_after_backward_or_unused_is_fine():
    w = tg.tensor([2.0, 0.25], requires_grad=True)
    a = tg.tensor([1.0, -0.5])
    (a * w).sum().backward()
    a.add_(1)                                      # after backward: nothing saved any more
    y = (a + w).sum()                              # Add saves no values
    a.mul_(3)
    y.backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.array([1.0, -0.5], np.float32) + 1)


# --- memory shared with views, detach() and numpy(), as PyTorch's storage ---

SHARING = {
    "view sees its base change": lambda lib: (lambda a: (a[:2], a.add_(1))[0])(lib.zeros(4)),
    "base sees its view change": lambda lib: (lambda a: (a, a[1:3].mul_(0).add_(5))[0])(
        lib.ones(4)),
    "transpose sees setitem": lambda lib: (lambda a: (a.t(), a.__setitem__((0, 1), 5.0))[0])(
        lib.zeros(2, 2)),
    "reshape sees fill_": lambda lib: (lambda a: (a.reshape(2, 2), a.fill_(3.0))[0])(
        lib.zeros(4)),
    "detach shares": lambda lib: (lambda a: (a.detach(), a.sub_(2))[0])(lib.ones(3)),
    "numpy shares": lambda lib: (lambda a: (a.numpy(), a.add_(1))[0])(lib.ones(5)),
    "augmented assignment": lambda lib: (lambda a: (lambda v: (v, a.__imul__(3)))(a[::2])[0])(
        lib.arange(4.0)),
}


@pytest.mark.parametrize("name", list(SHARING))
def test_changes_outside_the_graph_are_seen_where_pytorch_shares_memory(name):
    expected, got = SHARING[name](torch), SHARING[name](tg)
    expected = expected.numpy() if isinstance(expected, torch.Tensor) else expected
    np.testing.assert_array_equal(np.asarray(got), expected)


def test_a_change_in_the_graph_to_a_viewed_tensor_is_refused():
    """PyTorch updates the view (and rebases its gradient); here the tensor gets a new
    version in the graph, which the view would not see: refused, not silently stale."""
    x = tg.ones(3, requires_grad=True)
    y = x * 2
    v = y[:2]
    with pytest.raises(RuntimeError, match="mul_ on a tensor that has views .* while "
                                           "recording the graph"):
        y.mul_(3)
    np.testing.assert_array_equal(v.numpy(), [2.0, 2.0])    # nothing was changed
    del v                                                   # the view gone: allowed
    y.mul_(3)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 6.0, 6.0])
