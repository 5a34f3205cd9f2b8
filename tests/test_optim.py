"""Optimizers: PyTorch oracle over every option combination, NumPy transcriptions of the
update rules, parameter groups, skipped parameters, state_dict round trips and errors."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import optim

SHAPES = [(3, 4), (4,), (4, 2), (2,)]
RNG = np.random.default_rng(0)
X = RNG.standard_normal((8, 3))
Y = RNG.standard_normal((8, 2))


def init_arrays(seed: int = 1) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) * 0.5 for s in SHAPES]


def tg_loss(params):
    """A tiny MLP 3-4-2 with tanh and a mean squared error, built from plain Tensors."""
    w1, b1, w2, b2 = params
    h = (tg.Tensor(X) @ w1 + b1).tanh()
    return (((h @ w2 + b2) - tg.Tensor(Y)) ** 2).mean()


def tg_params(arrays, dtype=np.float64):
    return [tg.Tensor(a.astype(dtype), requires_grad=True) for a in arrays]


def tg_train_step(opt, params):
    opt.zero_grad()
    tg_loss(params).backward()
    opt.step()


# --- the PyTorch oracle ---

SGD_OPTIONS = [
    dict(momentum=m, dampening=d, nesterov=n, weight_decay=wd)
    for m, d, n, wd in itertools.product([0.0, 0.9], [0.0, 0.5], [False, True], [0.0, 0.1])
    if not n or (m > 0 and d == 0)
]
RMSPROP_OPTIONS = [
    dict(alpha=a, centered=c, momentum=m, weight_decay=wd)
    for a, c, m, wd in itertools.product([0.99, 0.9], [False, True], [0.0, 0.9], [0.0, 0.1])
]
ADAM_OPTIONS = [dict(amsgrad=a, weight_decay=wd)
                for a, wd in itertools.product([False, True], [0.0, 0.1])]
ADAMW_OPTIONS = [dict(amsgrad=a, weight_decay=wd)
                 for a, wd in itertools.product([False, True], [0.0, 1e-2, 0.1])]
ADAGRAD_OPTIONS = [
    dict(lr_decay=d, weight_decay=wd, initial_accumulator_value=v)
    for d, wd, v in itertools.product([0.0, 0.01], [0.0, 0.1], [0.0, 0.1])
]
ORACLE_CASES = (
    [("SGD", dict(lr=0.05, **o)) for o in SGD_OPTIONS]
    + [("RMSprop", dict(lr=0.003, **o)) for o in RMSPROP_OPTIONS]
    + [("Adam", dict(lr=0.01, **o)) for o in ADAM_OPTIONS]
    + [("AdamW", dict(lr=0.01, **o)) for o in ADAMW_OPTIONS]
    + [("Adagrad", dict(lr=0.05, **o)) for o in ADAGRAD_OPTIONS]
)


def torch_setup(arrays):
    torch = pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")
    params = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    x, y = torch.tensor(X), torch.tensor(Y)

    def loss_fn(ps):
        w1, b1, w2, b2 = ps
        return (((torch.tanh(x @ w1 + b1) @ w2 + b2) - y) ** 2).mean()

    return torch, params, loss_fn


def torch_kwargs(kwargs):
    return dict(kwargs, foreach=False)  # the plain per-tensor loop, as ours


def assert_close_to_torch(tg_params_, torch_params, step):
    for i, (p, q) in enumerate(zip(tg_params_, torch_params)):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-9, atol=1e-13,
                                   err_msg=f"param {i} after step {step}")


def train_both(opt, params, t_opt, t_params, t_loss, steps):
    """The same training steps with ours and with PyTorch, compared after each step."""
    for step in range(steps):
        tg_train_step(opt, params)
        t_opt.zero_grad()
        t_loss(t_params).backward()
        t_opt.step()
        assert_close_to_torch(params, t_params, step)


@pytest.mark.parametrize("name,kwargs", ORACLE_CASES,
                         ids=[f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items())}"
                              for n, kw in ORACLE_CASES])
def test_matches_torch_for_50_steps(name, kwargs):
    arrays = init_arrays()
    torch, t_params, t_loss = torch_setup(arrays)
    params = tg_params(arrays)
    opt = getattr(optim, name)(params, **kwargs)
    t_opt = getattr(torch.optim, name)(t_params, **torch_kwargs(kwargs))
    train_both(opt, params, t_opt, t_params, t_loss, steps=50)
    # the state has PyTorch's keys and values
    for p, q in zip(params, t_params):
        ours, theirs = opt.state.get(p, {}), t_opt.state[q]
        assert set(ours) == set(theirs)
        for key, value in theirs.items():
            if key == "step":
                assert ours[key] == value.item()
            else:
                np.testing.assert_allclose(ours[key], value.numpy(), rtol=1e-9, atol=1e-13)


def test_param_groups_with_their_own_lr_match_torch():
    arrays = init_arrays(2)
    torch, t_params, t_loss = torch_setup(arrays)
    params = tg_params(arrays)
    opt = optim.Adam([{"params": params[:2]}, {"params": params[2:], "lr": 0.05,
                                               "amsgrad": True}], lr=0.01)
    t_opt = torch.optim.Adam([{"params": t_params[:2]}, {"params": t_params[2:], "lr": 0.05,
                                                         "amsgrad": True}], lr=0.01,
                             foreach=False)
    assert [g["lr"] for g in opt.param_groups] == [0.01, 0.05]
    assert [g["amsgrad"] for g in opt.param_groups] == [False, True]
    train_both(opt, params, t_opt, t_params, t_loss, steps=20)


def test_params_without_grad_are_skipped_like_torch():
    """A parameter used only on even steps: Adam's state (step count) differs per param."""
    arrays = init_arrays(3)
    torch, t_params, t_loss = torch_setup(arrays)
    params = tg_params(arrays)
    unused = tg.Tensor(np.ones(3), requires_grad=True)
    opt = optim.Adam(params + [unused], lr=0.02)
    t_opt = torch.optim.Adam(t_params, lr=0.02, foreach=False)
    for step in range(10):
        opt.zero_grad()
        t_opt.zero_grad()
        if step % 2 == 0:
            loss, t_l = tg_loss(params), t_loss(t_params)
        else:  # b2 gets no gradient on odd steps
            w1, b1, w2, b2 = params
            loss = ((tg.Tensor(X) @ w1 + b1).tanh() @ w2).sum() * 0.1
            tw1, tb1, tw2, tb2 = t_params
            t_l = (torch.tanh(torch.tensor(X) @ tw1 + tb1) @ tw2).sum() * 0.1
        loss.backward()
        t_l.backward()
        assert (params[3].grad is None) == (step % 2 == 1)
        opt.step()
        t_opt.step()
        assert_close_to_torch(params, t_params, step)
    assert opt.state[params[3]]["step"] == 5
    assert unused not in opt.state
    np.testing.assert_array_equal(unused.data, np.ones(3))


@settings(max_examples=10)
@given(name=st.sampled_from(["SGD", "RMSprop", "Adam", "AdamW", "Adagrad"]),
       lr=st.floats(1e-4, 0.1), wd=st.sampled_from([0.0, 1e-3, 0.3]),
       beta=st.floats(0.0, 0.99), flag=st.booleans())
def test_random_hyperparameters_match_torch(name, lr, wd, beta, flag):
    options = {
        "SGD": dict(momentum=beta, nesterov=flag and beta > 0),
        "RMSprop": dict(alpha=beta, centered=flag, momentum=beta / 2),
        "Adam": dict(betas=(beta, 0.999), amsgrad=flag),
        "AdamW": dict(betas=(0.9, max(beta, 0.5)), amsgrad=flag),
        "Adagrad": dict(lr_decay=beta / 10, initial_accumulator_value=beta),
    }[name]
    kwargs = dict(lr=lr, weight_decay=wd, **options)
    arrays = init_arrays(4)
    torch, t_params, t_loss = torch_setup(arrays)
    params = tg_params(arrays)
    opt = getattr(optim, name)(params, **kwargs)
    t_opt = getattr(torch.optim, name)(t_params, **torch_kwargs(kwargs))
    train_both(opt, params, t_opt, t_params, t_loss, steps=10)


# --- the update rules written out in NumPy (no PyTorch needed) ---

A = np.array([0.5, 2.0, 4.0])
C = np.array([1.0, -1.0, 0.5])


def quadratic_grad(w):
    """f(w) = sum(A * w**2) / 2 + sum(C * w);  df/dw = A * w + C."""
    return A * w + C


def run_ours(make_opt, steps=15):
    w = tg.Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    opt = make_opt([w])
    a, c = tg.Tensor(A), tg.Tensor(C)
    history = []
    for _ in range(steps):
        opt.zero_grad()
        ((a * w * w).sum() * 0.5 + (c * w).sum()).backward()
        opt.step()
        history.append(w.data.copy())
    return history


def reference_sgd(lr, momentum, weight_decay, nesterov, steps=15):
    w, buf, history = np.array([1.0, -2.0, 3.0]), None, []
    for _ in range(steps):
        g = quadratic_grad(w) + weight_decay * w
        buf = g.copy() if buf is None else momentum * buf + g
        g = g + momentum * buf if nesterov else buf
        w = w - lr * g
        history.append(w)
    return history


def reference_rmsprop(lr, alpha, eps, momentum, steps=15):
    w = np.array([1.0, -2.0, 3.0])
    square_avg, grad_avg, buf, history = np.zeros(3), np.zeros(3), np.zeros(3), []
    for _ in range(steps):
        g = quadratic_grad(w)
        square_avg = alpha * square_avg + (1 - alpha) * g ** 2
        grad_avg = alpha * grad_avg + (1 - alpha) * g
        avg = np.sqrt(square_avg - grad_avg ** 2) + eps          # centered
        buf = momentum * buf + g / avg
        w = w - lr * buf
        history.append(w)
    return history


def reference_adam(lr, beta1, beta2, eps, weight_decay, decoupled, amsgrad, steps=15):
    w = np.array([1.0, -2.0, 3.0])
    m, v, v_max, history = np.zeros(3), np.zeros(3), np.zeros(3), []
    for t in range(1, steps + 1):
        g = quadratic_grad(w)
        if decoupled:
            w = w * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * w
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g ** 2
        v_max = np.maximum(v_max, v)
        m_hat = m / (1 - beta1 ** t)
        v_hat = (v_max if amsgrad else v) / (1 - beta2 ** t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        history.append(w)
    return history


def reference_adagrad(lr, lr_decay, initial, eps, steps=15):
    w, total, history = np.array([1.0, -2.0, 3.0]), np.full(3, initial), []
    for t in range(1, steps + 1):
        g = quadratic_grad(w)
        total = total + g ** 2
        w = w - lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(total) + eps)
        history.append(w)
    return history


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_matches_numpy_rule(nesterov):
    ours = run_ours(lambda p: optim.SGD(p, lr=0.05, momentum=0.8, weight_decay=0.1,
                                        nesterov=nesterov))
    np.testing.assert_allclose(ours, reference_sgd(0.05, 0.8, 0.1, nesterov), rtol=1e-12)


def test_rmsprop_centered_momentum_matches_numpy_rule():
    ours = run_ours(lambda p: optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-6, momentum=0.5,
                                            centered=True))
    np.testing.assert_allclose(ours, reference_rmsprop(0.01, 0.9, 1e-6, 0.5), rtol=1e-12)


@pytest.mark.parametrize("cls,decoupled", [(optim.Adam, False), (optim.AdamW, True)])
@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_and_adamw_match_numpy_rule(cls, decoupled, amsgrad):
    ours = run_ours(lambda p: cls(p, lr=0.1, betas=(0.8, 0.9), eps=1e-3, weight_decay=0.2,
                                  amsgrad=amsgrad))
    ref = reference_adam(0.1, 0.8, 0.9, 1e-3, 0.2, decoupled, amsgrad)
    np.testing.assert_allclose(ours, ref, rtol=1e-12)


def test_adagrad_matches_numpy_rule():
    ours = run_ours(lambda p: optim.Adagrad(p, lr=0.5, lr_decay=0.1,
                                            initial_accumulator_value=0.3, eps=1e-6))
    np.testing.assert_allclose(ours, reference_adagrad(0.5, 0.1, 0.3, 1e-6), rtol=1e-12)


def test_first_adam_step_is_lr_times_sign():
    """Closed form: after one step m_hat = g and v_hat = g**2, so p moves by lr*sign(g)."""
    w = tg.Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    opt = optim.Adam([w], lr=0.1, eps=0.0)
    (w * tg.Tensor(np.array([3.0, -0.5, 0.01]))).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.data, [0.9, -1.9, 2.9], rtol=1e-14)


# --- in-place updates, dtypes, shared gradients ---

ALL = [(optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
       (optim.SGD, dict(lr=0.1)),
       (optim.RMSprop, dict(centered=True, momentum=0.9, weight_decay=0.1)),
       (optim.Adam, dict(amsgrad=True, weight_decay=0.1)),
       (optim.AdamW, dict(amsgrad=True)),
       (optim.Adagrad, dict(lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.1))]


@pytest.mark.parametrize("cls,kwargs", ALL)
def test_updates_in_place_without_graph_and_float32_stays_float32(cls, kwargs):
    params = tg_params(init_arrays(), dtype=np.float32)
    buffers = [p.data for p in params]
    views = [p.data.view() for p in params]
    opt = cls(params, **kwargs)
    for _ in range(3):
        tg_train_step(opt, params)
    for p, buffer, view in zip(params, buffers, views):
        assert p.data is buffer and p.data.dtype == np.float32
        assert p.creator is None and p.requires_grad
        np.testing.assert_array_equal(view, p.data)
        for value in opt.state.get(p, {}).values():
            if isinstance(value, np.ndarray):
                assert value.dtype == np.float32


@pytest.mark.parametrize("cls,kwargs", ALL)
def test_gradient_arrays_are_never_modified(cls, kwargs):
    params = tg_params(init_arrays())
    opt = cls(params, **kwargs)
    tg_train_step(opt, params)
    first = [p.grad.data for p in params]
    saved = [g.copy() for g in first]
    opt.zero_grad()
    tg_loss(params).backward()
    opt.step()
    opt.step()  # the same gradients again
    for g, s in zip(first, saved):
        np.testing.assert_array_equal(g, s)


@pytest.mark.parametrize("cls,kwargs", ALL)
def test_a_gradient_shared_by_two_params_gives_the_same_update(cls, kwargs):
    a = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    opt = cls([a, b], **kwargs)
    shared = tg.Tensor(np.array([0.5, -1.5]))
    for _ in range(3):
        a.grad = b.grad = shared
        opt.step()
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(shared.data, [0.5, -1.5])


def test_plain_sgd_is_gradient_descent():
    w = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    opt = optim.SGD([w], lr=0.25)
    (w * w).sum().backward()               # dL/dw = 2w
    opt.step()
    np.testing.assert_allclose(w.data, [0.5, 1.0])


def test_zero_grad_and_closure():
    w = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    opt = optim.SGD([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == 5.0
    np.testing.assert_allclose(w.data, [0.8, 1.6])
    old = w.grad.data
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(w.grad.data, [0.0, 0.0])
    np.testing.assert_allclose(old, [2.0, 4.0])  # the old gradient array is untouched
    opt.zero_grad()
    assert w.grad is None


def test_create_by_name_uses_the_api_defaults():
    w = tg.Tensor(np.ones(2), requires_grad=True)
    expected = {
        "sgd": (optim.SGD, dict(lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                                nesterov=False)),
        "rmsprop": (optim.RMSprop, dict(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0,
                                        momentum=0, centered=False)),
        "adam": (optim.Adam, dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                                  amsgrad=False)),
        "AdamW": (optim.AdamW, dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                                    weight_decay=1e-2, amsgrad=False)),
        "adagrad": (optim.Adagrad, dict(lr=1e-2, lr_decay=0, weight_decay=0,
                                        initial_accumulator_value=0, eps=1e-10)),
    }
    for name, (cls, defaults) in expected.items():
        opt = optim.create(name, [w])
        assert type(opt) is cls
        group = {k: v for k, v in opt.param_groups[0].items() if k != "params"}
        assert group == defaults
    assert optim.create("sgd", [w], lr=0.5, momentum=0.9).param_groups[0]["momentum"] == 0.9
    with pytest.raises(ValueError, match="'adamax'.*sgd, rmsprop, adam, adamw"):
        optim.create("adamax", [w])


# --- state_dict ---

@pytest.mark.parametrize("cls,kwargs", ALL)
def test_state_dict_round_trip_resumes_identically(cls, kwargs):
    arrays = init_arrays(5)
    params = tg_params(arrays)
    opt = cls(params, **kwargs)
    for _ in range(4):
        tg_train_step(opt, params)
    state = opt.state_dict()
    snapshot = [p.data.copy() for p in params]
    for _ in range(3):
        tg_train_step(opt, params)
    # a fresh optimizer on parameters with the saved values
    params2 = tg_params(snapshot)
    opt2 = cls(params2, lr=123.0)  # the saved hyper-parameters replace these
    opt2.load_state_dict(state)
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    for _ in range(3):
        tg_train_step(opt2, params2)
    for p, q in zip(params, params2):
        np.testing.assert_array_equal(p.data, q.data)


@pytest.mark.parametrize("cls,kwargs", ALL)
def test_a_0d_parameter_matches_torch_and_survives_a_state_dict_round_trip(cls, kwargs):
    # 0-d arithmetic gives NumPy scalars, not arrays: the in-place update must still work,
    # and a loaded 0-d buffer must stay an array (not become a 'step'-like Python float).
    torch = pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")
    grads = [0.3, -1.2, 0.7, 2.0, -0.4, 0.1]
    w = tg.Tensor(np.array(1.5), requires_grad=True)
    opt = cls([w], **kwargs)
    q = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    t_opt = getattr(torch.optim, cls.__name__)([q], **torch_kwargs(kwargs))
    for step, g in enumerate(grads):
        if step == 3:  # resume from a state dict, on a fresh parameter and optimizer
            state = opt.state_dict()
            w = tg.Tensor(w.data.copy(), requires_grad=True)
            opt = cls([w], **kwargs)
            opt.load_state_dict(state)
        w.grad = tg.Tensor(np.array(g))
        opt.step()
        q.grad = torch.tensor(g, dtype=torch.float64)
        t_opt.step()
        np.testing.assert_allclose(w.data, q.detach().numpy(), rtol=1e-12,
                                   err_msg=f"after step {step}")


def test_state_dict_layout_and_copies():
    params = tg_params(init_arrays())
    opt = optim.SGD([{"params": params[:3]}, {"params": params[3:], "lr": 0.5}],
                    lr=0.1, momentum=0.9)
    tg_train_step(opt, params)
    state = opt.state_dict()
    assert [g["params"] for g in state["param_groups"]] == [[0, 1, 2], [3]]
    assert state["param_groups"][1]["lr"] == 0.5
    assert set(state["state"]) == {0, 1, 2, 3}
    assert set(state["state"][0]) == {"momentum_buffer"}
    before = state["state"][0]["momentum_buffer"].copy()
    tg_train_step(opt, params)
    np.testing.assert_array_equal(state["state"][0]["momentum_buffer"], before)


def test_load_state_dict_errors():
    params = tg_params(init_arrays())
    opt = optim.Adam(params)
    tg_train_step(opt, params)
    state = opt.state_dict()
    with pytest.raises(ValueError, match="has 1 parameter groups, the optimizer has 2"):
        optim.Adam([{"params": params[:2]}, {"params": params[2:]}]).load_state_dict(state)
    with pytest.raises(ValueError, match="has 4 parameters, the optimizer.s has 3"):
        optim.Adam(params[:3]).load_state_dict(
            {"state": {}, "param_groups": [dict(state["param_groups"][0], params=[0, 1, 2, 3])]}
        )
    swapped = tg_params([init_arrays()[i] for i in (2, 1, 0, 3)])
    with pytest.raises(ValueError, match=r"shape \(3, 4\).*shape \(4, 2\)"):
        optim.Adam(swapped).load_state_dict(state)


# --- argument errors ---

BAD_HYPERPARAMETERS = [
    (optim.SGD, dict(lr=-0.1), "lr must be >= 0, got -0.1"),
    (optim.SGD, dict(momentum=-0.5), "momentum must be >= 0, got -0.5"),
    (optim.SGD, dict(weight_decay=-1), "weight_decay must be >= 0, got -1"),
    (optim.SGD, dict(dampening=2.0), r"dampening must be in \[0, 1\], got 2.0"),
    (optim.SGD, dict(nesterov=True), "nesterov momentum needs momentum > 0"),
    (optim.SGD, dict(momentum=0.9, dampening=0.1, nesterov=True), "dampening = 0"),
    (optim.SGD, dict(lr=float("nan")), "lr must be a finite number >= 0, got nan"),
    (optim.SGD, dict(lr="0.1"), "lr must be a number >= 0, got '0.1'"),
    (optim.RMSprop, dict(alpha=1.5), r"alpha must be in \[0, 1\], got 1.5"),
    (optim.RMSprop, dict(eps=-1e-8), "eps must be >= 0, got -1e-08"),
    (optim.RMSprop, dict(momentum=-0.1), "momentum must be >= 0, got -0.1"),
    (optim.Adam, dict(betas=(1.0, 0.999)), r"betas\[0\] must be in \[0, 1\), got 1.0"),
    (optim.Adam, dict(betas=(0.9, -0.1)), r"betas\[1\] must be in \[0, 1\), got -0.1"),
    (optim.Adam, dict(betas=0.9), "betas must be a pair"),
    (optim.AdamW, dict(weight_decay=-0.01), "weight_decay must be >= 0, got -0.01"),
    (optim.Adagrad, dict(lr_decay=-1), "lr_decay must be >= 0, got -1"),
    (optim.Adagrad, dict(initial_accumulator_value=-1),
     "initial_accumulator_value must be >= 0, got -1"),
]


@pytest.mark.parametrize("cls,kwargs,message", BAD_HYPERPARAMETERS)
def test_invalid_hyperparameters_raise(cls, kwargs, message):
    w = tg.Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(ValueError, match=message):
        cls([w], **kwargs)


def test_invalid_hyperparameter_in_a_group_raises():
    a, b = (tg.Tensor(np.ones(2), requires_grad=True) for _ in range(2))
    with pytest.raises(ValueError, match="lr must be >= 0, got -1"):
        optim.SGD([{"params": [a]}, {"params": [b], "lr": -1}], lr=0.1)


def test_invalid_params_raise():
    w = tg.Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="iterable of Tensors"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(TypeError, match=r"params\[1\] is a ndarray"):
        optim.SGD([w, np.ones(2)], lr=0.1)
    with pytest.raises(TypeError, match="not named_parameters"):
        optim.SGD([("w", w)], lr=0.1)
    with pytest.raises(ValueError, match=r"params\[0\] \(shape \(3,\)\) does not require grad"):
        optim.Adam([tg.Tensor(np.ones(3))])
    with pytest.raises(ValueError, match="not a leaf"):
        optim.Adam([w * 2])
    with pytest.raises(ValueError, match="more than once"):
        optim.Adam([w, w])
    with pytest.raises(ValueError, match="more than once"):
        optim.Adam([{"params": [w]}, {"params": [w]}])
    opt = optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="more than once"):
        opt.add_param_group({"params": [w]})
    v = tg.Tensor(np.ones(3), requires_grad=True)
    opt.add_param_group({"params": v, "lr": 0.5})   # a single Tensor in a group is fine
    assert opt.param_groups[1]["params"] == [v] and opt.param_groups[1]["lr"] == 0.5


def test_optimizers_compared_example_runs_small(tmp_path, capsys):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "optimizers_compared.py"
    spec = importlib.util.spec_from_file_location("optimizers_compared_example", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    results = example.main(steps=3, train_steps=4, out=str(tmp_path / "plots"))
    out = capsys.readouterr().out
    for name in ["SGD", "SGD+momentum", "RMSprop", "Adam", "AdamW"]:
        assert name in results["valley"] and name in out
        assert len(results["valley"][name]) == 4 and len(results["classifier"][name]) == 4
        # f(-7, 2) = 49/20 + 4 = 6.45 at the start; every method lowers it here
        assert results["valley"][name][0] == pytest.approx(6.45)
        assert results["valley"][name][-1] < 6.45
