"""tg.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp.

Against torch.autograd.functional on the same functions (values, dtypes, the tuple-or-Tensor
structure, create_graph=True differentiated again), and, without torch, against the
definitions: central differences of the function (J) and of its hand-written gradient (H).
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg

from strategies import arrays, reals, shapes

F = tg.autograd.functional
APIS_V = ("vjp", "jvp", "hvp", "vhp")


def torch_or_skip():
    return pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")


def rng():
    return np.random.default_rng(0)


# --- functions written once for both libraries (methods and operators they share) ---
# Each case: name, builder(const) -> func, input shapes. ``const`` makes a constant tensor
# of the library, so weights are the same numbers in both.

W = rng().normal(size=(3, 2))

CASES = [
    ("0-d", lambda c: lambda x: x.sin() * x, [()]),
    ("size-1", lambda c: lambda x: x.exp() * 2.0, [(1,)]),
    ("matrix", lambda c: lambda x: x.tanh() @ c(W), [(2, 3)]),
    ("broadcast two in", lambda c: lambda x, y: x * y.exp(), [(2, 1), (3,)]),
    ("two out", lambda c: lambda x: (x ** 2, x.sum()), [(2, 2)]),
    ("two in two out", lambda c: lambda x, y: (x * y, (x.sin() + y).sum()), [(), (1, 3)]),
    ("tuple of one", lambda c: lambda x: (x * 3.0,), [(2,)]),
]
SCALAR_CASES = [
    ("0-d", lambda c: lambda x: x.sin() * x.exp(), [()]),
    ("vector", lambda c: lambda x: (x.tanh() ** 2).sum(), [(3,)]),
    ("size-1 output (1,)", lambda c: lambda x: (x.exp() * x).sum(0), [(1, 1)]),
    ("two in", lambda c: lambda x, y: ((x @ y).sigmoid() * x).sum(), [(2,), (2, 2)]),
    ("tuple of one", lambda c: lambda x: (x ** 3).sum(), [(2,)]),
]


def draw_inputs(shapes_, seed=0):
    r = np.random.default_rng(seed)
    return [np.asarray(r.uniform(-1.5, 1.5, s)) for s in shapes_]


def both(case, requires_grad=False, single_as_tuple=None):
    """(our func, our inputs, torch func, torch inputs) for a case; a single input is
    passed as a Tensor unless the case says tuple."""
    torch = torch_or_skip()
    name, build, in_shapes = case
    arrays_ = draw_inputs(in_shapes)
    ours = tuple(tg.Tensor(a, requires_grad=requires_grad) for a in arrays_)
    theirs = tuple(torch.tensor(a, requires_grad=requires_grad) for a in arrays_)
    as_tuple = len(arrays_) > 1 or name == "tuple of one"
    if not as_tuple:
        ours, theirs = ours[0], theirs[0]
    return (build(lambda a: tg.Tensor(a)), ours, build(lambda a: torch.tensor(a)), theirs)


def assert_same(ours, theirs, path="result"):
    """Same nesting (tuple or Tensor), shapes, dtypes and values as PyTorch's answer."""
    torch = torch_or_skip()
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), f"{path}: {type(ours)}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{path}[{i}]")
        return
    assert isinstance(theirs, torch.Tensor)
    assert isinstance(ours, tg.Tensor), f"{path}: expected a Tensor, got {type(ours)}"
    assert ours.shape == tuple(theirs.shape), f"{path}: {ours.shape} vs {tuple(theirs.shape)}"
    assert ours.dtype == theirs.detach().numpy().dtype, path
    rtol = 1e-10 if ours.dtype == np.float64 else 1e-6  # float32: a few ulps of exp
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=rtol, atol=rtol / 100,
                               err_msg=path)


def like(t, seed, lib, requires_grad=False):
    """A random tensor (or tuple) shaped like ``t`` (a tg or torch tensor, or a tuple)."""
    if isinstance(t, tuple):
        return tuple(like(x, seed + i, lib, requires_grad) for i, x in enumerate(t))
    a = np.asarray(np.random.default_rng(seed).normal(size=tuple(t.shape)))
    make = tg.Tensor if lib is tg else lib.tensor
    return make(a, requires_grad=requires_grad)


def v_for(api, func, inputs):
    """The v each product takes: shaped like the outputs (vjp) or the inputs (the others)."""
    if api == "vjp":
        return func(*inputs) if isinstance(inputs, tuple) else func(inputs)
    return inputs


# --- against torch.autograd.functional ---

@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_jacobian_matches_torch(case):
    torch = torch_or_skip()
    f, x, tf, tx = both(case)
    assert_same(F.jacobian(f, x), torch.autograd.functional.jacobian(tf, tx))


@pytest.mark.parametrize("case", SCALAR_CASES, ids=[c[0] for c in SCALAR_CASES])
def test_hessian_matches_torch(case):
    torch = torch_or_skip()
    f, x, tf, tx = both(case)
    assert_same(F.hessian(f, x), torch.autograd.functional.hessian(tf, tx))


@pytest.mark.parametrize("api", ["vjp", "jvp"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_vjp_jvp_match_torch(case, api):
    torch = torch_or_skip()
    f, x, tf, tx = both(case)
    shaped = v_for(api, tf, tx)
    ours = getattr(F, api)(f, x, like(shaped, 1, tg))
    assert_same(ours, getattr(torch.autograd.functional, api)(tf, tx, like(shaped, 1, torch)))


@pytest.mark.parametrize("api", ["hvp", "vhp", "vjp"])
@pytest.mark.parametrize("case", SCALAR_CASES, ids=[c[0] for c in SCALAR_CASES])
def test_hvp_vhp_match_torch(case, api):
    torch = torch_or_skip()
    f, x, tf, tx = both(case)
    shaped = v_for(api, tf, tx)
    ours = getattr(F, api)(f, x, like(shaped, 2, tg))
    assert_same(ours, getattr(torch.autograd.functional, api)(tf, tx, like(shaped, 2, torch)))


def test_v_none_for_single_elements_matches_torch():
    torch = torch_or_skip()
    f, x, tf, tx = both(SCALAR_CASES[0])  # a 0-d input and a 0-d output
    for api in APIS_V:
        assert_same(getattr(F, api)(f, x), getattr(torch.autograd.functional, api)(tf, tx))


def skewed(lib):
    """A Function whose backward is not a true gradient: g = (gy * y, gy * 2x), so its
    "Hessian" [[0, I], [2I, 0]] is not symmetric and hvp (H v) differs from vhp (v^T H)."""
    base = tg.Function if lib is tg else lib.autograd.Function

    class Skewed(base):
        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_backward(x, y)
            return (x * y).sum()

        @staticmethod
        def backward(ctx, gy):
            x, y = ctx.saved_tensors
            return gy * y, gy * 2.0 * x

    return Skewed.apply


def test_hvp_and_vhp_differ_for_a_non_symmetric_hessian_as_in_torch():
    torch = torch_or_skip()
    a, b = np.array([1.0, 2.0]), np.array([-1.0, 0.5])
    for api, want in [("hvp", (b, 2 * a)), ("vhp", (2 * b, a))]:
        ours = getattr(F, api)(skewed(tg), (tg.Tensor(a), tg.Tensor(b)),
                               (tg.Tensor(a), tg.Tensor(b)))
        theirs = getattr(torch.autograd.functional, api)(
            skewed(torch), (torch.tensor(a), torch.tensor(b)),
            (torch.tensor(a), torch.tensor(b)))
        assert_same(ours, theirs)
        for got, expected in zip(ours[1], want):
            np.testing.assert_array_equal(got.data, expected)


def test_float32_stays_float32_as_in_torch():
    torch = torch_or_skip()
    a = np.float32([0.5, -1.0])
    x, tx = tg.Tensor(a), torch.tensor(a)
    assert_same(F.jacobian(lambda t: t.exp(), x),
                torch.autograd.functional.jacobian(lambda t: t.exp(), tx))
    assert_same(F.hessian(lambda t: (t ** 3).sum(), x),
                torch.autograd.functional.hessian(lambda t: (t ** 3).sum(), tx))


def total(result, seed, lib):
    """A weighted sum of every tensor in a (nested) result: a scalar to differentiate."""
    parts = []
    stack = [result]
    while stack:
        r = stack.pop()
        if isinstance(r, tuple):
            stack.extend(r)
        else:
            parts.append((r * like(r, seed + len(parts), lib)).sum())
    return sum(parts[1:], parts[0])


def grads_of(tensors):
    return [None if t.grad is None else t.grad.detach().numpy() for t in tensors]


def as_tuple(t):
    return t if isinstance(t, tuple) else (t,)


@pytest.mark.parametrize("api", ["jacobian", "hessian", *APIS_V])
def test_create_graph_result_differentiates_like_torch(api):
    """create_graph=True: the result stays in the graph of the caller's inputs (and of v),
    so differentiating it again fills their .grad as in PyTorch."""
    torch = torch_or_skip()
    case = SCALAR_CASES[3] if api in ("hessian", "hvp", "vhp") else CASES[5]
    f, x, tf, tx = both(case, requires_grad=True)
    if api in ("jacobian", "hessian"):
        ours = getattr(F, api)(f, x, create_graph=True)
        theirs = getattr(torch.autograd.functional, api)(tf, tx, create_graph=True)
        leaves, tleaves = x, tx
    else:
        v, tv = like(v_for(api, f, x), 3, tg, True), like(v_for(api, tf, tx), 3, torch, True)
        ours = getattr(F, api)(f, x, v, create_graph=True)
        theirs = getattr(torch.autograd.functional, api)(tf, tx, tv, create_graph=True)
        leaves, tleaves = as_tuple(x) + as_tuple(v), as_tuple(tx) + as_tuple(tv)
    assert_same(ours, theirs)
    total(ours, 7, tg).backward()
    total(theirs, 7, torch).backward()
    for i, (a, b) in enumerate(zip(grads_of(leaves), grads_of(tleaves))):
        assert (a is None) == (b is None), f"leaf {i}"
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=f"leaf {i}")


def test_unused_input_zeros_or_strict_error_as_torch():
    torch = torch_or_skip()
    x, y = tg.Tensor(np.ones(2)), tg.Tensor(np.ones(3))
    tx, ty = torch.ones(2, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    assert_same(F.jacobian(lambda a, b: a * 2.0, (x, y)),
                torch.autograd.functional.jacobian(lambda a, b: a * 2.0, (tx, ty)))
    assert_same(F.hessian(lambda a, b: (a ** 3).sum(), (x, y)),
                torch.autograd.functional.hessian(lambda a, b: (a ** 3).sum(), (tx, ty)))
    for api, func in [("jacobian", lambda a, b: a * 2.0), ("hessian", lambda a, b: a.sum()),
                      ("vjp", lambda a, b: (a * a).sum()), ("vhp", lambda a, b: (a ** 3).sum()),
                      ("hvp", lambda a, b: (a ** 3).sum()), ("jvp", lambda a, b: a * 2.0)]:
        args = () if api in ("jacobian", "hessian") else (
            tg.Tensor(1.0, dtype=np.float64) if api == "vjp" else (x, y),)
        targs = () if api in ("jacobian", "hessian") else (
            torch.tensor(1.0, dtype=torch.float64) if api == "vjp" else (tx, ty),)
        with pytest.raises(RuntimeError):
            getattr(torch.autograd.functional, api)(func, (tx, ty), *targs, strict=True)
        with pytest.raises(RuntimeError, match="strict"):
            getattr(F, api)(func, (x, y), *args, strict=True)


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")
def test_vectorize_and_forward_mode_give_the_same_values_and_refusals_as_torch():
    torch = torch_or_skip()
    f, x, tf, tx = both(CASES[4])
    plain = F.jacobian(f, x)
    for kwargs in ({"vectorize": True}, {"vectorize": True, "strategy": "forward-mode"}):
        assert_same(F.jacobian(f, x, **kwargs), torch.autograd.functional.jacobian(tf, tx, **kwargs))
        for a, b in zip(F.jacobian(f, x, **kwargs), plain):
            np.testing.assert_array_equal(a.data, b.data)
    g, y, tg_, ty = both(SCALAR_CASES[1])
    assert_same(F.hessian(g, y, vectorize=True, outer_jacobian_strategy="forward-mode"),
                torch.autograd.functional.hessian(tg_, ty, vectorize=True,
                                                  outer_jacobian_strategy="forward-mode"))
    refused = [({"strategy": "forward-mode"}, NotImplementedError),
               ({"strategy": "forward-mode", "vectorize": True, "create_graph": True},
                NotImplementedError),
               ({"vectorize": True, "strict": True}, RuntimeError)]
    for kwargs, error in refused:
        with pytest.raises(error):
            torch.autograd.functional.jacobian(tf, tx, **kwargs)
        with pytest.raises(error):
            F.jacobian(f, x, **kwargs)


# --- against the definitions, without torch ---

def f_tg(x, y):
    return x.sin() * y, (x * y.tanh()).sum()


def f_np(x, y):
    return np.sin(x) * y, np.sum(x * np.tanh(y))


def g_tg(x, y):
    return (x.sin() * y.exp()).sum() + (x * x * y).sum()


def g_np_grad(x, y):
    """The gradient of g written out by hand: an independent definition."""
    return np.cos(x) * np.exp(y) + 2 * x * y, np.sin(x) * np.exp(y) + x * x


def central_jacobian(f, arrays_, h=1e-6):
    """J[i][j] of shape out_i.shape + in_j.shape by central differences of ``f``."""
    outs = f(*arrays_)
    jac = [[np.zeros(np.shape(o) + a.shape) for a in arrays_] for o in outs]
    for j, a in enumerate(arrays_):
        for k in np.ndindex(a.shape):
            plus, minus = [b.copy() for b in arrays_], [b.copy() for b in arrays_]
            plus[j][k] += h
            minus[j][k] -= h
            for i, (p, m) in enumerate(zip(f(*plus), f(*minus))):
                jac[i][j][(...,) + k] = (np.asarray(p) - np.asarray(m)) / (2 * h)
    return jac


def matrix(blocks, rows, cols):
    """Blocks J[i][j] as one 2-D matrix: rows are flattened outputs, columns inputs."""
    return np.block([[np.reshape(b, (r, c)) for b, c in zip(row, cols)]
                     for row, r in zip(blocks, rows)])


pair = shapes(max_dims=2, max_side=3).flatmap(
    lambda s: st.tuples(arrays(s), arrays(s, reals(-1.0, 1.0))))


@given(pair)
def test_jacobian_matches_central_differences(xy):
    x, y = xy
    jac = F.jacobian(f_tg, (tg.Tensor(x), tg.Tensor(y)))
    for got_row, want_row in zip(jac, central_jacobian(f_np, [x, y])):
        for got, want in zip(got_row, want_row):
            assert got.shape == want.shape
            np.testing.assert_allclose(got.data, want, rtol=1e-6, atol=1e-7)


@given(pair)
def test_hessian_is_symmetric_and_matches_differences_of_the_gradient(xy):
    x, y = xy
    n = x.size
    hess = F.hessian(g_tg, (tg.Tensor(x), tg.Tensor(y)))
    h = matrix([[b.data for b in row] for row in hess], [n, n], [n, n])
    np.testing.assert_allclose(h, h.T, rtol=1e-12, atol=1e-12)
    want = matrix(central_jacobian(g_np_grad, [x, y]), [n, n], [n, n])
    np.testing.assert_allclose(h, want, rtol=1e-6, atol=1e-7)
    assert hess[0][1].shape == x.shape + y.shape


@given(pair, st.integers(0, 2 ** 16))
def test_products_are_the_matrix_products(xy, seed):
    """vjp = v^T J, jvp = J v, hvp = H v, vhp = v^T H, with J and H from jacobian/hessian."""
    x, y = xy
    n = x.size
    xs = (tg.Tensor(x), tg.Tensor(y))
    r = np.random.default_rng(seed)
    v_in = (r.normal(size=x.shape), r.normal(size=y.shape))
    v_out = (r.normal(size=x.shape), r.normal(size=()))
    flat_in, flat_out = np.concatenate([a.ravel() for a in v_in]), np.concatenate(
        [a.ravel() for a in v_out])
    jac = matrix([[b.data for b in row] for row in F.jacobian(f_tg, xs)], [n, 1], [n, n])
    hess = matrix([[b.data for b in row] for row in F.hessian(g_tg, xs)], [n, n], [n, n])
    tv_in, tv_out = tuple(map(tg.Tensor, v_in)), tuple(map(tg.Tensor, v_out))
    flat = lambda ts: np.concatenate([t.data.ravel() for t in ts])  # noqa: E731
    np.testing.assert_allclose(flat(F.vjp(f_tg, xs, tv_out)[1]), flat_out @ jac, atol=1e-12)
    np.testing.assert_allclose(flat(F.jvp(f_tg, xs, tv_in)[1]), jac @ flat_in, atol=1e-12)
    np.testing.assert_allclose(flat(F.hvp(g_tg, xs, tv_in)[1]), hess @ flat_in, atol=1e-12)
    np.testing.assert_allclose(flat(F.vhp(g_tg, xs, tv_in)[1]), flat_in @ hess, atol=1e-12)
    out, _ = F.vjp(f_tg, xs, tv_out)
    np.testing.assert_allclose(out[0].data, f_np(x, y)[0])


@given(arrays(shapes(max_dims=2, max_side=3)))
def test_jacobian_of_one_input_and_output_is_a_tensor(x):
    jac = F.jacobian(lambda t: t.exp(), tg.Tensor(x))
    assert isinstance(jac, tg.Tensor) and jac.shape == x.shape + x.shape
    np.testing.assert_allclose(jac.data.reshape(x.size, x.size), np.diag(np.exp(x.ravel())))


# --- the caller's tensors, grad mode, edge cases ---

def test_inputs_and_their_grad_are_untouched_and_results_detached():
    x = tg.Tensor(np.array([0.5, -1.0]), requires_grad=True)
    before = x.data.copy()
    f = lambda t: (t ** 3).sum()  # noqa: E731
    results = [F.jacobian(f, x), F.hessian(f, x)] + [
        r for api in APIS_V for r in getattr(F, api)(f, x, None if api == "vjp" else x)]
    assert x.grad is None and x.creator is None and x.requires_grad
    np.testing.assert_array_equal(x.data, before)
    assert not any(r.requires_grad for r in results)


def test_works_under_no_grad():
    with tg.no_grad():
        jac = F.jacobian(lambda t: t * t, tg.Tensor(np.array([1.0, 2.0])))
    np.testing.assert_allclose(jac.data, np.diag([2.0, 4.0]))


def test_outputs_without_graph_give_zeros():
    x = tg.Tensor(np.array([1.0, 3.0, 2.0]))
    jac = F.jacobian(lambda t: (t * 2.0, t.argmax()), x)
    np.testing.assert_allclose(jac[0].data, 2 * np.eye(3))
    assert jac[1].shape == (3,) and not jac[1].data.any()
    _, (j0, j1) = F.jvp(lambda t: (t * 2.0, t.argmax()), x, x)
    np.testing.assert_allclose(j0.data, 2 * x.data)
    assert j1.shape == () and j1.data == 0


def test_empty_output_gives_an_empty_jacobian():
    jac = F.jacobian(lambda t: t[:0], tg.Tensor(np.ones(3)))
    assert jac.shape == (0, 3)


def test_identity_and_constant_functions():
    x = tg.Tensor(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(F.jacobian(lambda t: t, x).data, np.eye(2))
    np.testing.assert_array_equal(F.jvp(lambda t: t, x, x)[1].data, x.data)
    assert not F.hessian(lambda t: t.sum(), x).data.any()


# --- bad input: a clear error naming the argument ---

x2 = tg.Tensor(np.array([1.0, 2.0]))
square = lambda t: t * t  # noqa: E731
cube_sum = lambda t: (t ** 3).sum()  # noqa: E731
BAD = [
    (lambda: F.jacobian(square, [x2]), TypeError, "inputs must be a Tensor"),
    (lambda: F.jacobian(square, (x2, 3.0)), TypeError, r"inputs\[1\] must be a Tensor"),
    (lambda: F.jacobian(square, np.ones(2)), TypeError, "inputs must be a Tensor"),
    (lambda: F.jacobian(lambda t: 3.0, x2), TypeError, "outputs of func must be a Tensor"),
    (lambda: F.jacobian(lambda t: t.data, x2), TypeError, "outputs of func"),
    (lambda: F.jacobian("square", x2), TypeError, "func must be a callable"),
    (lambda: F.jacobian(square, tg.Tensor(np.arange(2))), TypeError, "floating point"),
    (lambda: F.jacobian(square, x2, create_graph="yes"), TypeError, "create_graph"),
    (lambda: F.jacobian(square, x2, strategy="forward"), ValueError, "strategy"),
    (lambda: F.hessian(cube_sum, x2, outer_jacobian_strategy="fwd"), ValueError, "strategy"),
    (lambda: F.hessian(square, x2), RuntimeError, "single element"),
    (lambda: F.hessian(lambda t: (t.sum(), t.sum()), x2), RuntimeError, "single Tensor"),
    (lambda: F.vhp(square, x2, x2), RuntimeError, "single element"),
    (lambda: F.hvp(square, x2, x2), RuntimeError, "single element"),
    (lambda: F.vjp(square, x2), RuntimeError, "v can only be None"),
    (lambda: F.jvp(square, x2), RuntimeError, "v can only be None"),
    (lambda: F.hvp(cube_sum, x2), RuntimeError, "v can only be None"),
    (lambda: F.vjp(square, x2, tg.Tensor(np.ones(3))), RuntimeError, r"v has shape \(3,\)"),
    (lambda: F.jvp(square, (x2, x2), (x2, tg.Tensor(np.ones(1)))), RuntimeError,
     r"v\[1\] has shape"),
    (lambda: F.jvp(square, (x2,), (x2, x2)), RuntimeError, "v has 2 Tensors"),
    (lambda: F.vhp(cube_sum, x2, [x2]), TypeError, "v must be a Tensor"),
    (lambda: F.hvp(cube_sum, x2, np.ones(2)), TypeError, "v must be a Tensor"),
]


@pytest.mark.parametrize("call, error, message", BAD, ids=[m for _, _, m in BAD])
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_bad_input_is_refused_by_torch_too():
    """The same mistakes are errors in PyTorch: our refusals are not stricter habits."""
    torch = torch_or_skip()
    tf = torch.autograd.functional
    t = torch.tensor([1.0, 2.0], dtype=torch.float64)
    for call in [lambda: tf.jacobian(lambda a: a * a, [t]), lambda: tf.jacobian(lambda a: 3.0, t),
                 lambda: tf.hessian(lambda a: a * a, t), lambda: tf.vjp(lambda a: a * a, t),
                 lambda: tf.vjp(lambda a: a * a, t, torch.ones(3, dtype=torch.float64)),
                 lambda: tf.jacobian(lambda a: a * a, torch.arange(2))]:
        with pytest.raises((TypeError, RuntimeError)):
            call()
