"""Learning-rate schedules: closed forms, TensorFlow's formulas, the PyTorch oracle, the
classic exponential-decay example, lr_at, state_dict and argument errors."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import optim
from tinygrad_edu.optim import lr_scheduler as sch


def make_opt(lrs=(0.1,)):
    groups = [{"params": [tg.Tensor(np.zeros(2), requires_grad=True)], "lr": lr} for lr in lrs]
    return optim.SGD(groups, lr=lrs[0])


def lrs_over(sched, steps):
    """The lrs after 0, 1, ..., steps-1 calls of step() (one list per group each)."""
    out = [sched.get_last_lr()]
    for _ in range(steps - 1):
        sched.optimizer.step()
        sched.step()
        out.append(sched.get_last_lr())
    return out


# --- closed forms, written out here ---

SCHEDULES = {
    "ExponentialDecay": (lambda o: sch.ExponentialDecay(o, decay_steps=3, decay_rate=0.5),
                         lambda lr0, t: lr0 * 0.5 ** (t / 3)),
    "ExponentialDecay-staircase": (
        lambda o: sch.ExponentialDecay(o, decay_steps=3, decay_rate=0.5, staircase=True),
        lambda lr0, t: lr0 * 0.5 ** (t // 3)),
    "InverseTimeDecay": (lambda o: sch.InverseTimeDecay(o, decay_steps=4, decay_rate=0.5),
                         lambda lr0, t: lr0 / (1 + 0.5 * t / 4)),
    "InverseTimeDecay-staircase": (
        lambda o: sch.InverseTimeDecay(o, decay_steps=4, decay_rate=0.5, staircase=True),
        lambda lr0, t: lr0 / (1 + 0.5 * (t // 4))),
    "ExponentialLR": (lambda o: sch.ExponentialLR(o, gamma=0.9),
                      lambda lr0, t: lr0 * 0.9 ** t),
    "StepLR": (lambda o: sch.StepLR(o, step_size=5, gamma=0.5),
               lambda lr0, t: lr0 * 0.5 ** (t // 5)),
    "CosineAnnealingLR": (lambda o: sch.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
                          lambda lr0, t: 0.001 + (lr0 - 0.001) * (1 + np.cos(np.pi * t / 10)) / 2),
    "LambdaLR": (lambda o: sch.LambdaLR(o, lambda t: 1 / (1 + t) ** 0.5),
                 lambda lr0, t: lr0 / np.sqrt(1 + t)),
    "LinearWarmup": (lambda o: sch.LinearWarmup(o, warmup_steps=4, start_factor=0.2),
                     lambda lr0, t: lr0 * (0.2 + 0.8 * min(t, 4) / 4)),
}


@pytest.mark.parametrize("name", SCHEDULES)
def test_closed_form_over_30_steps_and_two_groups(name):
    make, formula = SCHEDULES[name]
    sched = make(make_opt((0.1, 0.02)))
    got = lrs_over(sched, 30)
    want = [[formula(0.1, t), formula(0.02, t)] for t in range(30)]
    np.testing.assert_allclose(got, want, rtol=1e-13)
    assert [g["lr"] for g in sched.optimizer.param_groups] == got[-1]


@pytest.mark.parametrize("name", SCHEDULES)
def test_lr_at_says_the_lr_at_any_step_without_stepping(name):
    make, formula = SCHEDULES[name]
    opt = make_opt((0.1,))
    sched = make(opt)
    for t in [0, 3, 17, 100]:
        assert sched.lr_at(t) == pytest.approx([formula(0.1, t)], rel=1e-13)
    assert sched.last_epoch == 0
    assert opt.param_groups[0]["lr"] == pytest.approx(formula(0.1, 0), rel=1e-13)
    stepped = lrs_over(make(make_opt((0.1,))), 18)
    assert stepped[17] == sched.lr_at(17)


@given(t=st.integers(0, 10_000), decay_steps=st.integers(1, 1000),
       rate=st.floats(0.01, 0.999), staircase=st.booleans())
def test_tensorflow_exponential_and_inverse_time_decay(t, decay_steps, rate, staircase):
    opt = make_opt((0.1,))
    p = t // decay_steps if staircase else t / decay_steps
    exp = sch.ExponentialDecay(opt, decay_steps, rate, staircase=staircase)
    assert exp.lr_at(t)[0] == pytest.approx(0.1 * rate ** p, rel=1e-12)
    inv = sch.InverseTimeDecay(make_opt((0.1,)), decay_steps, rate, staircase=staircase)
    assert inv.lr_at(t)[0] == pytest.approx(0.1 / (1 + rate * p), rel=1e-12)


# --- the classic example ---

def classic_log(steps=40):
    """Minimise (w + 1)**2 from w = 5: SGD lr0 = 0.1, ExponentialDecay(1, 0.99, staircase).

    Each line shows the lr after scheduler.step(), and the loss and w after the update.
    """
    w = tg.Tensor(np.array(5.0), requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    sched = sch.ExponentialDecay(opt, decay_steps=1, decay_rate=0.99, staircase=True)
    lines = []
    for step in range(steps):
        opt.zero_grad()
        ((w + 1) ** 2).backward()
        opt.step()
        sched.step()
        loss = (w.item() + 1) ** 2
        lines.append(f"step {step}: lr {sched.get_last_lr()[0]:g}, loss {loss:g}, w {w.item():g}")
    return lines, w.item()


def test_classic_exponential_decay_example():
    lines, w_end = classic_log()
    assert lines[:3] == ["step 0: lr 0.099, loss 23.04, w 3.8",
                         "step 1: lr 0.09801, loss 14.8194, w 2.8496",
                         "step 2: lr 0.0970299, loss 9.57903, w 2.095"]
    # the same run transcribed in NumPy: w -= lr_k * 2 (w + 1) with lr_k = 0.1 * 0.99**k
    w, expected = 5.0, []
    for k in range(40):
        w = w - 0.1 * 0.99 ** k * 2 * (w + 1)
        expected.append(f"step {k}: lr {0.1 * 0.99 ** (k + 1):g}, loss {(w + 1) ** 2:g}, w {w:g}")
    assert lines == expected
    # closed form: w + 1 shrinks by (1 - 2 lr_k) at step k
    assert w_end == pytest.approx(-1 + 6 * np.prod([1 - 0.2 * 0.99 ** k for k in range(40)]),
                                  rel=1e-12)
    assert round(w_end, 4) == -0.9957


# --- the PyTorch oracle ---

def torch_pair(make_ours, make_theirs, lrs=(0.1, 0.03)):
    torch = pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")
    t_opt = torch.optim.SGD([{"params": [torch.zeros(1, requires_grad=True)], "lr": lr}
                             for lr in lrs])
    theirs = make_theirs(torch.optim.lr_scheduler, t_opt)
    ours = make_ours(make_opt(lrs))
    t_lrs = [theirs.get_last_lr()]
    for _ in range(29):
        t_opt.step()
        theirs.step()
        t_lrs.append(theirs.get_last_lr())
    np.testing.assert_allclose(lrs_over(ours, 30), t_lrs, rtol=1e-12, atol=1e-16)


def test_exponential_lr_matches_torch():
    torch_pair(lambda o: sch.ExponentialLR(o, gamma=0.87),
               lambda m, o: m.ExponentialLR(o, gamma=0.87))


def test_step_lr_matches_torch():
    torch_pair(lambda o: sch.StepLR(o, step_size=4, gamma=0.3),
               lambda m, o: m.StepLR(o, step_size=4, gamma=0.3))


@pytest.mark.parametrize("eta_min", [0.0, 0.005])
def test_cosine_annealing_lr_matches_torch_beyond_t_max(eta_min):
    torch_pair(lambda o: sch.CosineAnnealingLR(o, T_max=12, eta_min=eta_min),
               lambda m, o: m.CosineAnnealingLR(o, T_max=12, eta_min=eta_min))


def test_lambda_lr_with_one_function_per_group_matches_torch():
    fs = [lambda t: 0.95 ** t, lambda t: 1 / (1 + 0.1 * t)]
    torch_pair(lambda o: sch.LambdaLR(o, fs), lambda m, o: m.LambdaLR(o, fs))


def test_linear_warmup_matches_torch_linear_lr():
    torch_pair(lambda o: sch.LinearWarmup(o, warmup_steps=8, start_factor=0.25),
               lambda m, o: m.LinearLR(o, start_factor=0.25, total_iters=8))


def test_linear_warmup_then_cosine_matches_torch_sequential_lr():
    def ours(o):
        return sch.LinearWarmup(o, 5, start_factor=0.1, then=sch.CosineAnnealingLR(o, T_max=20))

    def theirs(m, o):
        warm = m.LinearLR(o, start_factor=0.1, total_iters=5)
        cosine = m.CosineAnnealingLR(o, T_max=20)
        return m.SequentialLR(o, [warm, cosine], milestones=[5])

    torch_pair(ours, theirs)


# --- state_dict, resuming ---

@pytest.mark.parametrize("name", SCHEDULES)
def test_state_dict_round_trip_resumes(name):
    make, _ = SCHEDULES[name]
    sched = make(make_opt((0.1, 0.05)))
    lrs_over(sched, 7)
    state = sched.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 6
    rest = lrs_over(sched, 10)
    fresh_opt = make_opt((0.1, 0.05))
    fresh = make(fresh_opt)
    fresh.load_state_dict(state)
    assert [g["lr"] for g in fresh_opt.param_groups] == rest[0]
    assert lrs_over(fresh, 10) == rest


def test_load_state_dict_keeps_the_warmup_and_its_next_schedule():
    opt = make_opt()
    sched = sch.LinearWarmup(opt, 3, then=sch.StepLR(opt, step_size=2))
    lrs_over(sched, 9)
    state = sched.state_dict()
    assert state["then"]["step_size"] == 2
    opt2 = make_opt()
    sched2 = sch.LinearWarmup(opt2, 3, then=sch.StepLR(opt2, step_size=2))
    sched2.load_state_dict(state)
    assert sched2.get_last_lr() == sched.get_last_lr() == [opt2.param_groups[0]["lr"]]
    assert lrs_over(sched2, 4) == lrs_over(sched, 4)


def test_resume_with_last_epoch():
    opt = make_opt()
    sched = sch.ExponentialLR(opt, gamma=0.5)
    lrs_over(sched, 4)
    resumed = sch.ExponentialLR(opt, gamma=0.5, last_epoch=3)   # continues at step 4
    assert resumed.get_last_lr() == [pytest.approx(0.1 * 0.5 ** 4)]
    with pytest.raises(ValueError, match="initial_lr"):
        sch.ExponentialLR(make_opt(), gamma=0.5, last_epoch=3)


def test_get_last_lr_is_a_copy():
    sched = sch.ExponentialLR(make_opt(), gamma=0.5)
    sched.get_last_lr().append(1.0)
    assert sched.get_last_lr() == [0.1]


# --- argument errors ---

@pytest.mark.parametrize("make,message", [
    (lambda o: sch.ExponentialDecay(o, 0, 0.9), "decay_steps must be > 0, got 0"),
    (lambda o: sch.ExponentialDecay(o, 10, -0.5), "decay_rate must be > 0, got -0.5"),
    (lambda o: sch.InverseTimeDecay(o, -1, 0.5), "decay_steps must be > 0, got -1"),
    (lambda o: sch.InverseTimeDecay(o, 10, -0.5), "decay_rate must be >= 0, got -0.5"),
    (lambda o: sch.ExponentialLR(o, gamma=0), "gamma must be > 0, got 0"),
    (lambda o: sch.StepLR(o, step_size=0), "step_size must be an int >= 1, got 0"),
    (lambda o: sch.StepLR(o, step_size=2.5), "step_size must be an int >= 1, got 2.5"),
    (lambda o: sch.CosineAnnealingLR(o, T_max=0), "T_max must be an int >= 1, got 0"),
    (lambda o: sch.CosineAnnealingLR(o, T_max=5, eta_min=-1), "eta_min must be >= 0, got -1"),
    (lambda o: sch.LinearWarmup(o, warmup_steps=0), "warmup_steps must be an int >= 1"),
    (lambda o: sch.LinearWarmup(o, 5, start_factor=1.5),
     r"start_factor must be in \[0, 1\], got 1.5"),
    (lambda o: sch.LinearWarmup(o, 5, then=sch.StepLR(make_opt(), 2)), "same optimizer"),
    (lambda o: sch.LambdaLR(o, [lambda t: 1.0] * 3), r"lr_lambda: expected 1 value\(s\)"),
    (lambda o: sch.ExponentialLR(o, gamma=0.5).lr_at(-1), "step must be an int >= 0"),
])
def test_invalid_arguments_raise(make, message):
    with pytest.raises(ValueError, match=message):
        make(make_opt())


def test_a_group_added_after_the_scheduler_is_refused_not_left_unscheduled():
    opt = make_opt()
    sched = sch.StepLR(opt, step_size=1, gamma=0.5)
    groups = len(opt.param_groups)
    opt.add_param_group({"params": [tg.nn.Parameter(np.ones(2))], "lr": 1.0})
    with pytest.raises(ValueError, match=f"has {groups + 1} parameter groups but this StepLR "
                                         f"was made for {groups}"):
        sched.step()


def test_a_scheduler_needs_an_optimizer():
    with pytest.raises(TypeError, match="needs an Optimizer, got list"):
        sch.ExponentialLR([], gamma=0.5)
    with pytest.raises(TypeError, match="lr_lambda must be callable"):
        sch.LambdaLR(make_opt(), 0.5)


def test_schedule_drives_training_lr():
    """The optimizer really uses the scheduled lr: SGD steps scale with it."""
    w = tg.Tensor(np.array([0.0]), requires_grad=True)
    opt = optim.SGD([w], lr=1.0)
    sched = sch.StepLR(opt, step_size=2, gamma=0.5)
    moves = []
    for _ in range(5):
        before = w.item()
        w.grad = tg.Tensor(np.array([-1.0]))
        opt.step()
        sched.step()
        moves.append(w.item() - before)
    assert moves == [1.0, 1.0, 0.5, 0.5, 0.25]
    assert math.isclose(sched.get_last_lr()[0], 0.25)


def test_the_example_prints_the_classic_table(capsys):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "exponential_decay.py"
    spec = importlib.util.spec_from_file_location("exponential_decay_example", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    w_end = example.main(40)
    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("step")]
    assert printed == classic_log()[0]
    assert printed[:3] == ["step 0: lr 0.099, loss 23.04, w 3.8",
                           "step 1: lr 0.09801, loss 14.8194, w 2.8496",
                           "step 2: lr 0.0970299, loss 9.57903, w 2.095"]
    assert round(w_end, 4) == -0.9957


def test_a_second_schedule_on_one_optimizer_warns_that_they_do_not_compose():
    opt = make_opt()
    first = sch.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match="do not compose"):
        second = sch.ExponentialLR(opt, gamma=0.5)
    for _ in range(3):
        first.step()
        second.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5 ** 3)  # the last step() wins
