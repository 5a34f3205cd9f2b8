"""tg.viz.gradient_flow, watch_relus, GradientFlow and plot_gradient_flow: every number
checked against a hand computation in NumPy on a tiny model."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn


def tiny():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    with tg.no_grad():
        model[0].bias.data[0] = -100.0            # unit 0 of the ReLU: dead for every sample
    return model


def test_rows_equal_a_hand_computation():
    model = tiny()
    x = tg.tensor(np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32))
    with tg.viz.watch_relus(model) as relus:
        loss = (model(x) ** 2).mean()
    loss.backward()
    table = tg.viz.gradient_flow(model, lr=0.1, relus=relus)
    assert [r.name for r in table] == ["0.weight", "2.weight"]
    for row, layer in zip(table, (model[0], model[2])):
        g, w = layer.weight.grad.numpy().astype(np.float64), layer.weight.numpy()
        assert row.shape == w.shape
        assert row.grad_norm == pytest.approx(np.sqrt((g ** 2).sum()))
        assert row.mean_abs_grad == pytest.approx(np.abs(g).mean())
        assert row.max_abs_grad == pytest.approx(np.abs(g).max())
        assert row.update_ratio == pytest.approx(0.1 * np.sqrt((g ** 2).sum())
                                                 / np.sqrt((w.astype(np.float64) ** 2).sum()))
    hidden = np.maximum(x.numpy() @ model[0].weight.numpy().T + model[0].bias.numpy(), 0)
    assert table[0].dead == pytest.approx(np.mean(np.all(hidden == 0, axis=0)))
    assert table[0].dead >= 0.25 and table[1].dead is None     # the planted unit at least
    assert "0.weight" in str(table) and "dead" in str(table)
    assert all("_forward_hooks" not in vars(m) or not vars(m)["_forward_hooks"]
               for m in model.modules())                       # hooks removed on exit


def test_before_backward_it_says_when_to_call_it():
    with pytest.raises(RuntimeError, match="call it after loss.backward"):
        tg.viz.gradient_flow(tiny())
    with pytest.raises(ValueError, match="lr"):
        tg.viz.gradient_flow(tiny(), lr=-1.0)


def test_the_fit_callback_records_one_table_per_epoch_with_the_real_updates(tmp_path):
    model = tiny()
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((12, 3)).astype(np.float32), rng.integers(0, 2, 12)
    loader = tg.data.DataLoader(tg.data.TensorDataset(X, y), batch_size=4)
    flow = tg.viz.GradientFlow()
    before = model[2].weight.numpy().copy()
    history = tg.train.fit(model, nn.CrossEntropyLoss(), tg.optim.SGD(model.parameters(), 0.5),
                           loader, epochs=1, callbacks=[flow], progress=False)
    assert len(history.gradient_flow) == 1
    # SGD without momentum: the last step's update is -lr * grad, so its ratio is known
    last = history.gradient_flow[0][1]
    g = model[2].weight.grad.numpy().astype(np.float64)
    w_before_last = model[2].weight.numpy() + 0.5 * g
    assert last.update_ratio == pytest.approx(0.5 * np.linalg.norm(g)
                                              / np.linalg.norm(w_before_last), rel=1e-4)
    assert not np.array_equal(before, model[2].weight.numpy())
    pytest.importorskip("matplotlib", reason="the pictures need matplotlib")
    flow.plot(tmp_path / "epochs.png")
    tg.viz.plot_gradient_flow({"a": history.gradient_flow[0]}, tmp_path / "flow.png")
    for name in ("epochs.png", "flow.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
