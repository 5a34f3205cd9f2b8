"""MultiStepLR, OneCycleLR (with momentum cycling) and ReduceLROnPlateau: closed forms and
hand-worked rules, the PyTorch oracle step by step, lr_at, state_dict, errors, and fit()
stepping a ReduceLROnPlateau once per epoch with the validation loss."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import nn, optim
from tinygrad_edu.optim import lr_scheduler as sch
from tinygrad_edu.train import fit


def make_opt(lrs=(0.1,), kind="sgd", **kwargs):
    groups = [{"params": [tg.Tensor(np.zeros(2), requires_grad=True)], "lr": lr} for lr in lrs]
    return optim.create(kind, groups, **kwargs)


def lrs_over(sched, steps):
    """The lrs after 0, 1, ..., steps-1 calls of step() (one list per group each)."""
    out = [sched.get_last_lr()]
    for _ in range(steps - 1):
        sched.optimizer.step()
        sched.step()
        out.append(sched.get_last_lr())
    return out


def torch_module():
    return pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")


def torch_opt(lrs=(0.1,), kind="SGD", **kwargs):
    torch = torch_module()
    groups = [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs]
    return getattr(torch.optim, kind)(groups, **kwargs)


def momentums(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def run_both(ours, theirs, steps):
    """Step both schedulers (after their optimizers); the lrs and momentums after each."""
    got, want = [], []
    for i in range(steps):
        if i:
            ours.optimizer.step()
            ours.step()
            theirs.optimizer.step()
            theirs.step()
        got.append((ours.get_last_lr(), momentums(ours.optimizer)))
        want.append((theirs.get_last_lr(), momentums(theirs.optimizer)))
    return got, want


def assert_close_runs(got, want):
    for i, ((lr, m), (t_lr, t_m)) in enumerate(zip(got, want)):
        np.testing.assert_allclose(lr, t_lr, rtol=1e-12, atol=1e-16, err_msg=f"lr, step {i}")
        np.testing.assert_allclose(m, t_m, rtol=1e-12, atol=1e-16, err_msg=f"momentum, step {i}")


# --- MultiStepLR ---

def test_multistep_closed_form_unsorted_and_repeated_milestones_two_groups():
    milestones = [12, 3, 7, 7]
    sched = sch.MultiStepLR(make_opt((0.1, 0.02)), milestones, gamma=0.5)
    got = lrs_over(sched, 20)
    want = [[lr0 * 0.5 ** sum(m <= t for m in milestones) for lr0 in (0.1, 0.02)]
            for t in range(20)]
    np.testing.assert_allclose(got, want, rtol=1e-13)
    assert sched.milestones == [3, 7, 7, 12]
    assert got[6] == pytest.approx([0.05, 0.01]) and got[7] == pytest.approx([0.0125, 0.0025])


@pytest.mark.parametrize("milestones", [[12, 3, 7, 7], [0, 5, 9], []])
def test_multistep_matches_torch(milestones):
    torch = torch_module()
    ours = sch.MultiStepLR(make_opt((0.1, 0.03)), milestones, gamma=0.3)
    theirs = torch.optim.lr_scheduler.MultiStepLR(torch_opt((0.1, 0.03)), milestones, gamma=0.3)
    assert_close_runs(*run_both(ours, theirs, 16))


def test_multistep_lr_at_equals_stepping():
    sched = sch.MultiStepLR(make_opt(), [2, 5], gamma=0.1)
    stepped = lrs_over(sch.MultiStepLR(make_opt(), [2, 5], gamma=0.1), 8)
    assert [sched.lr_at(t) for t in range(8)] == stepped
    assert sched.last_epoch == 0


# --- OneCycleLR ---

ONE_CYCLES = {  # (total_steps, pct_start, anneal_strategy, three_phase)
    "two-phase-cos": (20, 0.3, "cos", False),
    "two-phase-linear": (20, 0.25, "linear", False),
    "three-phase-cos": (20, 0.3, "cos", True),
    "three-phase-linear": (17, 0.4, "linear", True),
    "no-warmup": (12, 0.0, "cos", False),
    "three-phase-long-warmup": (10, 0.7, "cos", True),   # phases overlap: PyTorch's result
}


@pytest.mark.parametrize("name", ONE_CYCLES)
@pytest.mark.parametrize("kind", ["SGD", "Adam"])
def test_one_cycle_matches_torch_every_step_until_it_refuses(name, kind):
    torch = torch_module()
    total, pct, strategy, three = ONE_CYCLES[name]
    kwargs = dict(max_lr=[0.5, 0.2], total_steps=total, pct_start=pct,
                  anneal_strategy=strategy, three_phase=three, div_factor=10.0,
                  final_div_factor=100.0, base_momentum=[0.8, 0.7], max_momentum=0.9)
    ours = sch.OneCycleLR(make_opt((1.0, 1.0), kind.lower()), **kwargs)
    theirs = torch.optim.lr_scheduler.OneCycleLR(torch_opt((1.0, 1.0), kind), **kwargs)
    # steps 0 .. total_steps: PyTorch allows one step past the last phase's end
    assert_close_runs(*run_both(ours, theirs, total))
    theirs.optimizer.step()
    theirs.step()
    before = (ours.last_epoch, ours.get_last_lr(), momentums(ours.optimizer))
    ours.optimizer.step()
    if min(theirs.get_last_lr()) < 0:  # 'linear' one step past the end: a negative lr
        with pytest.raises(ValueError, match=rf"OneCycleLR: at step {total}, the lr of "
                                             r"param_groups\[\d\] must be >= 0, got -"):
            ours.step()
        assert (ours.last_epoch, ours.get_last_lr(), momentums(ours.optimizer)) == before
        return
    ours.step()
    assert_close_runs([(ours.get_last_lr(), momentums(ours.optimizer))],
                      [(theirs.get_last_lr(), momentums(theirs.optimizer))])
    with pytest.raises(ValueError):
        theirs.step()
    before = (ours.last_epoch, ours.get_last_lr(), momentums(ours.optimizer))
    with pytest.raises(ValueError, match=f"made for total_steps={total}, cannot go to step "
                                         f"{total + 1}"):
        ours.step()
    assert (ours.last_epoch, ours.get_last_lr(), momentums(ours.optimizer)) == before


def test_one_cycle_without_momentum_cycling_matches_torch_and_keeps_momentum():
    torch = torch_module()
    ours = sch.OneCycleLR(make_opt((1.0,), momentum=0.5), 0.1, 30, cycle_momentum=False)
    theirs = torch.optim.lr_scheduler.OneCycleLR(torch_opt((1.0,), momentum=0.5), 0.1, 30,
                                                 cycle_momentum=False)
    got, want = run_both(ours, theirs, 31)
    assert_close_runs(got, want)
    assert all(m == [0.5] for _, m in got)


@pytest.mark.parametrize("kind", ["SGD", "Adam"])
def test_one_cycle_training_follows_torch(kind):
    """Weights after 25 steps on a quadratic: lrs and cycled momentum (SGD made with
    momentum=0 gets it turned on, as in PyTorch) drive the same updates."""
    torch = torch_module()
    target = np.array([1.0, -2.0, 0.5])
    w = tg.Tensor(np.zeros(3), requires_grad=True)
    opt = optim.create(kind.lower(), [w])
    sched = sch.OneCycleLR(opt, max_lr=0.3, total_steps=25)
    tw = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    topt = getattr(torch.optim, kind)([tw])
    tsched = torch.optim.lr_scheduler.OneCycleLR(topt, max_lr=0.3, total_steps=25)
    for _ in range(25):
        opt.zero_grad()
        ((w - tg.Tensor(target)) ** 2).sum().backward()
        opt.step()
        sched.step()
        topt.zero_grad()
        ((tw - torch.tensor(target)) ** 2).sum().backward()
        topt.step()
        tsched.step()
    np.testing.assert_allclose(w.data, tw.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_one_cycle_landmarks_from_the_definition():
    total, pct = 100, 0.3
    sched = sch.OneCycleLR(make_opt((7.0,)), max_lr=1.0, total_steps=total, pct_start=pct,
                           cycle_momentum=False)
    peak = pct * total - 1                                         # step 29
    assert sched.get_last_lr() == pytest.approx([1.0 / 25])        # starts at max/div
    assert sched.optimizer.param_groups[0]["lr"] == pytest.approx(0.04)
    assert sched.lr_at(29) == pytest.approx([1.0])
    assert sched.lr_at(99) == pytest.approx([1.0 / 25 / 1e4])      # ends at initial/final_div
    # cosine halfway up and halfway down
    up = 14 / peak
    assert sched.lr_at(14)[0] == pytest.approx(1 + (0.04 - 1) * (1 + math.cos(math.pi * up)) / 2)
    down = (64 - peak) / (99 - peak)
    assert sched.lr_at(64)[0] == pytest.approx(4e-6 + (1 - 4e-6) * (1 + math.cos(math.pi * down))
                                               / 2)
    three = sch.OneCycleLR(make_opt(), max_lr=1.0, total_steps=total, pct_start=pct,
                           anneal_strategy="linear", three_phase=True)
    assert three.lr_at(29) == pytest.approx([1.0])
    assert three.lr_at(58) == pytest.approx([0.04])                # back at initial_lr
    assert three.lr_at(10)[0] == pytest.approx(0.04 + 0.96 * 10 / 29)
    assert three.momentum_at(0) == pytest.approx([0.95])
    assert three.momentum_at(29) == pytest.approx([0.85])
    assert three.momentum_at(80) == pytest.approx([0.95])          # third phase: max


def test_one_cycle_lr_at_equals_stepping_and_refuses_past_the_end():
    sched = sch.OneCycleLR(make_opt(), max_lr=0.2, total_steps=15, three_phase=True)
    stepped = lrs_over(sch.OneCycleLR(make_opt(), max_lr=0.2, total_steps=15, three_phase=True),
                       16)
    assert [sched.lr_at(t) for t in range(16)] == stepped
    with pytest.raises(ValueError, match="total_steps=15, cannot go to step 16"):
        sched.lr_at(16)
    epochs = sch.OneCycleLR(make_opt(), max_lr=0.2, epochs=3, steps_per_epoch=5,
                            three_phase=True)
    assert epochs.total_steps == 15 and epochs.lr_at(7) == sched.lr_at(7)


# --- ReduceLROnPlateau ---

def test_plateau_rules_by_hand_patience_and_cooldown():
    def lrs(cooldown):
        sched = sch.ReduceLROnPlateau(make_opt((1.0,)), factor=0.5, patience=2,
                                      cooldown=cooldown)
        out = []
        for _ in range(12):
            sched.step(1.0)                  # the same value: one best, then all bad
            out.append(sched.get_last_lr()[0])
        return out

    # patience 2: the 3rd bad epoch reduces (steps 4, 7, 10)
    assert lrs(0) == [1, 1, 1, .5, .5, .5, .25, .25, .25, .125, .125, .125]
    # cooldown 1: the epoch after a reduction is not counted (steps 4, 8, 12)
    assert lrs(1) == [1, 1, 1, .5, .5, .5, .5, .25, .25, .25, .25, .125]


def test_plateau_min_lr_per_group_and_eps():
    sched = sch.ReduceLROnPlateau(make_opt((1.0, 0.1)), factor=0.1, patience=0,
                                  min_lr=[0.05, 0.0], eps=1e-3)
    got = []
    for _ in range(5):
        sched.step(3.0)
        got.append(sched.get_last_lr())
    # group 0 stops at min_lr; group 1 stops when a reduction would be <= eps (1e-3):
    # 0.1 -> 0.01 (change 0.09), 0.01 -> 0.001 (0.009), then 0.001 -> 1e-4 (9e-4 <= eps)
    np.testing.assert_allclose(got, [[1.0, 0.1], [0.1, 0.01], [0.05, 0.001], [0.05, 0.001],
                                     [0.05, 0.001]])
    # a change of exactly eps is skipped too: 1.0 -> 0.5 with eps=0.5 stays at 1.0
    exact = sch.ReduceLROnPlateau(make_opt((1.0,)), factor=0.5, patience=0, eps=0.5)
    for _ in range(3):
        exact.step(1.0)
    assert exact.get_last_lr() == [1.0]


# metric sequences: improvements, plateaus, improvements smaller than the threshold
LOSSES = [1.0, 0.8, 0.8, 0.7999, 0.79, 0.8, 0.81, 0.6, 0.6, 0.5995, 0.6, 0.4, 0.41, 0.42,
          0.39, 0.395, 0.4, 0.4, 0.3, 0.3, 0.3, 0.3, 0.2999, 0.31, 0.25, 0.25, 0.25, 0.25]
PLATEAU_CONFIGS = {
    "min-rel": dict(mode="min", factor=0.5, patience=2),
    "min-abs-cooldown": dict(mode="min", threshold=0.05, threshold_mode="abs", patience=1,
                             cooldown=2),
    "max-rel-cooldown": dict(mode="max", factor=0.3, patience=0, cooldown=1, threshold=0.01),
    "max-abs": dict(mode="max", threshold=0.02, threshold_mode="abs", patience=1),
    "min-lr-per-group": dict(factor=0.2, patience=0, min_lr=[0.01, 0.002]),
    "eps": dict(factor=0.5, patience=0, eps=0.004),
}


@pytest.mark.parametrize("name", PLATEAU_CONFIGS)
def test_plateau_matches_torch_on_a_scripted_metric(name):
    torch = torch_module()
    config = PLATEAU_CONFIGS[name]
    metrics = [1 - x for x in LOSSES] if config.get("mode") == "max" else LOSSES
    ours = sch.ReduceLROnPlateau(make_opt((0.1, 0.03)), **config)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(torch_opt((0.1, 0.03)), **config)
    reductions = 0
    for i, metric in enumerate(metrics):
        before = ours.get_last_lr()
        ours.step(metric)
        theirs.step(metric)
        reductions += ours.get_last_lr() != before
        np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-13,
                                   err_msg=f"step {i}")
        assert ([g["lr"] for g in ours.optimizer.param_groups]
                == [g["lr"] for g in theirs.optimizer.param_groups])
        assert (ours.best, ours.num_bad_epochs, ours.cooldown_counter, ours.last_epoch) == (
            theirs.best, theirs.num_bad_epochs, theirs.cooldown_counter, theirs.last_epoch)
    assert reductions >= 2      # the sequence really exercised the reductions


@settings(max_examples=20)
@given(metrics=st.lists(st.sampled_from([0.5, 0.45, 0.4999, 0.46, 0.3, 0.31]), min_size=1,
                        max_size=30),
       mode=st.sampled_from(["min", "max"]), threshold_mode=st.sampled_from(["rel", "abs"]),
       threshold=st.sampled_from([0.0, 1e-4, 0.05]), patience=st.integers(0, 3),
       cooldown=st.integers(0, 2), min_lr=st.sampled_from([0.0, 1e-3]))
def test_plateau_matches_torch_on_random_sequences(metrics, mode, threshold_mode, threshold,
                                                   patience, cooldown, min_lr):
    torch = torch_module()
    config = dict(mode=mode, threshold_mode=threshold_mode, threshold=threshold,
                  patience=patience, cooldown=cooldown, min_lr=min_lr, factor=0.5)
    ours = sch.ReduceLROnPlateau(make_opt((0.1,)), **config)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(torch_opt((0.1,)), **config)
    for metric in metrics:
        ours.step(metric)
        theirs.step(metric)
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-13)
        assert (ours.num_bad_epochs, ours.cooldown_counter) == (theirs.num_bad_epochs,
                                                                theirs.cooldown_counter)


def test_plateau_takes_a_tensor_or_array_metric_and_reads_the_current_lr():
    opt = make_opt((1.0,))
    sched = sch.ReduceLROnPlateau(opt, patience=0, factor=0.5)
    sched.step(tg.Tensor(2.0))
    opt.param_groups[0]["lr"] = 0.8          # changed from outside: the reduction uses it
    sched.step(np.array([2.0]))
    assert sched.get_last_lr() == [0.4] and opt.param_groups[0]["lr"] == 0.4


def test_plateau_has_no_lr_at():
    sched = sch.ReduceLROnPlateau(make_opt())
    with pytest.raises(TypeError, match="no lr_at: its lr depends on the metrics"):
        sched.lr_at(3)
    with pytest.raises(TypeError, match="no lr_at"):
        sch.LinearWarmup(sched.optimizer, 5, then=sched)


# --- state_dict, resuming ---

RESUMABLE = {
    "MultiStepLR": lambda o: sch.MultiStepLR(o, [9, 3, 12], gamma=0.5),
    "OneCycleLR": lambda o: sch.OneCycleLR(o, max_lr=[0.4, 0.2], total_steps=20,
                                           three_phase=True),
    "OneCycleLR-Adam": lambda o: sch.OneCycleLR(o, max_lr=0.3, total_steps=18),
}


@pytest.mark.parametrize("name", RESUMABLE)
def test_state_dict_round_trip_resumes_lr_and_momentum(name, tmp_path):
    make = RESUMABLE[name]
    kind = "adam" if name.endswith("Adam") else "sgd"
    opt = make_opt((0.1, 0.05), kind)
    sched = make(opt)
    lrs_over(sched, 7)
    path = tmp_path / "sched.npz"
    tg.save(sched.state_dict(), path)
    rest = [(sched.get_last_lr(), momentums(opt))]
    for _ in range(9):
        opt.step()
        sched.step()
        rest.append((sched.get_last_lr(), momentums(opt)))

    fresh_opt = make_opt((0.1, 0.05), kind)
    fresh = make(fresh_opt)
    lrs_over(fresh, 3)                        # somewhere else in the schedule
    fresh.load_state_dict(tg.load(path))
    got = [(fresh.get_last_lr(), momentums(fresh_opt))]
    for _ in range(9):
        fresh_opt.step()
        fresh.step()
        got.append((fresh.get_last_lr(), momentums(fresh_opt)))
    assert got == rest
    assert [g["lr"] for g in fresh_opt.param_groups] == [g["lr"] for g in opt.param_groups]


def test_plateau_state_dict_round_trip_mid_cooldown(tmp_path):
    def make(opt):
        return sch.ReduceLROnPlateau(opt, factor=0.5, patience=1, cooldown=2,
                                     min_lr=[0.0, 0.01])

    sched = make(make_opt((0.1, 0.05)))
    for metric in [1.0, 0.9, 0.95, 0.95, 0.95]:
        sched.step(metric)
    assert sched.in_cooldown and sched.get_last_lr() == [0.05, 0.025]
    path = tmp_path / "plateau.npz"
    tg.save(sched.state_dict(), path)
    tail = [0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85]
    rest = []
    for metric in tail:
        sched.step(metric)
        rest.append((sched.get_last_lr(), sched.best, sched.num_bad_epochs))

    fresh_opt = make_opt((0.1, 0.05))
    fresh = make(fresh_opt)
    fresh.load_state_dict(tg.load(path))
    assert [g["lr"] for g in fresh_opt.param_groups] == [0.05, 0.025]
    got = []
    for metric in tail:
        fresh.step(metric)
        got.append((fresh.get_last_lr(), fresh.best, fresh.num_bad_epochs))
    assert got == rest and rest[-1][0] != [0.05, 0.025]


# --- argument errors ---

@pytest.mark.parametrize("make,error,message", [
    (lambda o: sch.MultiStepLR(o, [3, -1]), ValueError,
     r"milestones\[1\] must be an int >= 0, got -1"),
    (lambda o: sch.MultiStepLR(o, [2.5]), ValueError,
     r"milestones\[0\] must be an int >= 0, got 2.5"),
    (lambda o: sch.MultiStepLR(o, 5), TypeError,
     "milestones must be a list of step counts, got int"),
    (lambda o: sch.MultiStepLR(o, [5], gamma=0), ValueError, "gamma must be > 0, got 0"),
    (lambda o: sch.OneCycleLR(o, 0.1), ValueError,
     "needs total_steps, or epochs and steps_per_epoch"),
    (lambda o: sch.OneCycleLR(o, 0.1, 0), ValueError, "total_steps must be an int >= 1, got 0"),
    (lambda o: sch.OneCycleLR(o, -0.1, 10), ValueError, "max_lr must be > 0, got -0.1"),
    (lambda o: sch.OneCycleLR(o, [0.1, 0.2], 10), ValueError,
     r"max_lr: expected 1 value\(s\) \(one per parameter group\), got 2"),
    (lambda o: sch.OneCycleLR(o, 0.1, 10, pct_start=1.5), ValueError,
     r"pct_start must be in \[0, 1\], got 1.5"),
    (lambda o: sch.OneCycleLR(o, 0.1, 10, anneal_strategy="exp"), ValueError,
     "anneal_strategy must be 'cos' or 'linear', got 'exp'"),
    (lambda o: sch.OneCycleLR(o, 0.1, 10, div_factor=0), ValueError, "div_factor must be > 0"),
    (lambda o: sch.OneCycleLR(o, 0.1, 10, pct_start=0.1), ValueError,
     "phase 1 of the cycle has no steps"),
    (lambda o: sch.OneCycleLR(o, 0.1, 10, base_momentum=-0.5), ValueError,
     "base_momentum must be >= 0, got -0.5"),
    (lambda o: sch.OneCycleLR(o, 0.1, epochs=0, steps_per_epoch=3), ValueError,
     "epochs must be an int >= 1, got 0"),
    (lambda o: sch.ReduceLROnPlateau(o, mode="best"), ValueError,
     "mode must be 'min' or 'max', got 'best'"),
    (lambda o: sch.ReduceLROnPlateau(o, threshold_mode="x"), ValueError,
     "threshold_mode must be 'rel' or 'abs', got 'x'"),
    (lambda o: sch.ReduceLROnPlateau(o, factor=1.0), ValueError,
     r"factor must be in \[0, 1\), got 1.0"),
    (lambda o: sch.ReduceLROnPlateau(o, patience=-1), ValueError,
     "patience must be an int >= 0, got -1"),
    (lambda o: sch.ReduceLROnPlateau(o, cooldown=0.5), ValueError,
     "cooldown must be an int >= 0, got 0.5"),
    (lambda o: sch.ReduceLROnPlateau(o, min_lr=[0.1, 0.2]), ValueError,
     r"min_lr: expected 1 value\(s\)"),
    (lambda o: sch.ReduceLROnPlateau(o, min_lr=-1), ValueError, "min_lr must be >= 0, got -1"),
    (lambda o: sch.ReduceLROnPlateau(o).step(), TypeError,
     r"needs the metric .* scheduler.step\(val_loss\)"),
    (lambda o: sch.ReduceLROnPlateau(o).step(np.ones(2)), ValueError,
     r"must be a single number, got shape \(2,\)"),
])
def test_invalid_arguments_raise(make, error, message):
    with pytest.raises(error, match=message):
        make(make_opt())


def test_one_cycle_momentum_needs_an_optimizer_with_momentum():
    with pytest.raises(ValueError, match="Adagrad has neither: pass cycle_momentum=False"):
        sch.OneCycleLR(make_opt(kind="adagrad"), 0.1, 10)
    sched = sch.OneCycleLR(make_opt(kind="adagrad"), 0.1, 10, cycle_momentum=False)
    with pytest.raises(ValueError, match="does not cycle momentum"):
        sched.momentum_at(0)


def test_one_cycle_with_an_empty_phase_is_refused_before_touching_the_optimizer():
    # PyTorch divides 0 by 0 once it reaches the empty phase (here at the last step, 10);
    # we refuse at once, and leave the optimizer's groups as they were.
    opt = make_opt()
    before = [dict(g, params=None) for g in opt.param_groups]
    for pct_start, phase in ((1.0, 2), (0.1, 1)):
        with pytest.raises(ValueError, match=f"phase {phase} of the cycle has no steps"):
            sch.OneCycleLR(opt, 0.1, 10, pct_start=pct_start)
    assert [dict(g, params=None) for g in opt.param_groups] == before
    assert sch.StepLR(opt, 5).get_last_lr() == [g["lr"] for g in before]


def test_warmup_then_a_one_cycle_that_cycles_momentum_is_refused():
    opt = optim.SGD([tg.Tensor(np.ones(2), requires_grad=True)], lr=0.1, momentum=0.9)
    with pytest.raises(TypeError, match="cannot be a OneCycleLR that cycles momentum"):
        sch.LinearWarmup(opt, 2, then=sch.OneCycleLR(opt, 0.5, 10))
    warmup = sch.LinearWarmup(opt, 2, then=sch.OneCycleLR(opt, 0.5, 10, cycle_momentum=False))
    assert warmup.get_last_lr() == [0.0]  # start_factor 0


# --- fit() with ReduceLROnPlateau ---

def exact_fit(epochs, with_val, patience=1):
    """Linear(1, 1) from w=1, b=0 on four copies of (x=1, y=3), batches of 2, SGD lr=0.25:
    the first step lands exactly on w + b = 3 (w=2, b=1), so every later loss is exactly 0:
    a plateau from epoch 1 (validation) or epoch 2 (training loss)."""
    model = nn.Linear(1, 1)
    model.weight.data = np.ones((1, 1))
    model.bias.data = np.zeros(1)
    X, y = np.ones((4, 1)), np.full((4, 1), 3.0)
    batches = [(X[:2], y[:2]), (X[2:], y[2:])]
    opt = optim.SGD(model.parameters(), lr=0.25)
    sched = sch.ReduceLROnPlateau(opt, factor=0.5, patience=patience)
    history = fit(model, nn.MSELoss(), opt, batches, epochs=epochs, scheduler=sched,
                  val_loader=batches if with_val else None, progress=False)
    return history, sched


def plateau_lrs_torch(losses, lr, **config):
    """The lr of each epoch after the first, by PyTorch's scheduler fed the same losses."""
    opt = torch_opt((lr,))
    sched = torch_module().optim.lr_scheduler.ReduceLROnPlateau(opt, **config)
    out = [lr]
    for loss in losses[:-1]:
        sched.step(loss)
        out.append(sched.get_last_lr()[0])
    return out


def test_fit_steps_plateau_once_per_epoch_with_the_validation_loss():
    history, sched = exact_fit(epochs=6, with_val=True)
    assert history.epoch["val_loss"] == [0.0] * 6
    # epoch 1 sets best = 0; patience 1: the 2nd bad epoch (3, then 5) halves the lr;
    # both steps of an epoch use the same lr (stepping per batch would halve sooner)
    assert history.step["lr"] == [0.25] * 6 + [0.125] * 4 + [0.0625] * 2
    assert sched.last_epoch == 6 and sched.get_last_lr() == [0.0625]
    per_epoch = history.step["lr"][::2]
    assert per_epoch == plateau_lrs_torch(history.epoch["val_loss"], 0.25, factor=0.5,
                                          patience=1)


def test_fit_steps_plateau_with_the_training_loss_without_val_loader():
    history, sched = exact_fit(epochs=6, with_val=False)
    assert history.epoch["train_loss"] == [2.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert history.step["lr"] == [0.25] * 8 + [0.125] * 4
    assert history.step["lr"][::2] == plateau_lrs_torch(history.epoch["train_loss"], 0.25,
                                                        factor=0.5, patience=1)
    assert sched.last_epoch == 6
