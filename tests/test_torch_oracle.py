"""PyTorch as the oracle: forward values, first-order gradients (vector-Jacobian products)
and second-order gradients (Hessian-vector products through create_graph=True) of every op
PyTorch also has, on seeded random float64 inputs; then the kink and tie conventions.

Names map as: clip -> clamp, var(ddof) -> var(correction=ddof), std(ddof) ->
std(correction=ddof), max(axis) -> amax, min(axis) -> amin, concatenate -> cat,
transpose(axes) -> permute, swapaxes -> swapaxes, expand_dims -> unsqueeze.
"""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

torch = pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")

RTOL, ATOL = 1e-9, 1e-11
SEEDS = (0, 1)


# --- the comparison machinery ---


def _dims(axis, ndim):
    """Our NumPy-style axis as a torch dim argument (None: every axis)."""
    return tuple(range(ndim)) if axis is None else axis


def _close(ours, theirs, what):
    if isinstance(theirs, torch.Tensor):
        theirs = theirs.detach().numpy(force=True)  # force: torch may return a lazy ZeroTensor
    theirs = np.asarray(theirs)
    ours = ours.data if isinstance(ours, tg.Tensor) else np.asarray(ours)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} vs torch {theirs.shape}"
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL, err_msg=what)


def _as_tuple(y):
    return tuple(y) if isinstance(y, (tuple, list)) else (y,)


def compare_with_torch(ours_fn, torch_fn, arrays, seed=0):
    """Forward, a vector-Jacobian product, and a Hessian-vector product, ours vs torch's.

    With y = f(x), v a random cotangent (itself differentiable) and u random directions:
      first order   g_i = d(v . y)/dx_i;
      second order  d(sum_i u_i . g_i)/d(x, v), the Hessian of v . y applied to u (w.r.t. x)
                    and J u (w.r.t. v).
    A gradient the framework reports as None (unused) counts as zeros.
    """
    rng = np.random.default_rng(1000 + seed)
    xs = [tg.Tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    ys, yts = _as_tuple(ours_fn(*xs)), _as_tuple(torch_fn(*ts))
    assert len(ys) == len(yts)
    for k, (y, yt) in enumerate(zip(ys, yts)):
        _close(y, yt, f"forward output {k}")
        assert y.dtype == np.float64
    vs_np = [rng.standard_normal(y.shape) for y in ys]
    vs = [tg.Tensor(v, requires_grad=True) for v in vs_np]
    vts = [torch.tensor(v, requires_grad=True) for v in vs_np]

    gs = tg.grad(list(ys), xs, grad_outputs=vs, create_graph=True, allow_unused=True)
    gts = torch.autograd.grad(yts, ts, grad_outputs=vts, create_graph=True, allow_unused=True)
    for i, (g, gt, a) in enumerate(zip(gs, gts, arrays)):
        _close(np.zeros(a.shape) if g is None else g,
               torch.zeros(a.shape, dtype=torch.float64) if gt is None else gt,
               f"gradient of input {i}")

    us = [rng.standard_normal(a.shape) for a in arrays]
    terms = [(g * tg.Tensor(u)).sum() for g, u in zip(gs, us) if g is not None]
    terms_t = [(gt * torch.tensor(u)).sum() for gt, u in zip(gts, us)
               if gt is not None and gt.requires_grad]
    wrt, wrt_t = xs + vs, ts + vts
    hs = tg.grad(sum(terms[1:], terms[0]), wrt, allow_unused=True) if terms else [None] * len(wrt)
    if terms_t:
        hts = torch.autograd.grad(sum(terms_t), wrt_t, allow_unused=True)
    else:
        hts = [None] * len(wrt_t)
    for i, (h, ht, w) in enumerate(zip(hs, hts, wrt)):
        _close(np.zeros(w.shape) if h is None else h,
               torch.zeros(w.shape, dtype=torch.float64) if ht is None else ht,
               f"second-order gradient w.r.t. {'input' if i < len(xs) else 'cotangent'} "
               f"{i if i < len(xs) else i - len(xs)}")


def uniform(shape, low=-2.0, high=2.0):
    return (shape, low, high)


def case(name, ours, theirs, *specs):
    return pytest.param(ours, theirs, specs, id=name)


def run_case(ours, theirs, specs, seed):
    rng = np.random.default_rng(seed)
    arrays = [rng.uniform(low, high, shape) for shape, low, high in specs]
    compare_with_torch(ours, theirs, arrays, seed)


# --- element-wise ---

POSITIVE = (0.2, 3.0)

UNARY = [
    case("neg", lambda x: -x, lambda x: -x, uniform((3, 4))),
    case("exp", lambda x: x.exp(), torch.exp, uniform((3, 4))),
    case("log", lambda x: x.log(), torch.log, uniform((3, 4), *POSITIVE)),
    case("sqrt", lambda x: x.sqrt(), torch.sqrt, uniform((3, 4), *POSITIVE)),
    case("abs", lambda x: x.abs(), torch.abs, uniform((3, 4))),
    case("sin", lambda x: x.sin(), torch.sin, uniform((3, 4), -4, 4)),
    case("cos", lambda x: x.cos(), torch.cos, uniform((3, 4), -4, 4)),
    case("tanh", lambda x: x.tanh(), torch.tanh, uniform((3, 4), -3, 3)),
    case("sigmoid", lambda x: x.sigmoid(), torch.sigmoid, uniform((3, 4), -6, 6)),
    case("relu", lambda x: x.relu(), torch.relu, uniform((3, 4))),
    case("leaky_relu", lambda x: x.leaky_relu(), torch.nn.functional.leaky_relu, uniform((3, 4))),
    case("leaky_relu-slope", lambda x: F.leaky_relu(x, 0.2),
         lambda x: torch.nn.functional.leaky_relu(x, 0.2), uniform((3, 4))),
    case("leaky_relu-negative-slope", lambda x: F.leaky_relu(x, negative_slope=-0.5),
         lambda x: torch.nn.functional.leaky_relu(x, negative_slope=-0.5), uniform((3, 4))),
    case("softplus", lambda x: F.softplus(x), torch.nn.functional.softplus, uniform((3, 4), -4, 4)),
    case("softplus-beta", lambda x: F.softplus(x, beta=2.5),
         lambda x: torch.nn.functional.softplus(x, beta=2.5), uniform((3, 4), -4, 4)),
    # beta * x crosses the threshold inside the range: part of the output is linear.
    case("softplus-threshold", lambda x: F.softplus(x, beta=2.0, threshold=1.0),
         lambda x: torch.nn.functional.softplus(x, beta=2.0, threshold=1.0), uniform((3, 4))),
    case("clone", lambda x: x.clone() * x, lambda x: x.clone() * x, uniform((3, 4))),
    case("clip", lambda x: x.clip(-0.5, 0.8), lambda x: torch.clamp(x, -0.5, 0.8), uniform((3, 4))),
    case("clip-min", lambda x: x.clip(min=-0.3), lambda x: torch.clamp(x, min=-0.3), uniform((3, 4))),
    case("clip-max", lambda x: x.clip(max=0.3), lambda x: torch.clamp(x, max=0.3), uniform((3, 4))),
    case("pow-3", lambda x: x ** 3, lambda x: x ** 3, uniform((3, 4))),
    case("pow-2-int", lambda x: x ** 2, lambda x: x ** 2, uniform((3, 4))),
    case("pow-half", lambda x: x ** 0.5, lambda x: x ** 0.5, uniform((3, 4), *POSITIVE)),
    case("pow-neg", lambda x: x ** -1.5, lambda x: x ** -1.5, uniform((3, 4), *POSITIVE)),
    case("rpow", lambda x: 2.0 ** x, lambda x: 2.0 ** x, uniform((3, 4))),
    case("scalar-arith", lambda x: (3.0 - x) / 2.0 + 1.0 / (x + 5.0) * 0.5,
         lambda x: (3.0 - x) / 2.0 + 1.0 / (x + 5.0) * 0.5, uniform((3, 4))),
    case("0-d", lambda x: (x * x).exp(), lambda x: (x * x).exp(), uniform(())),
]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ours,theirs,specs", UNARY)
def test_unary(ours, theirs, specs, seed):
    run_case(ours, theirs, specs, seed)


BROADCAST_SHAPES = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((2, 3, 4), (4,)), ((), (2, 3)),
                    ((2, 1, 3), (4, 1))]

BINARY = [
    ("add", lambda a, b: a + b, lambda a, b: a + b, None),
    ("sub", lambda a, b: a - b, lambda a, b: a - b, None),
    ("mul", lambda a, b: a * b, lambda a, b: a * b, None),
    ("div", lambda a, b: a / b, lambda a, b: a / b, POSITIVE),
    ("pow", lambda a, b: a ** b, torch.pow, POSITIVE),
    ("maximum", tg.maximum, torch.maximum, None),
    ("minimum", tg.minimum, torch.minimum, None),
]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
@pytest.mark.parametrize("name,ours,theirs,domain0", BINARY, ids=[b[0] for b in BINARY])
def test_binary_with_broadcasting(name, ours, theirs, domain0, shapes, seed):
    # For pow the base is positive (x0 ** x1 with a real exponent); for div the divisor is.
    spec0 = uniform(shapes[0], *(domain0 if name == "pow" else (-2, 2)))
    spec1 = uniform(shapes[1], *(domain0 if name == "div" else (-2, 2)))
    run_case(ours, theirs, [spec0, spec1], seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_where(seed):
    cond = np.random.default_rng(seed).random((3, 4)) > 0.5
    run_case(lambda a, b: tg.where(cond, a, b), lambda a, b: torch.where(torch.tensor(cond), a, b),
             [uniform((3, 4)), uniform((4,))], seed)
    run_case(lambda a, b: tg.where(tg.Tensor(cond), a * a, b.exp()),
             lambda a, b: torch.where(torch.tensor(cond), a * a, b.exp()),
             [uniform((3, 1)), uniform((3, 4))], seed)


# --- matmul ---

MATMUL_SHAPES = [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)),
                 ((2, 3, 4), (4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((4,), (2, 4, 3)),
                 ((2, 3, 4), (4,))]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul(shapes, seed):
    run_case(lambda a, b: a @ b, torch.matmul, [uniform(shapes[0]), uniform(shapes[1])], seed)


def test_matmul_method_and_reflected():
    w = np.random.default_rng(0).standard_normal((4, 3))
    run_case(lambda a: a.matmul(tg.Tensor(w)), lambda a: a @ torch.tensor(w), [uniform((2, 4))], 0)
    run_case(lambda b: w @ b, lambda b: torch.tensor(w) @ b, [uniform((3, 2))], 0)


# --- reductions ---

AXES = [None, 0, 1, -1, (0, 2)]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
def test_sum_and_mean(axis, keepdims, seed):
    dims = _dims(axis, 3)
    run_case(lambda x: x.sum(axis=axis, keepdims=keepdims),
             lambda x: torch.sum(x, dim=dims, keepdim=keepdims), [uniform((2, 3, 4))], seed)
    run_case(lambda x: x.mean(axis=axis, keepdims=keepdims),
             lambda x: torch.mean(x, dim=dims, keepdim=keepdims), [uniform((2, 3, 4))], seed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ddof", [0, 1])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
def test_var(axis, keepdims, ddof, seed):
    dims = _dims(axis, 3)
    run_case(lambda x: x.var(axis=axis, keepdims=keepdims, ddof=ddof),
             lambda x: torch.var(x, dim=dims, correction=ddof, keepdim=keepdims),
             [uniform((2, 3, 4))], seed)


def test_var_default_is_population_variance():
    # Ours follows NumPy (ddof=0); torch.var's default is correction=1.
    x = np.random.default_rng(0).standard_normal(5)
    np.testing.assert_allclose(tg.Tensor(x).var().data,
                               torch.var(torch.tensor(x), correction=0).numpy())


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
def test_max_and_min(axis, keepdims, seed):
    dims = _dims(axis, 3)
    run_case(lambda x: x.max(axis=axis, keepdims=keepdims),
             lambda x: torch.amax(x, dim=dims, keepdim=keepdims), [uniform((2, 3, 4))], seed)
    run_case(lambda x: x.min(axis=axis, keepdims=keepdims),
             lambda x: torch.amin(x, dim=dims, keepdim=keepdims), [uniform((2, 3, 4))], seed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_and_log_softmax(axis, seed):
    run_case(lambda x: x.softmax(axis=axis), lambda x: torch.softmax(x, dim=axis),
             [uniform((3, 4, 2), -3, 3)], seed)
    run_case(lambda x: x.log_softmax(axis=axis), lambda x: torch.log_softmax(x, dim=axis),
             [uniform((3, 4, 2), -3, 3)], seed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ddof", [0, 1])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
def test_std(axis, keepdims, ddof, seed):
    dims = _dims(axis, 3)
    run_case(lambda x: x.std(axis=axis, keepdims=keepdims, ddof=ddof),
             lambda x: torch.std(x, dim=dims, correction=ddof, keepdim=keepdims),
             [uniform((2, 3, 4))], seed)


def test_std_default_is_population_std_and_np_std_runs_it():
    # Ours follows NumPy (ddof=0); torch.std's default is correction=1.
    run_case(lambda x: x.std(), lambda x: torch.std(x, correction=0), [uniform((5,))], 0)
    run_case(lambda x: np.std(x, axis=0, ddof=1), lambda x: torch.std(x, dim=0),
             [uniform((4, 3))], 0)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
def test_logsumexp(axis, keepdims, seed):
    dims = _dims(axis, 3)
    run_case(lambda x: x.logsumexp(axis=axis, keepdims=keepdims),
             lambda x: torch.logsumexp(x, dim=dims, keepdim=keepdims), [uniform((2, 3, 4), -3, 3)],
             seed)
    run_case(lambda x: tg.logsumexp(x * x, axis=axis, keepdims=keepdims),
             lambda x: torch.logsumexp(x * x, dim=dims, keepdim=keepdims),
             [uniform((2, 3, 4))], seed)


def test_softmax_default_axis_is_last():
    run_case(lambda x: x.softmax(), lambda x: torch.softmax(x, dim=-1), [uniform((2, 5))], 0)
    run_case(lambda x: x.log_softmax(), lambda x: torch.log_softmax(x, dim=-1), [uniform((2, 5))], 0)


# --- shape ops ---

SHAPE_OPS = [
    case("reshape", lambda x: x.reshape(6, 4), lambda x: x.reshape(6, 4), uniform((2, 3, 4))),
    case("reshape-tuple", lambda x: x.reshape((4, -1)), lambda x: x.reshape(4, -1), uniform((2, 3, 4))),
    case("flatten", lambda x: x.flatten(), torch.flatten, uniform((2, 3, 4))),
    case("transpose-axes", lambda x: x.transpose(1, 2, 0), lambda x: x.permute(1, 2, 0),
         uniform((2, 3, 4))),
    case("transpose-tuple", lambda x: x.transpose((2, 0, 1)), lambda x: x.permute(2, 0, 1),
         uniform((2, 3, 4))),
    case("transpose-negative", lambda x: x.transpose(-1, 0, 1), lambda x: x.permute(-1, 0, 1),
         uniform((2, 3, 4))),
    case("transpose-reverse", lambda x: x.transpose(), lambda x: x.permute(2, 1, 0), uniform((2, 3, 4))),
    case("T", lambda x: x.T, lambda x: x.T, uniform((3, 4))),
    case("swapaxes", lambda x: x.swapaxes(0, 2), lambda x: torch.swapaxes(x, 0, 2), uniform((2, 3, 4))),
    case("broadcast_to", lambda x: x.broadcast_to(2, 3, 4), lambda x: x.expand(2, 3, 4),
         uniform((3, 1))),
    case("squeeze", lambda x: x.squeeze(), torch.squeeze, uniform((2, 1, 3, 1))),
    case("squeeze-axis", lambda x: x.squeeze(-1), lambda x: x.squeeze(-1), uniform((2, 1, 3, 1))),
    case("squeeze-axes", lambda x: x.squeeze((1, 3)), lambda x: x.squeeze((1, 3)),
         uniform((2, 1, 3, 1))),
    case("np-squeeze", lambda x: np.squeeze(x, axis=1), lambda x: x.squeeze(1), uniform((2, 1, 3))),
    case("unsqueeze", lambda x: x.unsqueeze(1), lambda x: x.unsqueeze(1), uniform((2, 3))),
    case("unsqueeze-negative", lambda x: x.unsqueeze(-1), lambda x: x.unsqueeze(-1),
         uniform((2, 3))),
    case("expand_dims-tuple", lambda x: x.expand_dims((0, -1)),
         lambda x: x.unsqueeze(0).unsqueeze(-1), uniform((2, 3))),
    case("np-expand_dims", lambda x: np.expand_dims(x, 0), lambda x: x.unsqueeze(0), uniform((3,))),
    case("getitem-int", lambda x: x[1], lambda x: x[1], uniform((3, 4))),
    case("getitem-slices", lambda x: x[:, 1:3], lambda x: x[:, 1:3], uniform((3, 4))),
    case("getitem-step", lambda x: x[..., ::2], lambda x: x[..., ::2], uniform((2, 3, 5))),
    case("getitem-newaxis", lambda x: x[None, 0], lambda x: x[None, 0], uniform((3, 4))),
    case("getitem-negative", lambda x: x[-1, -2:], lambda x: x[-1, -2:], uniform((3, 4))),
    case("getitem-repeated-rows", lambda x: x[[0, 2, 0, 0]], lambda x: x[[0, 2, 0, 0]], uniform((3, 4))),
    case("getitem-array-2d", lambda x: x[np.array([[0, 1], [1, 0]])],
         lambda x: x[torch.tensor([[0, 1], [1, 0]])], uniform((2, 3))),
    case("getitem-columns", lambda x: x[:, [1, 1, 3]], lambda x: x[:, [1, 1, 3]], uniform((3, 4))),
    case("getitem-pairs", lambda x: x[np.array([0, 2, 2]), np.array([1, 3, 3])],
         lambda x: x[torch.tensor([0, 2, 2]), torch.tensor([1, 3, 3])], uniform((3, 4))),
    case("getitem-tensor-index", lambda x: x[tg.Tensor([2, 0])], lambda x: x[torch.tensor([2, 0])],
         uniform((3, 4))),
    case("getitem-bool-mask", lambda x: x[np.array([True, False, True])],
         lambda x: x[torch.tensor([True, False, True])], uniform((3, 4))),
    case("getitem-label-pick", lambda x: x[np.arange(3), np.array([3, 0, 3])],
         lambda x: x[torch.arange(3), torch.tensor([3, 0, 3])], uniform((3, 4))),
]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ours,theirs,specs", SHAPE_OPS)
def test_shape_ops(ours, theirs, specs, seed):
    # Shape ops are linear: their Hessian is zero, but mixing with x * x below makes the
    # second-order check meaningful (the backward of the shape op is differentiated).
    run_case(lambda x: ours(x * x), lambda x: theirs(x * x), specs, seed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenate_and_stack(axis, seed):
    shapes = [(2, 3), (2, 3), (2, 3)]
    cat_shapes = [(2, 3), (2, 1), (2, 2)] if axis != 0 else [(2, 3), (1, 3), (3, 3)]
    run_case(lambda a, b, c: tg.concatenate([a, b * b, c.exp()], axis=axis),
             lambda a, b, c: torch.cat([a, b * b, c.exp()], dim=axis),
             [uniform(s) for s in cat_shapes], seed)
    run_case(lambda a, b, c: tg.stack((a, b * b, c.exp()), axis=axis),
             lambda a, b, c: torch.stack((a, b * b, c.exp()), dim=axis),
             [uniform(s) for s in shapes], seed)


# --- compositions ---


def test_two_layer_network_with_cross_entropy():
    rng = np.random.default_rng(7)
    labels = np.array([0, 2, 1, 2])
    x = rng.standard_normal((4, 3))

    def ours(w1, b1, w2):
        h = (tg.Tensor(x) @ w1 + b1).tanh()
        logp = (h @ w2).log_softmax(axis=1)
        return -logp[np.arange(4), labels].mean()

    def theirs(w1, b1, w2):
        h = torch.tanh(torch.tensor(x) @ w1 + b1)
        logp = torch.log_softmax(h @ w2, dim=1)
        return -logp[torch.arange(4), torch.tensor(labels)].mean()

    compare_with_torch(ours, theirs, [rng.standard_normal((3, 5)), rng.standard_normal(5),
                                      rng.standard_normal((5, 3))])


def test_layer_norm_like():
    def ours(x, g):
        mu = x.mean(axis=-1, keepdims=True)
        return (x - mu) / (x.var(axis=-1, keepdims=True) + 1e-5).sqrt() * g

    def theirs(x, g):
        mu = x.mean(dim=-1, keepdim=True)
        return (x - mu) / (x.var(dim=-1, keepdim=True, correction=0) + 1e-5).sqrt() * g

    rng = np.random.default_rng(8)
    compare_with_torch(ours, theirs, [rng.standard_normal((3, 5)), rng.standard_normal(5)])


def test_attention_like():
    def ours(q, k, v):
        return ((q @ k.swapaxes(-1, -2)) / 2.0).softmax(axis=-1) @ v

    def theirs(q, k, v):
        return torch.softmax((q @ k.transpose(-1, -2)) / 2.0, dim=-1) @ v

    rng = np.random.default_rng(9)
    compare_with_torch(ours, theirs, [rng.standard_normal((2, 3, 4)) for _ in range(3)])


def test_full_hessian():
    # H[i, j] = d2f / dx_i dx_j, row i as the gradient of g_i; torch's functional hessian.
    def f_ours(x):
        return ((x.reshape(2, 3) @ x.reshape(3, 2)).tanh().sum() + (x * x.sin()).sum())

    def f_torch(x):
        return (torch.tanh(x.reshape(2, 3) @ x.reshape(3, 2)).sum() + (x * x.sin()).sum())

    a = np.random.default_rng(10).standard_normal(6)
    x = tg.Tensor(a, requires_grad=True)
    (g,) = tg.grad(f_ours(x), x, create_graph=True)
    rows = [tg.grad(g, x, grad_outputs=np.eye(6)[i], retain_graph=True)[0].data for i in range(6)]
    expected = torch.autograd.functional.hessian(f_torch, torch.tensor(a)).numpy()
    np.testing.assert_allclose(np.stack(rows), expected, rtol=RTOL, atol=ATOL)


def test_third_order():
    def f(x):
        return (x.sin() * x.exp()).sum()

    a = np.random.default_rng(11).standard_normal(4)
    x, xt = tg.Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    g, gt = f(x), f(xt)
    for _ in range(3):
        (g,) = tg.grad(g.sum(), x, create_graph=True)
        (gt,) = torch.autograd.grad(gt.sum(), xt, create_graph=True)
        _close(g, gt, "higher-order gradient")


# --- kinks and ties: the conventions must be PyTorch's ---


def _first_order(ours, theirs, *arrays):
    xs = [tg.Tensor(np.asarray(a, np.float64), requires_grad=True) for a in arrays]
    ts = [torch.tensor(np.asarray(a, np.float64), requires_grad=True) for a in arrays]
    y, yt = ours(*xs), theirs(*ts)
    _close(y, yt, "forward")
    v = np.random.default_rng(0).uniform(0.5, 1.5, y.shape)  # positive: signs stay readable
    gs = tg.grad(y, xs, grad_outputs=v)
    gts = torch.autograd.grad(yt, ts, grad_outputs=torch.tensor(v))
    for g, gt in zip(gs, gts):
        _close(g, gt, "gradient")
    return [g.data / v if g.shape == v.shape else g.data for g in gs]


def test_relu_at_zero():
    (g,) = _first_order(lambda x: x.relu(), torch.relu, [-1.0, 0.0, 2.0])
    np.testing.assert_allclose(g, [0.0, 0.0, 1.0])


def test_abs_at_zero():
    (g,) = _first_order(lambda x: x.abs(), torch.abs, [-1.0, 0.0, 2.0])
    np.testing.assert_allclose(g, [-1.0, 0.0, 1.0])


def test_clamp_at_its_bounds():
    x = [-1.0, -0.5, 0.0, 0.8, 1.0]
    (g,) = _first_order(lambda x: x.clip(-0.5, 0.8), lambda x: torch.clamp(x, -0.5, 0.8), x)
    np.testing.assert_allclose(g, [0.0, 1.0, 1.0, 1.0, 0.0])  # the bounds pass the gradient
    _first_order(lambda x: x.clip(min=0.0), lambda x: torch.clamp(x, min=0.0), x)
    _first_order(lambda x: x.clip(max=0.0), lambda x: torch.clamp(x, max=0.0), x)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_amax_and_amin_ties_share_the_gradient(axis):
    x = [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [-1.0, 3.0, -1.0]]
    dims = _dims(axis, 2)
    _first_order(lambda x: x.max(axis=axis), lambda x: torch.amax(x, dim=dims), x)
    _first_order(lambda x: x.min(axis=axis), lambda x: torch.amin(x, dim=dims), x)
    _first_order(lambda x: x.max(axis=axis, keepdims=True),
                 lambda x: torch.amax(x, dim=dims, keepdim=True), x)


def test_full_max_ties_match_torch_max():
    x = np.array([[1.0, 3.0], [3.0, 0.0]])
    ours = tg.Tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    ours.max().backward()
    theirs.max().backward()
    _close(ours.grad, theirs.grad, "max() gradient")
    np.testing.assert_allclose(ours.grad.data, [[0.0, 0.5], [0.5, 0.0]])


def test_maximum_and_minimum_ties_split_the_gradient():
    a, b = [1.0, 2.0, 3.0, -1.0], [1.0, 3.0, 2.0, -1.0]
    ga, gb = _first_order(tg.maximum, torch.maximum, a, b)
    np.testing.assert_allclose(ga, [0.5, 0.0, 1.0, 0.5])
    np.testing.assert_allclose(gb, [0.5, 1.0, 0.0, 0.5])
    _first_order(tg.minimum, torch.minimum, a, b)


def test_pow_at_zero():
    x = [0.0, 1.0, -2.0]
    for p in (0, 1, 2, 3, 0.0, 2.0):
        _first_order(lambda x: x ** p, lambda x: x ** p, x)
    # A tensor exponent with a zero base: d/dexponent is taken as 0 there, as in PyTorch.
    _first_order(lambda a, b: a ** b, torch.pow, [0.0, 2.0, 0.0], [2.0, 3.0, 1.0])


def test_sigmoid_and_softmax_extremes():
    x = [-800.0, -30.0, 0.0, 30.0, 800.0]
    _first_order(lambda x: x.sigmoid(), torch.sigmoid, x)
    _first_order(lambda x: x.softmax(), lambda x: torch.softmax(x, -1), x)
    _first_order(lambda x: x.log_softmax(), lambda x: torch.log_softmax(x, -1), x)


def test_leaky_relu_at_zero_takes_the_slope():
    (g,) = _first_order(lambda x: x.leaky_relu(0.1),
                        lambda x: torch.nn.functional.leaky_relu(x, 0.1), [-1.0, 0.0, 2.0])
    np.testing.assert_allclose(g, [0.1, 0.1, 1.0])


def _second_order(ours, theirs, a):
    """The first and second derivatives (of sum(f'(x) * u)) of ours and torch's agree."""
    u = np.random.default_rng(1).uniform(0.5, 1.5, np.shape(a))
    x, xt = tg.Tensor(np.asarray(a), requires_grad=True), torch.tensor(a, requires_grad=True)
    y, yt = ours(x), theirs(xt)
    _close(y, yt, "forward")
    (g,) = tg.grad(y, x, grad_outputs=np.ones(y.shape), create_graph=True)
    (gt,) = torch.autograd.grad(yt, xt, grad_outputs=torch.ones(yt.shape, dtype=torch.float64),
                                create_graph=True)
    _close(g, gt, "gradient")
    (h,) = tg.grad((g * u).sum(), x)
    (ht,) = torch.autograd.grad((gt * torch.tensor(u)).sum(), xt)
    _close(h, ht, "second-order gradient")
    return g.data, h.data


def test_std_of_equal_values_has_gradient_zero_as_torch():
    # sqrt(var) by the chain rule would give 0 * inf = nan; torch.std gives 0, so do we,
    # to second order too. (Values chosen so that the mean is exact.)
    a = np.array([[1.5, 1.5, 1.5], [1.0, 2.0, 4.0]])
    g, h = _second_order(lambda x: x.std(axis=1), lambda x: torch.std(x, dim=1, correction=0), a)
    np.testing.assert_array_equal(g[0], 0.0)
    np.testing.assert_array_equal(h[0], 0.0)
    assert np.isfinite(g).all() and np.isfinite(h).all()
    g, _ = _second_order(lambda x: x.std(), lambda x: torch.std(x, correction=0), np.full(4, 2.0))
    np.testing.assert_array_equal(g, 0.0)


def test_logsumexp_extremes():
    # Huge values (exp would overflow without the max shift) and infinities.
    _first_order(lambda x: x.logsumexp(), lambda x: torch.logsumexp(x, 0),
                 [1000.0, 999.0, -1000.0])
    _first_order(lambda x: x.logsumexp(axis=1), lambda x: torch.logsumexp(x, 1),
                 [[-800.0, -801.0], [700.0, 0.0]])
    for values in ([np.inf, 1.0], [-np.inf, 0.5], [-np.inf, -np.inf]):
        ours = tg.Tensor(np.array(values)).logsumexp()
        _close(ours, torch.logsumexp(torch.tensor(values, dtype=torch.float64), 0), "forward")
    empty = np.zeros((2, 0))  # over an empty axis: -inf
    _close(tg.Tensor(empty).logsumexp(axis=1), torch.logsumexp(torch.tensor(empty), 1),
           "forward")


def test_softplus_extremes_and_threshold():
    # Large |beta x| neither overflows nor loses the small tail; at the threshold itself
    # the log branch is used (linear only where beta * x > threshold), as torch.
    x = [-800.0, -30.0, 0.0, 9.5, 10.0, 10.5, 800.0]
    for beta in (1.0, 2.0):
        _first_order(lambda x: F.softplus(x, beta=beta),
                     lambda x: torch.nn.functional.softplus(x, beta=beta), x)
    _second_order(lambda x: F.softplus(x, beta=0.5, threshold=3.0),
                  lambda x: torch.nn.functional.softplus(x, beta=0.5, threshold=3.0),
                  np.array([-4.0, 0.0, 5.0, 6.5, 7.0]))


def test_where_gradient_with_a_bad_branch_value():
    # Both branches are evaluated, so sqrt(-4) in the unused branch makes a nan gradient
    # (0 / (2 * nan)): the well-known "where trap". Both frameworks agree on it.
    x = [0.5, -4.0, 9.0]
    cond = np.array([True, False, True])
    with np.errstate(invalid="ignore"):
        (g,) = _first_order(lambda x: tg.where(cond, x.sqrt(), x * 2),
                            lambda x: torch.where(torch.tensor(cond), x.sqrt(), x * 2), x)
    assert np.isnan(g[1]) and np.isfinite(g[[0, 2]]).all()


def test_retained_tensor_that_is_also_an_input_of_grad_gets_its_gradient_once():
    a = np.array([1.0, 2.0])
    x, xt = tg.Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, yt = x * 2, xt * 2
    y.retain_grad()
    yt.retain_grad()
    (g,) = tg.grad((y * y).sum(), [y])
    (gt,) = torch.autograd.grad((yt * yt).sum(), [yt])
    np.testing.assert_array_equal(g.data, gt.numpy())
    np.testing.assert_array_equal(y.grad.data, yt.grad.numpy())


def test_retain_grad_matches_torch_for_grad_then_backward():
    # PyTorch fills a retained .grad in autograd.grad as well as in backward.
    a = np.random.default_rng(0).standard_normal((3, 2))
    x, xt = tg.Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    h, ht = x.tanh() @ x.T, xt.tanh() @ xt.T
    h.retain_grad()
    ht.retain_grad()
    y, yt = (h * h).mean(), (ht * ht).mean()
    tg.grad(y, x, retain_graph=True)
    torch.autograd.grad(yt, xt, retain_graph=True)
    np.testing.assert_allclose(h.grad.data, ht.grad.numpy(), rtol=1e-12)
    y.backward()
    yt.backward()
    np.testing.assert_allclose(h.grad.data, ht.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_unbind_and_split_match_torch(axis):
    # np.split's cut indices are torch.tensor_split's; each piece is weighted differently
    # so a gradient routed to the wrong piece shows, and one piece is left unused.
    x = np.random.default_rng(2).standard_normal((4, 6, 3))

    def weigh(pieces, join):
        return join([p * (i + 1) for i, p in enumerate(pieces) if i != 1], axis)

    _first_order(lambda t: weigh(tg.unbind(t, axis), tg.stack),
                 lambda t: weigh(torch.unbind(t, axis), torch.stack), x)
    cuts = [1, 3]
    _first_order(lambda t: weigh(tg.split(t, cuts, axis=axis), tg.concatenate),
                 lambda t: weigh(torch.tensor_split(t, cuts, axis), torch.cat), x)
    _second_order(lambda t: (weigh(tg.split(t, cuts, axis=axis), tg.concatenate) ** 3),
                  lambda t: (weigh(torch.tensor_split(t, cuts, axis), torch.cat) ** 3), x)
