"""User-defined tg.Function, written PyTorch's way (@staticmethod, ctx) and DeZero's (self).

Expected gradients are closed forms computed here, or tg.gradcheck's central differences.
"""
import numpy as np
import pytest

import tinygrad_edu as tg


def leaf(values, requires_grad=True):
    return tg.Tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


# --- PyTorch's way: @staticmethod forward(ctx, ...) / backward(ctx, ...) ---


class Cube(tg.Function):
    """y = x**3;  dy/dx = 3 x**2 (saves the input)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return gy * 3 * x ** 2


class MyExp(tg.Function):
    """y = exp(x);  dy/dx = y (saves the output)."""

    @staticmethod
    def forward(ctx, x):
        y = np.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, gy):
        (y,) = ctx.saved_tensors
        return gy * y


class MulAdd(tg.Function):
    """y = a * b + c;  dy/da = b, dy/db = a, dy/dc = 1 (three inputs, broadcasting)."""

    @staticmethod
    def forward(ctx, a, b, c):
        ctx.save_for_backward(a, b)
        return a * b + c

    @staticmethod
    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        return gy * b, gy * a, gy


def test_pytorch_style_backward():
    a0 = np.array([-1.0, 0.5, 2.0])
    x = leaf(a0)
    y = Cube.apply(x)
    assert isinstance(y, tg.Tensor) and y.requires_grad
    assert isinstance(y.creator, Cube)
    np.testing.assert_allclose(y.data, a0 ** 3)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, 3 * a0 ** 2)


def test_pytorch_style_composes_with_builtin_ops():
    a0 = np.array([0.3, -0.4])
    x = leaf(a0)
    (MyExp.apply(x.sin()) * 2).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.exp(np.sin(a0)) * np.cos(a0))


@pytest.mark.parametrize("fn", [Cube, MyExp], ids=["saved-input", "saved-output"])
def test_pytorch_style_gradcheck_and_gradgradcheck(fn):
    rng = np.random.default_rng(0)
    x = leaf(rng.uniform(-1.5, 1.5, (2, 3)))
    assert tg.gradcheck(fn.apply, x)
    assert tg.gradgradcheck(fn.apply, x)


def test_second_order_through_saved_input_and_output():
    a0 = np.array([0.5, -1.0])
    x = leaf(a0)
    (g,) = tg.grad(Cube.apply(x).sum(), x, create_graph=True)
    (gg,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(gg.data, 6 * a0)
    (g,) = tg.grad(MyExp.apply(x).sum(), x, create_graph=True)
    (gg,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(gg.data, np.exp(a0))


def test_pytorch_style_gets_tensors_dezero_style_gets_arrays_first_order():
    seen = []

    class Probe(tg.Function):  # PyTorch's way: Tensors, as in PyTorch
        @staticmethod
        def forward(ctx, x):
            seen.append(("forward", type(x)))
            y = x * 2
            ctx.save_for_backward(x, y)
            return y

        @staticmethod
        def backward(ctx, gy):
            x, y = ctx.saved_tensors
            seen.append((type(gy), type(x), type(y)))
            return gy * 2

    class ArrayProbe(tg.Function):  # DeZero's way (as the built-in ops): NumPy arrays
        def forward(self, x):
            seen.append(("forward", type(x)))
            self.save_for_backward(x)
            return x * 2

        def backward(self, gy):
            (x,) = self.saved_tensors
            seen.append((type(gy), type(x)))
            return gy * 2

    x = leaf([1.0])
    Probe.apply(x).sum().backward()
    tg.grad(Probe.apply(x).sum(), x, create_graph=True)
    assert seen[:2] == [("forward", tg.Tensor), (tg.Tensor, tg.Tensor, tg.Tensor)]
    assert seen[3] == (tg.Tensor, tg.Tensor, tg.Tensor)
    seen.clear()
    ArrayProbe.apply(x).sum().backward()
    tg.grad(ArrayProbe.apply(x).sum(), x, create_graph=True)
    assert seen[:2] == [("forward", np.ndarray), (np.ndarray, np.ndarray)]
    assert seen[3] == (tg.Tensor, tg.Tensor)
    assert x.grad.tolist() == [4.0]  # two first-order backward calls, 2 each


def test_multiple_inputs_with_broadcasting():
    rng = np.random.default_rng(1)
    a = leaf(rng.standard_normal((2, 3)))
    b = leaf(rng.standard_normal((3,)))
    c = leaf(rng.standard_normal((2, 1)))
    y = MulAdd.apply(a, b, c)
    np.testing.assert_allclose(y.data, a.data * b.data + c.data)
    y.sum().backward()
    np.testing.assert_allclose(a.grad.data, np.broadcast_to(b.data, (2, 3)))
    np.testing.assert_allclose(b.grad.data, a.data.sum(axis=0))
    np.testing.assert_allclose(c.grad.data, [[3.0], [3.0]])
    assert tg.gradcheck(MulAdd.apply, (a, b, c))
    assert tg.gradgradcheck(MulAdd.apply, (a, b, c))


# --- DeZero's way: methods with self ---


class Sin(tg.Function):
    """y = sin(x);  dy/dx = cos(x)."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.sin(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * np.cos(x)


class Square(tg.Function):
    """y = x**2, DeZero style: backward reads the input Tensor from self.inputs."""

    def forward(self, x):
        return x ** 2

    def backward(self, gy):
        x = self.inputs[0]
        if not isinstance(gy, tg.Tensor):  # first order: work on arrays
            x = x.data
        return 2 * x * gy


def test_dezero_style_backward():
    a0 = np.array([0.1, 1.2, -2.5])
    x = leaf(a0)
    Sin.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.data, np.cos(a0))
    x2 = leaf(a0)
    Square.apply(Sin.apply(x2)).sum().backward()
    np.testing.assert_allclose(x2.grad.data, 2 * np.sin(a0) * np.cos(a0))


@pytest.mark.parametrize("fn", [Sin, Square])
def test_dezero_style_gradcheck_and_gradgradcheck(fn):
    x = leaf(np.random.default_rng(2).uniform(-2, 2, (3, 2)))
    assert tg.gradcheck(fn.apply, x)
    assert tg.gradgradcheck(fn.apply, x)


def test_dezero_style_fourth_derivative_of_sin():
    x = leaf([0.7])
    g = Sin.apply(x)
    for _ in range(4):
        (g,) = tg.grad(g.sum(), x, create_graph=True)
    np.testing.assert_allclose(g.data, np.sin([0.7]))


# --- non-tensor arguments ---


class Scale(tg.Function):
    """y = k * x for a constant k;  dy/dx = k (k gets None)."""

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return x * k

    @staticmethod
    def backward(ctx, gy):
        return gy * ctx.k, None


class SumAxis(tg.Function):
    """y = sum of x over ``axis``, with a constant weight array w: sum(w * x, axis)."""

    @staticmethod
    def forward(ctx, x, axis, w):
        ctx.axis, ctx.x_shape = axis, x.shape
        ctx.w = w
        return (w * x).sum(axis=axis)

    @staticmethod
    def backward(ctx, gy):
        gy = np.expand_dims(gy, ctx.axis) if not isinstance(gy, tg.Tensor) else \
            gy.reshape(tuple(1 if i == ctx.axis else n for i, n in enumerate(ctx.x_shape)))
        return gy * ctx.w, None, None


def test_non_tensor_arguments_are_passed_through():
    received = []

    class Probe(tg.Function):
        @staticmethod
        def forward(ctx, x, number, shape, constant, anything):
            received.extend([type(x), number, shape, constant, anything])
            return x * number

        @staticmethod
        def backward(ctx, gy):
            return gy * 2.5, None, None, None, None

    const = np.arange(3.0)
    x = leaf([1.0, 2.0])
    y = Probe.apply(x, 2.5, (2, 3), const, "text")
    assert received[0] is tg.Tensor  # PyTorch's way: the Tensor argument as a Tensor
    assert received[1:3] == [2.5, (2, 3)] and received[3] is const and received[4] == "text"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.5, 2.5])


def test_scale_and_axis_functions():
    x = leaf([1.0, -2.0])
    Scale.apply(x, 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 3.0])
    assert tg.gradcheck(lambda x: Scale.apply(x, -0.5), x)

    rng = np.random.default_rng(3)
    x = leaf(rng.standard_normal((2, 3)))
    w = rng.standard_normal((2, 3))
    for axis in (0, 1):
        y = SumAxis.apply(x, axis, w)
        np.testing.assert_allclose(y.data, (w * x.data).sum(axis=axis))
        assert tg.gradcheck(lambda x: SumAxis.apply(x, axis, w), x)


def test_gradcheck_with_a_non_tensor_input():
    x = leaf([1.0, 2.0])
    assert tg.gradcheck(Scale.apply, (x, 4.0))


# --- multiple outputs ---


class SinCos(tg.Function):
    """(s, c) = (sin x, cos x);  dL/dx = gs * cos x - gc * sin x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x), np.cos(x)

    @staticmethod
    def backward(ctx, gs, gc):
        (x,) = ctx.saved_tensors
        return gs * np.cos(x) - gc * np.sin(x)


def test_multi_output_function():
    a0 = np.array([0.2, -1.0, 2.5])
    x = leaf(a0)
    s, c = SinCos.apply(x)
    assert s.creator is c.creator
    assert s.output_index == 0 and c.output_index == 1
    np.testing.assert_allclose(s.data, np.sin(a0))
    np.testing.assert_allclose(c.data, np.cos(a0))
    (s * c).sum().backward()  # d/dx sin x cos x = cos 2x
    np.testing.assert_allclose(x.grad.data, np.cos(2 * a0))


def test_multi_output_with_one_output_used():
    a0 = np.array([0.2, -1.0])
    x = leaf(a0)
    _, c = SinCos.apply(x)
    c.sum().backward()  # the unused output's gradient is zero
    np.testing.assert_allclose(x.grad.data, -np.sin(a0))
    y = leaf(a0)
    s, _ = SinCos.apply(y)
    (g,) = tg.grad(s.sum(), y)
    np.testing.assert_allclose(g.data, np.cos(a0))


def test_multi_output_gradcheck_and_gradgradcheck():
    x = leaf(np.random.default_rng(4).uniform(-2, 2, 4))
    assert tg.gradcheck(SinCos.apply, x)
    assert tg.gradgradcheck(SinCos.apply, x)


def test_multi_output_second_order():
    a0 = np.array([0.4, 1.3])
    x = leaf(a0)
    s, c = SinCos.apply(x)
    (g,) = tg.grad((s * c).sum(), x, create_graph=True)
    (gg,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(gg.data, -2 * np.sin(2 * a0))


# --- needs_input_grad ---


def test_needs_input_grad():
    seen = []

    class Mul(tg.Function):
        @staticmethod
        def forward(ctx, a, b, k):
            ctx.save_for_backward(a, b)
            return a * b * k

        @staticmethod
        def backward(ctx, gy):
            a, b = ctx.saved_tensors
            seen.append(ctx.needs_input_grad)
            ga = gy * b * 2 if ctx.needs_input_grad[0] else None
            gb = gy * a * 2 if ctx.needs_input_grad[1] else None
            return ga, gb, None

    a = leaf([1.0, 2.0])
    b = leaf([3.0, 4.0], requires_grad=False)
    Mul.apply(a, b, 2).sum().backward()
    assert seen[-1] == (True, False, False)
    np.testing.assert_allclose(a.grad.data, [6.0, 8.0])
    b2 = leaf([3.0, 4.0])
    Mul.apply(a.detach(), b2, 2).sum().backward()
    assert seen[-1] == (False, True, False)
    np.testing.assert_allclose(b2.grad.data, [2.0, 4.0])


# --- no graph when nothing needs it ---


def test_no_graph_without_requires_grad_or_under_no_grad():
    x = leaf([1.0], requires_grad=False)
    y = Cube.apply(x)
    assert not y.requires_grad and y.creator is None
    z = leaf([1.0])
    with tg.no_grad():
        w = Cube.apply(z)
    assert not w.requires_grad and w.creator is None


def test_integer_output_does_not_require_grad():
    class ArgMax(tg.Function):
        @staticmethod
        def forward(ctx, x):
            return np.argmax(x)

    y = ArgMax.apply(leaf([1.0, 3.0, 2.0]))
    assert y.item() == 1 and not y.requires_grad


def test_forward_may_return_numbers_and_backward_may_return_lists():
    class Total(tg.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.shapes = x.shape, y.shape
            return float(x.sum() + y.sum())  # a Python number

        @staticmethod
        def backward(ctx, gy):
            return [gy * np.ones(shape) for shape in ctx.shapes]  # a list

    x, y = leaf([1.0, 2.0]), leaf([[1.0], [2.0]])
    t = Total.apply(x, y)
    assert t.shape == () and t.item() == 6.0
    t.backward()
    np.testing.assert_allclose(x.grad.data, [1.0, 1.0])
    np.testing.assert_allclose(y.grad.data, [[1.0], [1.0]])


def test_backward_may_return_the_output_shape_for_broadcast_inputs():
    x = leaf([[1.0, 2.0, 3.0]])  # (1, 3), broadcast against (2, 3)
    y = leaf(np.ones((2, 3)))
    MulAdd.apply(x, y, 0.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, [[2.0, 2.0, 2.0]])


# --- errors ---


def test_wrong_number_of_gradients_is_a_clear_error():
    class TwoInputs(tg.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, gy):
            return gy  # forgot b's gradient

    a, b = leaf([1.0]), leaf([2.0])
    with pytest.raises(RuntimeError, match=r"TwoInputs.backward returned 1 gradients, expected 2"):
        TwoInputs.apply(a, b).sum().backward()


def test_too_many_gradients_is_a_clear_error():
    class OneInput(tg.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, gy):
            return gy * 2, None

    with pytest.raises(RuntimeError, match=r"returned 2 gradients, expected 1"):
        OneInput.apply(leaf([1.0])).sum().backward()


@pytest.mark.parametrize("x_shape,g_shape", [
    ((3,), (2, 4)), ((2, 3), (3,)), ((2, 3), (3, 2)), ((3,), (4,)), ((2, 3), (2, 3, 1)),
    ((2, 1), ()),  # a gradient is summed back to a broadcast input, never broadcast up
])
def test_wrong_shaped_gradient_is_a_clear_error(x_shape, g_shape):
    class WrongShape(tg.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, gy):
            return np.ones(g_shape)

    x = leaf(np.ones(x_shape))
    message = (rf"WrongShape.backward returned a gradient of shape {g_shape}".replace("(", r"\(")
               .replace(")", r"\)") + r" for an input of shape " +
               str(x_shape).replace("(", r"\(").replace(")", r"\)"))
    with pytest.raises(RuntimeError, match=message):
        WrongShape.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match="WrongShape.backward returned a gradient of shape"):
        tg.grad(WrongShape.apply(x).sum(), x, create_graph=True)


def test_forward_returning_a_non_array_is_a_clear_error():
    class Bad(tg.Function):
        @staticmethod
        def forward(ctx, x):
            return {"y": x}

    with pytest.raises(TypeError, match="Bad.forward must return a NumPy array"):
        Bad.apply(leaf([1.0]))


def test_missing_forward_or_backward():
    class NoForward(tg.Function):
        pass

    with pytest.raises(NotImplementedError, match="forward"):
        NoForward.apply(leaf([1.0]))

    class NoBackward(tg.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    with pytest.raises(NotImplementedError, match="backward"):
        NoBackward.apply(leaf([1.0])).sum().backward()


def test_saved_tensors_after_the_graph_is_freed():
    x = leaf([1.0, 2.0])
    y = Cube.apply(x)
    fn = y.creator
    y.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        fn.saved_tensors
