"""fit's callbacks and output: EarlyStopping stops where Keras's rule says and restores the
best epoch's weights bit for bit; ModelCheckpoint writes only on improvement;
LearningRateMonitor reports the changes of the schedule's closed form; bad settings
raise; piped output is one flushed line per epoch, a terminal gets a live line, and
progress=False prints nothing."""
import math
import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn, optim
from tinygrad_edu.data import DataLoader, TensorDataset
from tinygrad_edu.train import (Callback, EarlyStopping, LearningRateMonitor, ModelCheckpoint,
                                fit)


def _data(n=48, seed=0):
    """A noisy linear regression, split in two: the validation loss wanders and stalls."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    y = X @ np.array([[1.5], [-2.0], [0.5]]) + 0.8 * rng.standard_normal((n, 1))
    half = n // 2
    train = DataLoader(TensorDataset(X[:half], y[:half]), batch_size=8, shuffle=True, seed=0)
    val = DataLoader(TensorDataset(X[half:], y[half:]), batch_size=24)
    return train, val


def _model():
    """Linear → BatchNorm1d → Linear in float64: parameters and running-statistics buffers."""
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.Linear(8, 1))
    return model.to(np.float64)


def _mse(out, target):
    d = out - target
    return (d * d).mean()


def _fit(model, epochs, callbacks=(), lr=0.02, progress=False):
    train, val = _data()
    return fit(model, _mse, optim.SGD(model.parameters(), lr=lr, momentum=0.9), train,
               epochs, val_loader=val, callbacks=callbacks, progress=progress)


def _snapshots():
    """A plain callback keeping a copy of the state of every epoch, as the caller sees it."""
    taken = []

    def snapshot(epoch, history):
        taken.append({k: v.numpy().copy() for k, v in snapshot.model.state_dict().items()})
    return snapshot, taken


def _same(state, snapshot):
    assert list(state) == list(snapshot)
    for key, value in state.items():
        value = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
        assert value.dtype == snapshot[key].dtype and np.array_equal(value, snapshot[key]), key


def _improvements(values, min_delta=0.0):
    """The epochs (from 1) where a lower-is-better value beats the last improvement by more
    than min_delta, written as a scan over the recorded values."""
    epochs, best = [], math.inf
    for epoch, value in enumerate(values, 1):
        if best - value > min_delta:
            epochs.append(epoch)
            best = value
    return epochs


def _stop_epoch(values, patience, min_delta=0.0):
    """Keras's rule: the first epoch ending a run of max(patience, 1) epochs without
    improvement, or None."""
    better = set(_improvements(values, min_delta))
    run = 0
    for epoch in range(1, len(values) + 1):
        run = 0 if epoch in better else run + 1
        if run >= max(patience, 1):
            return epoch
    return None


# --- EarlyStopping ---

@pytest.mark.parametrize("patience, min_delta", [(0, 0.0), (2, 0.0), (3, 0.05)])
def test_early_stopping_stops_at_the_epoch_keras_rule_gives(patience, min_delta):
    full = _fit(_model(), 25).epoch["val_loss"]  # the same run, never stopped
    expected = _stop_epoch(full, patience, min_delta)
    assert expected is not None and expected < 25, "the scenario must stop early"
    stop = EarlyStopping(patience=patience, min_delta=min_delta)
    history = _fit(_model(), 25, [stop])
    assert history.num_epochs == expected == stop.stopped_epoch
    assert history.epoch["val_loss"] == full[:expected]  # nothing else changed
    best_epoch = _improvements(full[:expected], min_delta)[-1]
    assert stop.best_epoch == best_epoch and stop.best == full[best_epoch - 1]


@pytest.mark.parametrize("patience, min_delta", [(0, 0.0), (1, 0.0), (2, 0.0), (2, 0.3)])
def test_early_stopping_rule_on_a_made_up_sequence_with_ties(patience, min_delta):
    values = [3.0, 2.0, 2.0, 1.9, 1.9, 1.5, 1.5, 1.6, 1.4, 1.4, 1.4, 1.45, 1.0]
    stop = EarlyStopping(monitor="val_loss", patience=patience, min_delta=min_delta)
    history = tg.train.History()
    stop.on_train_begin(history)
    for epoch, value in enumerate(values, 1):
        history.log_epoch(train_loss=0.0, val_loss=value)
        if stop.on_epoch_end(epoch, history):
            break
    expected = _stop_epoch(values, patience, min_delta)
    assert expected is not None and stop.stopped_epoch == expected == epoch
    assert stop.best_epoch == _improvements(values[:expected], min_delta)[-1]


@pytest.mark.parametrize("stops", [True, False])
def test_restore_best_weights_is_bit_identical_to_the_best_epoch(stops):
    snapshot, taken = _snapshots()
    model = _model()
    snapshot.model = model
    # patience 2 stops early; patience 100 runs all 12 epochs (restored all the same)
    stop = EarlyStopping(patience=2 if stops else 100, restore_best_weights=True)
    history = _fit(model, 12, [snapshot, stop])
    values = history.epoch["val_loss"]
    best = int(np.argmin(values)) + 1  # the first minimum: later ties do not improve
    assert (history.num_epochs < 12) == stops and best != history.num_epochs
    _same(model.state_dict(), taken[best - 1])
    assert stop.best_epoch == best


def test_without_restore_the_last_weights_stay():
    snapshot, taken = _snapshots()
    model = _model()
    snapshot.model = model
    history = _fit(model, 25, [snapshot, EarlyStopping(patience=2)])
    _same(model.state_dict(), taken[history.num_epochs - 1])


def test_monitor_max_mode_and_keras_names():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 2))
    y = (X[:, 0] > 0).astype(np.int64)
    tg.manual_seed(0)
    model = nn.Linear(2, 2).to(np.float64)
    loader = DataLoader(TensorDataset(X, y), batch_size=20)
    stop = EarlyStopping(monitor="accuracy", patience=1)  # Keras's name: train_accuracy
    history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.5), loader,
                  30, callbacks=[stop], progress=False)
    accuracy = history.epoch["train_accuracy"]
    assert stop.mode == "max"
    # max mode: an improvement is a strictly higher value; stop at the first epoch without
    best = [e for e in range(1, len(accuracy) + 1)
            if accuracy[e - 1] > max(accuracy[:e - 1], default=-1.0)]
    expected = next(e for e in range(2, 31) if e not in best)
    assert history.num_epochs == expected and stop.best_epoch == best[-1]


def test_unknown_monitor_raises_at_the_first_epoch_naming_the_keys():
    with pytest.raises(ValueError) as info:
        _fit(_model(), 5, [EarlyStopping(monitor="val_accuracy")])  # a regression: none
    message = str(info.value)
    for key in ("'train_loss'", "'val_loss'", "'steps'", "'time'"):
        assert key in message
    assert "'val_accuracy'" in message
    train, _ = _data()
    model = _model()
    with pytest.raises(ValueError, match=r"'val_loss'.*only with a val_loader"):
        fit(model, _mse, optim.SGD(model.parameters(), lr=0.1), train, 5,
            callbacks=[EarlyStopping()], progress=False)  # the default monitor needs val data


@pytest.mark.parametrize("make, error, message", [
    (lambda: EarlyStopping(patience=-1), ValueError, "patience must be an int >= 0, got -1"),
    (lambda: EarlyStopping(patience=2.0), TypeError, "patience must be an int"),
    (lambda: EarlyStopping(min_delta=-0.1), ValueError, "min_delta must be >= 0"),
    (lambda: EarlyStopping(min_delta=math.nan), ValueError, "min_delta must be a finite"),
    (lambda: EarlyStopping(mode="minimum"), ValueError, "mode must be 'auto', 'min' or 'max'"),
    (lambda: EarlyStopping(monitor=3), TypeError, "monitor must be the name"),
    (lambda: EarlyStopping(monitor=""), TypeError, "monitor must be the name"),
    (lambda: EarlyStopping(monitor="val_mae2"), ValueError, "say mode='min'"),
    (lambda: EarlyStopping(restore_best_weights="yes"), TypeError,
     "restore_best_weights must be True or False"),
    (lambda: ModelCheckpoint(3), TypeError, "path must be a file name"),
    (lambda: ModelCheckpoint("x.npz", save_best_only=1), TypeError,
     "save_best_only must be True or False"),
    (lambda: ModelCheckpoint("x.npz", monitor="val_f1", mode="high"), ValueError,
     "mode must be"),
    (lambda: LearningRateMonitor(min_change=-1), ValueError, "min_change must be"),
])
def test_bad_hyper_parameters_raise_at_once(make, error, message):
    with pytest.raises(error, match=re.escape(message)):
        make()


def test_custom_monitor_with_an_explicit_mode_and_checkpoint_of_every_epoch_is_fine():
    EarlyStopping(monitor="val_mae2", mode="min")
    ModelCheckpoint("x.npz", monitor="val_mae2", save_best_only=False)  # monitor unused


def test_bad_callbacks_raise_before_training():
    model = _model()
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    for callbacks, message in (([EarlyStopping], "is the class EarlyStopping, not an instance"),
                               ([None], "callbacks[0] must be a function"),
                               (EarlyStopping(), "callbacks must be a list")):
        with pytest.raises(TypeError, match=re.escape(message)):
            _fit(model, 2, callbacks)
    _same(model.state_dict(), before)


def test_checkpoint_path_that_is_a_folder_raises(tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        ModelCheckpoint(tmp_path)


# --- ModelCheckpoint ---

def test_checkpoint_is_written_only_on_improvement(tmp_path):
    path = tmp_path / "best.npz"
    snapshot, taken = _snapshots()
    seen = []  # after each epoch: the file's inode and contents

    def look(epoch, history):
        stat = os.stat(path)
        seen.append((stat.st_ino, stat.st_mtime_ns, tg.load(path)))

    model = _model()
    snapshot.model = model
    checkpoint = ModelCheckpoint(path)
    history = _fit(model, 12, [snapshot, checkpoint, look])
    improved = _improvements(history.epoch["val_loss"])
    assert 1 < len(improved) < 12, "the scenario needs epochs that do not improve"
    assert checkpoint.saved_epochs == improved and checkpoint.best_epoch == improved[-1]
    for epoch in range(1, 13):
        last_better = max(e for e in improved if e <= epoch)
        _same(seen[epoch - 1][2], taken[last_better - 1])  # the best weights so far
        if epoch > 1:
            rewritten = seen[epoch - 1][:2] != seen[epoch - 2][:2]
            assert rewritten == (epoch in improved), epoch
    model2 = _model()
    model2.load_state_dict(tg.load(path))
    _same(model2.state_dict(), taken[improved[-1] - 1])


def test_checkpoint_of_every_epoch_with_a_formatted_path(tmp_path):
    snapshot, taken = _snapshots()
    model = _model()
    snapshot.model = model
    pattern = str(tmp_path / "epoch{epoch:02d}-{val_loss:.3f}.npz")
    history = _fit(model, 4, [snapshot, ModelCheckpoint(pattern, save_best_only=False)])
    names = sorted(os.listdir(tmp_path))
    assert names == [f"epoch{e:02d}-{v:.3f}.npz"
                     for e, v in enumerate(history.epoch["val_loss"], 1)]
    for name, state in zip(names, taken):
        _same(tg.load(tmp_path / name), state)
    with pytest.raises(ValueError, match=r"cannot fill in path.*val_acc"):
        _fit(_model(), 1, [ModelCheckpoint(str(tmp_path / "{val_acc}.npz"),
                                           save_best_only=False)])


# --- LearningRateMonitor, the Callback hooks ---

def test_learning_rate_monitor_reports_the_changes_of_the_schedule(capsys):
    X = np.random.default_rng(0).standard_normal((24, 3))
    loader = DataLoader(TensorDataset(X, X[:, :1]), batch_size=8)  # 3 steps per epoch
    for min_change in (0.0, 0.6):
        tg.manual_seed(0)
        model = nn.Linear(3, 1).to(np.float64)
        opt = optim.SGD(model.parameters(), lr=0.1)
        monitor = LearningRateMonitor(min_change=min_change)
        fit(model, _mse, opt, loader, 6, scheduler=optim.lr_scheduler.StepLR(opt, 4, gamma=0.5),
            callbacks=[monitor], progress=True)
        # the closed form: after k steps lr = 0.1 * 0.5 ** (k // 4); epoch e ends after 3e
        ends = [0.1 * 0.5 ** (3 * e // 4) for e in range(1, 7)]
        np.testing.assert_allclose(np.array(monitor.lrs)[:, 0], ends, rtol=1e-15)
        previous, expected = 0.1, []
        for e, lr in enumerate(ends, 1):
            if abs(lr - previous) > min_change * previous:
                expected.append((e, 0, previous, lr))
                previous = lr
        assert [(e, g) for e, g, _, _ in monitor.changes] == [(e, g) for e, g, _, _ in expected]
        np.testing.assert_allclose([c[2:] for c in monitor.changes], [c[2:] for c in expected])
        out = capsys.readouterr().out
        assert out.count(" -> ") == len(expected)
        # 0.6 is quiet for one halving, and reports two together
        assert ("(x0.5)" in out) == (not min_change) and ("(x0.25)" in out) == bool(min_change)


class _Recorder(Callback):
    def __init__(self):
        self.calls = []

    def on_train_begin(self, history):
        self.calls.append(("begin", history.num_steps, self.epochs, self.steps_per_epoch))

    def on_batch_end(self, step, history):
        self.calls.append(("batch", step, history.num_steps))

    def on_epoch_end(self, epoch, history):
        self.calls.append(("epoch", epoch, history.num_epochs))
        return epoch == 2

    def on_train_end(self, history):
        self.calls.append(("end", history.num_epochs))


def test_hooks_run_in_order_and_every_callback_runs_at_the_stopping_epoch():
    recorder, later = _Recorder(), []
    _fit(_model(), 5, [recorder, lambda epoch, history: later.append(epoch)])
    steps = 3  # 24 training samples in batches of 8
    expected = [("begin", 0, 5, steps)]
    for epoch in (1, 2):
        expected += [("batch", s, s) for s in range((epoch - 1) * steps + 1, epoch * steps + 1)]
        expected.append(("epoch", epoch, epoch))
    assert recorder.calls == expected + [("end", 2)]
    assert later == [1, 2]  # the plain function after it still ran at epoch 2


def test_base_callback_does_nothing_and_say_follows_progress(capsys):
    class Speaker(Callback):
        def on_epoch_end(self, epoch, history):
            self.say(f"spoke at {epoch}")

    _fit(_model(), 2, [Callback(), Speaker()])
    assert capsys.readouterr().out == ""  # progress=False
    _fit(_model(), 2, [Speaker()], progress=True)
    lines = capsys.readouterr().out.splitlines()
    assert [line.startswith("epoch") for line in lines] == [True, False, True, False]
    assert lines[1] == "spoke at 1"


# --- output ---

def test_progress_false_prints_nothing_even_when_callbacks_act(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(tg.train.loop, "_is_terminal", lambda: True)
    _fit(_model(), 25, [EarlyStopping(patience=1, restore_best_weights=True),
                        ModelCheckpoint(tmp_path / "b.npz"), LearningRateMonitor()])
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_piped_output_is_one_flushed_line_per_epoch(tmp_path):
    code = textwrap.dedent("""
        import os
        import numpy as np
        import tinygrad_edu as tg
        rng = np.random.default_rng(0)
        X = rng.standard_normal((30, 2)).astype(np.float32)
        y = (X[:, 0] > 0).astype(np.int64)
        loader = tg.data.DataLoader(tg.data.TensorDataset(X, y), batch_size=10)
        model = tg.nn.Linear(2, 2)
        tg.train.fit(model, tg.nn.CrossEntropyLoss(), tg.optim.SGD(model.parameters(), lr=0.1),
                     loader, 3, val_loader=loader,
                     callbacks=[tg.train.EarlyStopping(monitor="val_accuracy", patience=5)])
        os._exit(0)  # skips Python's final flush: only lines flushed as printed survive
        """)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # pipes buffer
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stdout
    lines = done.stdout.splitlines()
    assert len(lines) == 3, done.stdout
    pattern = (r"epoch {}/3  {} steps  train loss \d+\.\d{{4}}  train accuracy \d+\.\d\d%  "
               r"val loss \d+\.\d{{4}}  val accuracy \d+\.\d\d%  lr 0\.1  \d+\.\ds")
    for epoch, line in enumerate(lines, 1):
        assert re.fullmatch(pattern.format(epoch, 3 * epoch), line), line


def _visible(out):
    """What a terminal shows: each line's text after its last carriage return."""
    return [line.rsplit("\r", 1)[-1].rstrip() for line in out.split("\n")]


def test_terminal_gets_a_live_line_that_ends_as_the_epoch_line(capsys, monkeypatch):
    monkeypatch.setattr(tg.train.loop, "_is_terminal", lambda: True)
    _fit(_model(), 2, progress=None)
    out = capsys.readouterr().out
    assert "[====================] 3/3  loss " in out and "\r" in out
    shown = _visible(out)
    assert shown[-1] == "" and len(shown) == 3
    assert shown[0].startswith("epoch 1/2  3 steps  train loss")
    assert shown[1].startswith("epoch 2/2  6 steps  train loss")


def test_live_line_without_a_loader_length_and_cut_short_by_an_error(capsys, monkeypatch):
    monkeypatch.setattr(tg.train.loop, "_is_terminal", lambda: True)
    train, _ = _data()

    class NoLength:  # an iterable loader without len()
        def __iter__(self):
            return iter(train)

    calls = []

    def failing_loss(out, target):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("boom")
        return _mse(out, target)

    model = _model()
    with pytest.raises(RuntimeError, match="boom"):
        fit(model, failing_loss, optim.SGD(model.parameters(), lr=0.1), NoLength(), 3)
    out = capsys.readouterr().out
    assert "epoch 1/3  step 1  loss" in out  # no length: the step number, not a bar
    assert out.endswith("\n")  # the live line was ended before the traceback
    shown = _visible(out)
    assert shown[0].startswith("epoch 1/3  3 steps  train loss")
    assert shown[1].startswith("epoch 2/3  step 1  loss")
