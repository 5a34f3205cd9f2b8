"""tg.train: fit (learns, records what it did, stops on NaN with a clear message, prints
a live progress line in a terminal or a notebook and plain per-epoch lines elsewhere), evaluate, History.plot, and the learning-rate range test (restores
state; suggests a rate inside the region where the loss falls)."""
import sys
import types

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn, optim
from tinygrad_edu.data import DataLoader, TensorDataset
from tinygrad_edu.train import DivergedError, History, accuracy, evaluate, fit, lr_range_test


def _regression(n=64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    y = X @ np.array([[1.5], [-2.0], [0.5]]) + 0.3
    return X, y  # float64: exact comparisons with the NumPy formulas below


def _blobs(n=90, seed=0):
    """Three well separated clusters: a linear classifier reaches 100%."""
    rng = np.random.default_rng(seed)
    centers = np.array([[4.0, 0.0], [-4.0, 0.0], [0.0, 4.0]])
    y = np.arange(n) % 3
    return centers[y] + 0.5 * rng.standard_normal((n, 2)), y


def _mse(out, target):
    d = out - target
    return (d * d).mean()


def _linear(n_in, n_out):
    tg.manual_seed(0)
    model = nn.Linear(n_in, n_out)
    for p in model.parameters():
        p.data = p.data.astype(np.float64)
    return model


def _weights(model):
    return [p.data.copy() for p in model.parameters()]


# --- fit ---

def test_fit_learns_a_linear_relation():
    X, y = _regression()
    model = _linear(3, 1)
    loader = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True, seed=0)
    history = fit(model, _mse, optim.SGD(model.parameters(), lr=0.1), loader, epochs=30)
    losses = history.epoch["train_loss"]
    assert losses[-1] < losses[0] / 100
    w, b = model.weight.data, model.bias.data
    np.testing.assert_allclose(w.ravel(), [1.5, -2.0, 0.5], atol=1e-3)
    np.testing.assert_allclose(b, [0.3], atol=1e-3)


def test_fit_records_loss_lr_and_grad_norm_of_each_step():
    X, y = _regression(n=40)
    model = _linear(3, 1)
    W0, b0 = model.weight.data.copy(), model.bias.data.copy()
    loader = DataLoader(TensorDataset(X, y), batch_size=16)  # batches of 16, 16, 8
    opt = optim.SGD(model.parameters(), lr=0.05)
    scheduler = optim.lr_scheduler.ExponentialDecay(opt, decay_steps=2, decay_rate=0.5)
    history = fit(model, _mse, opt, loader, epochs=2, scheduler=scheduler)
    assert history.num_steps == 6 and history.num_epochs == 2
    assert history.epoch["steps"] == [3, 6]
    # lr of step k (from 0): the closed form of the schedule
    np.testing.assert_allclose(history.step["lr"], [0.05 * 0.5 ** (k / 2) for k in range(6)])
    # step 1, by hand: loss = mean(r**2), r = X W^T + b - y; dL/dW = 2 r^T X / n, dL/db = 2 mean(r)
    xb, yb = X[:16], y[:16]
    r = xb @ W0.T + b0 - yb
    assert history.step["loss"][0] == pytest.approx(np.mean(r ** 2), rel=1e-12)
    gW, gb = 2 * r.T @ xb / 16, 2 * r.mean(axis=0)
    norm = np.sqrt((gW ** 2).sum() + (gb ** 2).sum())
    assert history.step["grad_norm"][0] == pytest.approx(norm, rel=1e-10)
    # epoch train loss: the batch-size weighted mean of that epoch's step losses
    steps = history.step["loss"]
    weighted = (16 * steps[0] + 16 * steps[1] + 8 * steps[2]) / 40
    assert history.epoch["train_loss"][0] == pytest.approx(weighted)
    assert len(history.epoch["time"]) == 2 and all(t >= 0 for t in history.epoch["time"])


def test_fit_measures_accuracy_and_validates():
    X, y = _blobs()
    model = _linear(2, 3)
    train = DataLoader(TensorDataset(X[:60], y[:60]), batch_size=20, shuffle=True, seed=1)
    val = DataLoader(TensorDataset(X[60:], y[60:]), batch_size=7)
    history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), train,
                  epochs=15, val_loader=val)
    assert set(history.epoch) >= {"train_loss", "train_accuracy", "val_loss", "val_accuracy"}
    # the last validation numbers, recomputed with NumPy from the final weights
    logits = X[60:] @ model.weight.data.T + model.bias.data
    log_p = logits - logits.max(1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(1, keepdims=True))
    cross_entropy = -log_p[np.arange(30), y[60:]].mean()
    assert history.epoch["val_loss"][-1] == pytest.approx(cross_entropy, rel=1e-9)
    assert history.epoch["val_accuracy"][-1] == np.mean(logits.argmax(1) == y[60:]) == 1.0
    assert history.epoch["train_accuracy"][-1] > 0.9


def test_fit_evaluates_in_eval_mode_and_trains_in_train_mode():
    class Recorder(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = _linear(3, 1)
            self.modes = []

        def forward(self, x):
            self.modes.append(self.training)
            return self.inner(x)

    X, y = _regression(n=8)
    model = Recorder()
    loader = DataLoader(TensorDataset(X, y), batch_size=4)
    fit(model, _mse, optim.SGD(model.parameters(), lr=0.01), loader, epochs=2, val_loader=loader)
    assert model.modes == [True, True, False, False] * 2
    assert model.training


def test_nan_loss_stops_training_and_names_the_step():
    X, y = _regression(n=32)
    model = _linear(3, 1)
    loader = DataLoader(TensorDataset(X, y), batch_size=8)
    calls = []

    def loss_fn(out, target):
        calls.append(1)
        loss = _mse(out, target)
        return loss * np.nan if len(calls) == 6 else loss

    message = r"nan at step 6 \(epoch 2\) with learning rate 0.01.*smaller"
    with pytest.raises(DivergedError, match=message) as info:
        fit(model, loss_fn, optim.SGD(model.parameters(), lr=0.01), loader, epochs=3)
    assert isinstance(info.value, FloatingPointError)
    assert info.value.step == 6 and info.value.epoch == 2
    assert info.value.history.num_steps == 5


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_too_large_learning_rate_diverges_with_a_clear_error():
    X, y = _regression()
    model = _linear(3, 1)
    loader = DataLoader(TensorDataset(X, y), batch_size=64)
    with pytest.raises(DivergedError, match="learning rate 50.*too large") as info:
        fit(model, _mse, optim.SGD(model.parameters(), lr=50.0), loader, epochs=500)
    history = info.value.history
    assert history.num_steps == info.value.step - 1
    assert history.step["loss"][-1] > history.step["loss"][0]  # it was blowing up


def _run_with_progress(capsys, progress):
    X, y = _blobs(n=30)
    model = _linear(2, 3)
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
        DataLoader(TensorDataset(X, y), batch_size=10), epochs=2, progress=progress)
    return capsys.readouterr().out


def _no_ipython(monkeypatch):
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    monkeypatch.delitem(sys.modules, "IPython", raising=False)


def test_progress_true_prints_even_when_stdout_is_not_a_terminal(capsys):
    assert not sys.stdout.isatty()  # pytest captures stdout
    lines = _run_with_progress(capsys, True).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("epoch 1/2") and "3 steps" in lines[0]
    assert "train loss" in lines[1] and "lr 0.1" in lines[1] and lines[1].endswith("s")


def test_progress_false_never_prints(capsys, monkeypatch):
    monkeypatch.setattr(tg.train.loop, "_is_terminal", lambda: True)
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    assert _run_with_progress(capsys, False) == ""


def _is_live(out):
    """A live progress line (redrawn after carriage returns) whose final state, on each
    line of the screen, is the plain epoch line."""
    shown = [line.rsplit("\r", 1)[-1].rstrip() for line in out.split("\n")[:-1]]
    return "\r" in out and len(shown) == 2 and shown[0].startswith("epoch 1/2  3 steps")


def test_progress_auto_prints_lines_when_piped_and_a_live_line_on_a_terminal(capsys,
                                                                           monkeypatch):
    _no_ipython(monkeypatch)
    out = _run_with_progress(capsys, None)  # captured output, no notebook: like a pipe
    assert "\r" not in out and len(out.splitlines()) == 2
    assert out.startswith("epoch 1/2  3 steps")
    monkeypatch.setattr(tg.train.loop, "_is_terminal", lambda: True)
    assert _is_live(_run_with_progress(capsys, None))
    out = _run_with_progress(capsys, True)  # True: the plain lines, even on a terminal
    assert "\r" not in out and len(out.splitlines()) == 2


def test_progress_auto_is_live_under_jupyter_and_ipython(capsys, monkeypatch):
    _no_ipython(monkeypatch)
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    assert _is_live(_run_with_progress(capsys, None))

    _no_ipython(monkeypatch)
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: None  # IPython importable, but no shell running
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    out = _run_with_progress(capsys, None)
    assert "\r" not in out and len(out.splitlines()) == 2
    ipython.get_ipython = lambda: object()  # a running terminal IPython shell
    assert _is_live(_run_with_progress(capsys, None))


def test_callbacks_can_stop_early():
    X, y = _regression(n=16)
    model = _linear(3, 1)
    seen = []

    def stop_after_two(epoch, history):
        seen.append((epoch, history.num_epochs))
        return epoch == 2

    history = fit(model, _mse, optim.SGD(model.parameters(), lr=0.01),
                  DataLoader(TensorDataset(X, y), batch_size=8), epochs=10,
                  callbacks=[stop_after_two])
    assert seen == [(1, 1), (2, 2)] and history.num_epochs == 2


def test_custom_metric_and_errors():
    X, y = _regression(n=16)
    loader = DataLoader(TensorDataset(X, y), batch_size=8)
    model = _linear(3, 1)

    def mae(out, target):
        return float(np.abs(np.asarray(out) - np.asarray(target)).mean())

    history = fit(model, _mse, optim.SGD(model.parameters(), lr=0.01), loader, metrics=[mae])
    assert "train_mae" in history.epoch and "train_accuracy" not in history.epoch
    with pytest.raises(ValueError, match="unknown metric 'f1'"):
        fit(model, _mse, optim.SGD(model.parameters(), lr=0.01), loader, metrics=["f1"])
    with pytest.raises(ValueError, match="epochs must be an int >= 1, got 0"):
        fit(model, _mse, optim.SGD(model.parameters(), lr=0.01), loader, epochs=0)
    with pytest.raises(TypeError, match=r"\(inputs, targets\)"):
        fit(model, _mse, optim.SGD(model.parameters(), lr=0.01), DataLoader(TensorDataset(X), 8))


def test_accuracy_metric():
    logits = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 3.0], [1.0, 5.0, 0.0], [4.0, 0.0, 0.0]])
    assert accuracy(logits, np.array([0, 2, 0, 0])) == 0.75
    single_logit = tg.Tensor([[0.3], [-1.0], [2.0]])  # > 0 predicts class 1
    assert accuracy(single_logit, tg.Tensor([[1], [1], [1]])) == pytest.approx(2 / 3)


def test_evaluate_restores_the_mode():
    X, y = _blobs(n=12)
    model = _linear(2, 3)
    model.eval()
    scores = evaluate(model, nn.CrossEntropyLoss(), DataLoader(TensorDataset(X, y), 5))
    assert not model.training and set(scores) == {"loss", "accuracy"}


# --- History.plot ---

def test_history_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib not installed: plot tests skipped")
    X, y = _blobs(n=30)
    model = _linear(2, 3)
    loader = DataLoader(TensorDataset(X, y), batch_size=10)
    history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), loader,
                  epochs=2, val_loader=loader)
    path = tmp_path / "sub" / "curves.png"
    history.plot(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    history = History()
    history.log_step(1.0, 0.1, 1.0)
    with pytest.raises(ImportError, match=r'pip install "tinygrad_edu\[plot\]"'):
        history.plot(tmp_path / "x.png")


# --- lr_range_test ---

def _full_batch_problem():
    X, y = _regression(n=64, seed=3)
    model = _linear(3, 1)
    loader = DataLoader(TensorDataset(X, y), batch_size=64)
    return X, y, model, loader


def test_range_test_restores_model_and_optimizer():
    X, y, model, loader = _full_batch_problem()
    opt = optim.Adam(model.parameters(), lr=0.01)
    fit(model, _mse, opt, loader, epochs=3)  # the optimizer now has moments to restore
    weights, state = _weights(model), opt.state_dict()
    model.eval()
    result = lr_range_test(model, _mse, opt, loader, start_lr=1e-4, end_lr=100.0, num_steps=40)
    assert len(result.lrs) > 5
    for before, after in zip(weights, _weights(model)):
        np.testing.assert_array_equal(before, after)
    after_state = opt.state_dict()
    assert after_state["param_groups"] == state["param_groups"]  # lr 0.01 again
    assert opt.param_groups[0]["lr"] == 0.01
    assert after_state["state"].keys() == state["state"].keys()
    for i in state["state"]:
        for key, value in state["state"][i].items():
            np.testing.assert_array_equal(after_state["state"][i][key], value)
    assert not model.training
    assert all(p.grad is None for p in model.parameters())


def test_range_test_restores_after_an_error():
    X, y, model, loader = _full_batch_problem()
    opt = optim.SGD(model.parameters(), lr=0.01)
    weights = _weights(model)
    calls = []

    def failing_loss(out, target):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("interrupted")
        return _mse(out, target)

    with pytest.raises(RuntimeError, match="interrupted"):
        lr_range_test(model, failing_loss, opt, loader, start_lr=1e-3, end_lr=1.0, num_steps=10)
    for before, after in zip(weights, _weights(model)):
        np.testing.assert_array_equal(before, after)


def test_range_test_schedule_smoothing_and_suggestion():
    X, y, model, loader = _full_batch_problem()
    # Full-batch gradient descent on mean squared error diverges above lr = 2 / lambda_max,
    # lambda_max the largest eigenvalue of the loss's Hessian 2/n [X 1]^T [X 1].
    design = np.hstack([X, np.ones((len(X), 1))])
    critical_lr = 2.0 / np.linalg.eigvalsh(2.0 / len(X) * design.T @ design).max()
    opt = optim.SGD(model.parameters(), lr=0.01)
    result = lr_range_test(model, _mse, opt, loader, start_lr=1e-4, end_lr=10.0, num_steps=60)
    n = len(result.lrs)
    np.testing.assert_allclose(result.lrs, 1e-4 * (1e5) ** (np.arange(n) / 59), rtol=1e-12)
    average, expected = 0.0, []
    for i, loss in enumerate(result.raw_losses):
        average = 0.98 * average + 0.02 * loss
        expected.append(average / (1 - 0.98 ** (i + 1)))
    np.testing.assert_allclose(result.losses, expected, rtol=1e-12)
    assert result.diverged and n < 60  # stopped early once the loss exploded
    assert result.losses[-1] > 4 * min(result.losses)
    # The suggestion lies where the smoothed loss is still falling, below the critical lr.
    k = result.lrs.index(result.suggested_lr)
    assert result.suggested_lr < critical_lr
    assert result.losses[k + 1] < result.losses[k - 1]
    assert result.losses[k] < result.losses[0]
    assert k < int(np.argmin(result.losses))


def test_range_test_argument_errors():
    X, y, model, loader = _full_batch_problem()
    opt = optim.SGD(model.parameters(), lr=0.01)
    for kwargs, message in [({"start_lr": 0.0}, "start_lr must be > 0, got 0.0"),
                            ({"start_lr": 1.0, "end_lr": 0.5}, "end_lr must be > start_lr"),
                            ({"num_steps": 1}, "num_steps must be an int >= 2, got 1"),
                            ({"smoothing": 1.0}, r"smoothing must be in \[0, 1\), got 1.0")]:
        with pytest.raises(ValueError, match=message):
            lr_range_test(model, _mse, opt, loader, **kwargs)


def test_range_test_plot(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib not installed: plot tests skipped")
    X, y, model, loader = _full_batch_problem()
    result = lr_range_test(model, _mse, optim.SGD(model.parameters(), lr=0.01), loader,
                           start_lr=1e-4, end_lr=10.0, num_steps=30)
    result.plot(tmp_path / "range.png")
    assert (tmp_path / "range.png").read_bytes()[:4] == b"\x89PNG"


def test_range_test_needs_batches():
    X, y, model, loader = _full_batch_problem()
    weights = _weights(model)
    empty = DataLoader(TensorDataset(X[:0], y[:0]), batch_size=4)
    with pytest.raises(ValueError, match="no batches"):
        lr_range_test(model, _mse, optim.SGD(model.parameters(), lr=0.01), empty)
    for before, after in zip(weights, _weights(model)):
        np.testing.assert_array_equal(before, after)


def test_a_one_shot_iterator_gets_a_clear_error_when_it_runs_dry():
    # A generator yields its batches once: the second epoch (or the range test's second
    # pass) must say so, not claim the data set is empty.
    X, y = _regression(16)
    batches = [(tg.Tensor(X[i:i + 8]), tg.Tensor(y[i:i + 8])) for i in (0, 8)]
    model = _linear(3, 1)
    one_epoch = fit(model, _mse, optim.SGD(model.parameters(), lr=0.1), iter(batches),
                    epochs=1, progress=False)
    assert one_epoch.step["loss"] and len(one_epoch.step["loss"]) == 2
    with pytest.raises(ValueError, match="epoch 2: it gave batches before, so it is probably "
                                         "a one-shot iterator"):
        fit(model, _mse, optim.SGD(model.parameters(), lr=0.1), iter(batches), epochs=2,
            progress=False)
    with pytest.raises(ValueError, match="one-shot iterator"):
        lr_range_test(model, _mse, optim.SGD(model.parameters(), lr=0.1), iter(batches),
                      num_steps=5)
