"""numerical_diff, numerical_gradient and gradient_descent: the classic lessons' values,
closed forms written out here, and agreement with autograd."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import tinygrad_edu as tg


def function_1(x):
    return 0.01 * x ** 2 + 0.1 * x


def function_2(x):
    return x[0] ** 2 + x[1] ** 2


# --- numerical_diff ---


@pytest.mark.parametrize("x,expected", [(5.0, 0.2), (10.0, 0.3)])
def test_numerical_diff_classic_values(x, expected):
    # d/dx (0.01 x**2 + 0.1 x) = 0.02 x + 0.1; the central difference of a quadratic is exact
    # up to rounding.
    assert tg.numerical_diff(function_1, x) == pytest.approx(expected, abs=1e-9)
    assert tg.numerical_diff(function_1, x) == pytest.approx(0.02 * x + 0.1, abs=1e-9)


def test_numerical_diff_is_the_central_difference():
    f = np.exp
    x, h = 0.7, 1e-3
    assert tg.numerical_diff(f, x, h=h) == (f(x + h) - f(x - h)) / (2 * h)


def test_central_difference_beats_forward_difference():
    # Taylor: forward (f(x+h) - f(x)) / h = f' + h f''/2 + O(h**2);
    #         central (f(x+h) - f(x-h)) / 2h = f' + h**2 f'''/6 + O(h**4).
    # For f = exp at x = 1 every derivative is e.
    x, h = 1.0, 1e-4
    forward = (np.exp(x + h) - np.exp(x)) / h
    central = tg.numerical_diff(np.exp, x, h=h)
    forward_error, central_error = abs(forward - np.e), abs(central - np.e)
    assert forward_error == pytest.approx(h * np.e / 2, rel=1e-3)
    assert central_error < 1e-7
    assert central_error < forward_error / 1000


def test_too_small_step_rounds_away():
    # 5.0 + 1e-50 == 5.0 even in float64, so f(x + h) - f(x - h) is exactly 0 and the
    # "derivative" is 0 instead of 0.2: rounding error, the reason for h = 1e-4.
    assert 5.0 + 1e-50 == 5.0
    assert tg.numerical_diff(function_1, 5.0, h=1e-50) == 0.0
    assert np.float32(1e-50) == 0.0  # in float32 the step itself is 0


def test_numerical_diff_elementwise_on_arrays():
    x = np.array([0.0, 0.5, 2.0])
    np.testing.assert_allclose(tg.numerical_diff(np.sin, x), np.cos(x), atol=1e-8)


def test_tangent_line():
    # The lesson draws y = f'(5) (x - 5) + f(5); it touches f at 5.
    slope = tg.numerical_diff(function_1, 5.0)
    intercept = function_1(5.0) - slope * 5.0
    assert slope * 5.0 + intercept == pytest.approx(function_1(5.0))
    assert intercept == pytest.approx(-0.25, abs=1e-8)  # f(5) - 0.2 * 5 = 0.75 - 1


@pytest.mark.parametrize("h", [0.0, -1e-4])
def test_numerical_diff_rejects_non_positive_step(h):
    with pytest.raises(ValueError, match=f"h must be > 0, got {h}"):
        tg.numerical_diff(function_1, 5.0, h=h)


# --- numerical_gradient ---


@pytest.mark.parametrize("point,expected", [
    ([3.0, 4.0], [6.0, 8.0]), ([0.0, 2.0], [0.0, 4.0]), ([3.0, 0.0], [6.0, 0.0]),
])
def test_numerical_gradient_classic_values(point, expected):
    g = tg.numerical_gradient(function_2, np.array(point))
    assert g.shape == (2,) and g.dtype == np.float64
    np.testing.assert_allclose(g, expected, atol=1e-7)


def _f_and_grad(x):
    """f(x) = sum(sin(x) * x**2), df/dx = cos(x) x**2 + 2 x sin(x)."""
    return np.sum(np.sin(x) * x ** 2), np.cos(x) * x ** 2 + 2 * x * np.sin(x)


@given(arrays(np.float64, array_shapes(min_dims=0, max_dims=3, max_side=3),
              elements=st.floats(-2.0, 2.0)))
def test_numerical_gradient_any_shape_vs_closed_form_and_autograd(x):
    g = tg.numerical_gradient(lambda a: _f_and_grad(a)[0], x)
    assert g.shape == x.shape
    np.testing.assert_allclose(g, _f_and_grad(x)[1], atol=1e-6)
    t = tg.Tensor(x, requires_grad=True)
    (t.sin() * t ** 2).sum().backward()
    np.testing.assert_allclose(g, t.grad.data, atol=1e-6)


@pytest.mark.parametrize("shape", [(), (2, 3), (2, 2, 3)])
def test_numerical_gradient_of_a_tensor_loss(shape):
    # The lessons' pattern: f ignores its argument and reads the weights it closes over;
    # numerical_gradient perturbs them in place.
    rng = np.random.default_rng(0)
    w = tg.Tensor(rng.standard_normal(shape), requires_grad=True)
    target = rng.standard_normal(shape)

    def loss(_):
        return ((w.tanh() - target) ** 2).sum()  # a one-element Tensor

    g = tg.numerical_gradient(loss, w)  # a Tensor: its data is perturbed
    loss(None).backward()
    np.testing.assert_allclose(g, w.grad.data, atol=1e-7)


def test_numerical_gradient_restores_x():
    x = np.array([[0.1, -0.2], [0.3, 1e-5]])
    before = x.copy()
    tg.numerical_gradient(lambda a: np.sum(a ** 3), x)
    np.testing.assert_array_equal(x, before)  # bit for bit


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    before = x.copy()
    calls = []

    def f(a):
        calls.append(a.copy())
        if len(calls) == 4:  # the second element's f(x + h) ... f(x - h) pair
            raise ArithmeticError("boom")
        return np.sum(a)

    with pytest.raises(ArithmeticError):
        tg.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, before)
    assert calls[3][1] != before[1]  # it was perturbed when f raised


@pytest.mark.parametrize("bad", [np.array([3, 4]), np.array([True, False]), [3.0, 4.0], 3.0],
                         ids=["int", "bool", "list", "float"])
def test_numerical_gradient_needs_a_float_array(bad):
    with pytest.raises(TypeError, match="float ndarray"):
        tg.numerical_gradient(function_2, bad)


def test_numerical_gradient_errors():
    with pytest.raises(ValueError, match="single number"):
        tg.numerical_gradient(lambda a: a * 2, np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="h must be > 0"):
        tg.numerical_gradient(function_2, np.array([1.0, 2.0]), h=0)


# --- gradient_descent ---


def _closed_form(lr, steps=100, start=2.0):
    # For f = x0**2 + x1**2, x <- x - lr * 2x = (1 - 2 lr) x, and the central difference of
    # a quadratic is its exact gradient.
    return start * (1 - 2 * lr) ** steps


def test_gradient_descent_lr_0_01():
    x = tg.gradient_descent(function_2, np.array([2.0, 2.0]), lr=0.01, step_num=100)
    np.testing.assert_allclose(x, [_closed_form(0.01)] * 2, rtol=1e-8)
    np.testing.assert_allclose(x, [0.2652, 0.2652], atol=1e-4)


def test_gradient_descent_lr_0_1_converges():
    x = tg.gradient_descent(function_2, np.array([-3.0, 4.0]), lr=0.1, step_num=100)
    np.testing.assert_allclose(x, [-3.0 * 0.8 ** 100, 4.0 * 0.8 ** 100], rtol=1e-6)
    x = tg.gradient_descent(function_2, np.array([2.0, 2.0]), lr=0.1)
    np.testing.assert_allclose(x, [_closed_form(0.1)] * 2, rtol=1e-6)
    np.testing.assert_allclose(x, [4.07e-10, 4.07e-10], rtol=1e-2)


def test_gradient_descent_too_large_lr_diverges():
    # (1 - 2 * 10) = -19 per step: |x| explodes (until x + h rounds to x and the numerical
    # gradient stops making sense); the point is that it is nowhere near the minimum.
    x = tg.gradient_descent(function_2, np.array([-3.0, 4.0]), lr=10.0, step_num=100)
    assert np.all(np.abs(x) > 1e10)


def test_gradient_descent_too_small_lr_barely_moves():
    x = tg.gradient_descent(function_2, np.array([2.0, 2.0]), lr=1e-10, step_num=100)
    np.testing.assert_allclose(x, [_closed_form(1e-10)] * 2, rtol=1e-10)
    assert np.all(x < 2.0) and np.all(2.0 - x < 1e-6)


def test_gradient_descent_does_not_modify_init_x():
    init = np.array([2.0, 2.0])
    x = tg.gradient_descent(function_2, init, lr=0.1, step_num=10)
    np.testing.assert_array_equal(init, [2.0, 2.0])
    assert not np.shares_memory(x, init)
    t = tg.Tensor(init)
    tg.gradient_descent(function_2, t, lr=0.1, step_num=10)
    np.testing.assert_array_equal(t.data, [2.0, 2.0])


def test_gradient_descent_zero_steps_returns_a_copy():
    init = np.array([1.5, -0.5])
    x = tg.gradient_descent(function_2, init, step_num=0)
    np.testing.assert_array_equal(x, init)
    assert x is not init


def test_gradient_descent_errors():
    with pytest.raises(ValueError, match="lr must be >= 0, got -0.1"):
        tg.gradient_descent(function_2, np.array([2.0, 2.0]), lr=-0.1)
    with pytest.raises(ValueError, match="step_num"):
        tg.gradient_descent(function_2, np.array([2.0, 2.0]), step_num=-1)
    with pytest.raises(ValueError, match="step_num"):
        tg.gradient_descent(function_2, np.array([2.0, 2.0]), step_num=2.5)
    with pytest.raises(TypeError, match="floats"):
        tg.gradient_descent(function_2, np.array([2, 2]))
