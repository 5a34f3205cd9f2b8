"""tg.autograd.detect_anomaly: a NaN or Inf planted in each common way is caught in the
backward of the op that made it, named with the file:line of the code that created it."""
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.autograd import anomaly_mode
from tinygrad_edu.function import Function


def _line_of(marker):
    """The line number in this file of the source line containing ``marker``."""
    with open(__file__) as source:
        return next(i for i, line in enumerate(source, 1)
                    if marker in line and "_line_of" not in line)


def log_at_zero(x):
    return x.log().sum()                                           # planted: log at 0


def zero_over_zero(x):
    return (x / x).sum()                                           # planted: 0/0


def sqrt_at_zero(x):
    return x.sqrt().sum()                                          # planted: sqrt at 0


def inf_times_zero(x):
    return (x * tg.tensor([np.inf, 1.0])).sum()                    # planted: inf * 0


@pytest.mark.parametrize("program,op,bad,marker", [
    (log_at_zero, "Log", "inf", "planted: log at 0"),
    (zero_over_zero, "Div", "inf", "planted: 0/0"),   # d(x/x)/dx's first term 1/x
    (sqrt_at_zero, "Sqrt", "inf", "planted: sqrt at 0"),
    (inf_times_zero, "Mul", "inf", "planted: inf * 0"),
])
def test_a_planted_nan_or_inf_is_named_with_its_op_and_line(program, op, bad, marker):
    x = tg.tensor([0.0, 2.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)        # NumPy's divide warnings
        with tg.autograd.detect_anomaly():
            loss = program(x)
            with pytest.raises(RuntimeError) as caught:
                loss.backward()
    message = str(caught.value)
    assert message.startswith(f"anomaly detected: {op}.backward returned {bad}")
    assert f"test_anomaly.py:{_line_of(marker)}, in {program.__name__}" in message
    assert "input 0: shape (2,), float32" in message and "Usual causes:" in message
    assert x.grad is None                          # raised before anything was accumulated
    assert not tg.autograd.is_anomaly_enabled()    # the block put the setting back


def test_without_anomaly_mode_the_nan_passes_silently_and_nothing_is_recorded():
    x = tg.tensor([0.0, 2.0], requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = (x / x).sum()
        loss.backward()
    assert np.isnan(x.grad.numpy()[0])
    assert "created_at" not in vars(loss.creator)
    assert Function.__dict__["apply"] is anomaly_mode._plain_apply   # the plain hot path


def test_forward_check_names_the_op_that_made_the_first_inf():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with np.errstate(divide="ignore"), tg.autograd.detect_anomaly(check_forward=True):
        shifted = w - 1.0
        with pytest.raises(RuntimeError, match=r"anomaly detected: Log produced inf in its "
                                               r"output 0 in the forward pass, at .*"
                                               r"test_anomaly.py:\d+, in test_forward_check"):
            shifted.log()


def test_check_nan_false_records_lines_for_errors_raised_in_backward():
    class Broken(tg.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            raise ValueError("a bug in my backward")

    x = tg.tensor([1.0], requires_grad=True)
    with tg.autograd.set_detect_anomaly(True, check_nan=False):
        y = Broken.apply(x)                                        # planted: broken backward
        assert tg.autograd.is_anomaly_enabled() and not tg.autograd.is_anomaly_check_nan_enabled()
        with pytest.raises(ValueError, match="a bug in my backward") as caught:
            y.sum().backward()
    notes = "\n".join(getattr(caught.value, "__notes__", []))
    assert f"test_anomaly.py:{_line_of('planted: broken backward')}" in notes
    assert not tg.autograd.is_anomaly_enabled()


def test_as_a_decorator_and_bad_arguments():
    @tg.autograd.detect_anomaly()
    def step():
        return tg.autograd.is_anomaly_enabled()

    assert step() and not tg.autograd.is_anomaly_enabled()
    with pytest.raises(ValueError, match="check_nan"):
        tg.autograd.detect_anomaly(check_nan="yes")
    with pytest.raises(ValueError, match="mode"):
        tg.autograd.set_detect_anomaly(None)


def test_gradients_are_unchanged_with_anomaly_mode_on():
    rng = np.random.default_rng(0)
    model = tg.nn.Sequential(tg.nn.Linear(3, 4), tg.nn.Tanh(), tg.nn.Linear(4, 2))
    x, y = tg.tensor(rng.standard_normal((5, 3)).astype(np.float32)), tg.tensor([0, 1, 1, 0, 1])
    tg.nn.functional.cross_entropy(model(x), y).backward()
    plain = [p.grad.numpy().copy() for p in model.parameters()]
    model.zero_grad()
    with tg.autograd.detect_anomaly():
        tg.nn.functional.cross_entropy(model(x), y).backward()
    for a, p in zip(plain, model.parameters()):
        np.testing.assert_array_equal(p.grad.numpy(), a)
