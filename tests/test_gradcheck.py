"""The checkers themselves: gradcheck and gradgradcheck must pass correct ops and catch
wrong ones (1%, 0.1%, a single wrong element, a wrong second derivative)."""
import re

import numpy as np
import pytest

import tinygrad_edu as tg


def leaf(values, requires_grad=True, dtype=np.float64):
    return tg.Tensor(np.asarray(values, dtype=dtype), requires_grad=requires_grad)


def cube_with_error(factor):
    """y = x**3 whose backward is off by ``factor`` (1.0: correct)."""

    class Cube(tg.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, gy):
            (x,) = ctx.saved_tensors
            return gy * 3 * x ** 2 * factor

    return Cube


@pytest.fixture
def x():
    # Away from 0: the gradient 3x**2 >= 0.75 dwarfs atol, so rtol decides.
    return leaf(np.random.default_rng(0).uniform(0.5, 2.0, (2, 3)))


# --- correct ops pass ---


@pytest.mark.parametrize("fn", [
    lambda x: (x * x).sum(),
    lambda x: x.exp() * x.sin(),
    lambda x: (x @ x.T).tanh(),
    lambda x: x.softmax(axis=1),
    lambda x: x.log_softmax(axis=0) * x,
    lambda x: (x - x.mean(axis=1, keepdims=True)) / (x.var(axis=1, keepdims=True) + 1e-5).sqrt(),
    lambda x: x.reshape(3, 2)[[0, 2, 2]].sigmoid(),
    cube_with_error(1.0).apply,
], ids=["square-sum", "exp-sin", "matmul-tanh", "softmax", "log-softmax", "normalize",
        "index-sigmoid", "function"])
def test_gradcheck_and_gradgradcheck_pass_correct_ops(fn, x):
    assert tg.gradcheck(fn, x) is True
    assert tg.gradgradcheck(fn, x) is True


def test_multi_input_fn():
    rng = np.random.default_rng(1)
    a, b, c = (leaf(rng.standard_normal(s)) for s in ((2, 3), (3, 4), (4,)))

    def fn(a, b, c):
        return (a @ b + c).tanh()

    assert tg.gradcheck(fn, (a, b, c))
    assert tg.gradgradcheck(fn, (a, b, c))


def test_multi_output_fn():
    rng = np.random.default_rng(2)
    a, b = leaf(rng.standard_normal(3)), leaf(rng.standard_normal(3))

    def fn(a, b):
        return a * b, (a + b).exp().sum(), b.sin()

    assert tg.gradcheck(fn, (a, b))
    assert tg.gradgradcheck(fn, (a, b))


def test_inputs_that_do_not_require_grad_or_are_not_tensors():
    rng = np.random.default_rng(3)
    a = leaf(rng.standard_normal((2, 3)))
    const = leaf(rng.standard_normal((2, 3)), requires_grad=False)
    assert tg.gradcheck(lambda a, c, axis: (a * c).sum(axis=axis), (a, const, 1))
    assert tg.gradgradcheck(lambda a, c, axis: (a * a * c).sum(axis=axis), (a, const, 0))


def test_gradgradcheck_with_explicit_grad_outputs(x):
    v = leaf(np.random.default_rng(4).standard_normal((2, 3)))
    assert tg.gradgradcheck(lambda x: x.tanh() * x, x, grad_outputs=v)


def test_checkers_leave_inputs_and_grads_untouched(x):
    before = x.data.copy()
    tg.gradcheck(lambda x: x.exp(), x)
    tg.gradgradcheck(lambda x: x.exp(), x)
    np.testing.assert_array_equal(x.data, before)
    assert x.grad is None


# --- wrong backwards are caught ---


def test_one_percent_error_raises_with_default_tolerances(x):
    with pytest.raises(tg.GradcheckError):
        tg.gradcheck(cube_with_error(1.01).apply, x)


def test_tenth_of_a_percent_error_needs_a_tighter_rtol(x):
    wrong = cube_with_error(1.001).apply
    # The default rtol=1e-3 allows |analytic - numerical| <= atol + 1e-3 * |numerical|: a
    # 0.1% error is admitted by definition. rtol=1e-4 (still far above the ~1e-9 error of
    # the central difference in float64) catches it.
    assert tg.gradcheck(wrong, x)
    with pytest.raises(tg.GradcheckError):
        tg.gradcheck(wrong, x, rtol=1e-4)
    assert tg.gradcheck(cube_with_error(1.0).apply, x, rtol=1e-4)


@pytest.mark.parametrize("factor", [0.0, -1.0, 2.0, 1.05])
def test_raise_exception_false_returns_false(factor, x):
    assert tg.gradcheck(cube_with_error(factor).apply, x, raise_exception=False) is False


def test_error_message_names_input_element_values_and_error():
    rng = np.random.default_rng(5)
    a0, b0 = rng.uniform(1.0, 2.0, (2, 3)), rng.uniform(1.0, 2.0, (2, 3))
    bad = np.zeros((2, 3))
    bad[1, 2] = 0.05

    class MulWrongAtOneElement(tg.Function):
        """y = a * b; the gradient for b is 5% too large at b[1, 2] only."""

        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, gy):
            a, b = ctx.saved_tensors
            return gy * b, gy * a * (1 + bad)

    a, b = leaf(a0), leaf(b0)
    with pytest.raises(tg.GradcheckError) as info:
        tg.gradcheck(lambda s, a, b: MulWrongAtOneElement.apply(a, b) * s, (2.0, a, b))
    message = str(info.value)
    assert "input 2" in message  # the position in the inputs tuple (a constant comes first)
    assert "d input[1, 2]" in message and "output[1, 2]" in message
    analytic = float(re.search(r"analytic (\S+)", message).group(1))
    numerical = float(re.search(r"numerical (\S+)", message).group(1))
    error = float(re.search(r"error (\S+)", message).group(1))
    # dy[1,2]/db[1,2] = 2 a[1,2]; the wrong backward reports 5% more.
    assert analytic == pytest.approx(2 * a0[1, 2] * 1.05, rel=1e-9)
    assert numerical == pytest.approx(2 * a0[1, 2], rel=1e-6)
    assert error == pytest.approx(2 * a0[1, 2] * 0.05, rel=1e-2)
    assert "1 of 36 entries disagree" in message


def test_error_message_names_the_output():
    a = leaf([1.0, 2.0])
    wrong = cube_with_error(1.1).apply
    with pytest.raises(tg.GradcheckError, match="output 1 with respect to input 0"):
        tg.gradcheck(lambda a: (a.exp(), wrong(a)), a)


def test_missing_gradient_is_caught():
    class ForgetsB(tg.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, gy):
            return gy, None  # b does matter

    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    with pytest.raises(tg.GradcheckError, match="input 1"):
        tg.gradcheck(ForgetsB.apply, (a, b))


def test_wrong_jacobian_invisible_to_sum_is_caught():
    # Softmax outputs sum to 1, so the gradient of softmax(x).sum() is 0 and a backward
    # that drops the off-diagonal terms still gets that sum right... almost: gradcheck
    # builds the full Jacobian, one output element at a time, and sees the difference.
    class DiagonalSoftmax(tg.Function):
        @staticmethod
        def forward(ctx, x):
            e = np.exp(x - x.max())
            y = e / e.sum()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, gy):
            (y,) = ctx.saved_tensors
            return gy * y * (1 - y)  # the diagonal of the Jacobian only

    x = leaf([0.1, 0.5, -0.3])
    with pytest.raises(tg.GradcheckError):
        tg.gradcheck(DiagonalSoftmax.apply, x)


# --- gradgradcheck catches a wrong second derivative ---


class CubeConstantFactor(tg.Function):
    """y = x**3 with a first-order-correct backward whose factor 3 x**2 is a constant copy:
    under create_graph it is not connected to x, so d/dx of the gradient is lost."""

    @staticmethod
    def forward(ctx, x):
        ctx.x_copy = x.copy()
        return x ** 3

    @staticmethod
    def backward(ctx, gy):
        return gy * 3 * ctx.x_copy ** 2


class CubeDetachedFactor(tg.Function):
    """Same bug, written with detach(): the saved input is a Tensor under create_graph."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        if isinstance(x, tg.Tensor):
            x = x.detach()
        return gy * 3 * x ** 2


@pytest.mark.parametrize("fn", [CubeConstantFactor, CubeDetachedFactor])
def test_gradgradcheck_catches_a_wrong_second_derivative(fn, x):
    assert tg.gradcheck(fn.apply, x)  # first order is right
    with pytest.raises(tg.GradcheckError, match="with respect to input 0"):
        tg.gradgradcheck(fn.apply, x)
    assert tg.gradgradcheck(fn.apply, x, raise_exception=False) is False
    assert tg.gradgradcheck(cube_with_error(1.0).apply, x)


def test_gradgradcheck_assumes_first_order_was_checked(x):
    # gradgradcheck differentiates the map (x, v) -> v^T J(x) computed by backward itself,
    # so a backward that is consistently 1% off (1.01 * 3x**2, whose derivative 1.01 * 6x the
    # second backward gets right) passes it: first order is gradcheck's job, as in PyTorch.
    wrong = cube_with_error(1.01).apply
    assert tg.gradgradcheck(wrong, x)
    with pytest.raises(tg.GradcheckError):
        tg.gradcheck(wrong, x)


# --- dtypes and arguments ---


def test_float32_inputs_warn():
    x32 = leaf([0.5, 1.0, 1.5], dtype=np.float32)
    with pytest.warns(UserWarning, match="float64"):
        tg.gradcheck(lambda x: x * x, x32, raise_exception=False)
    with pytest.warns(UserWarning, match="input 0 is float32"):
        tg.gradcheck(lambda x: x * 2, x32, eps=1e-2, atol=1e-3, raise_exception=False)


def test_no_input_requires_grad():
    with pytest.raises(ValueError, match="requires_grad"):
        tg.gradcheck(lambda x: x * 2, leaf([1.0], requires_grad=False))


def test_eps_must_be_positive(x):
    with pytest.raises(ValueError, match="eps must be > 0, got 0"):
        tg.gradcheck(lambda x: x * 2, x, eps=0.0)


def test_fn_must_return_tensors(x):
    with pytest.raises(TypeError, match="must return a Tensor.*returned a NumPy array"):
        tg.gradcheck(lambda x: x.data * 2, x)


def test_gradcheck_error_is_a_runtime_error():
    assert issubclass(tg.GradcheckError, RuntimeError)
