"""Numerical differentiation, step by step, then the same gradients from autograd.

The lessons, in order:
  1. the forward difference against the central difference;
  2. why h = 1e-50 fails (rounding in float32);
  3. partial derivatives, one variable at a time;
  4. the gradient of f(x0, x1) = x0**2 + x1**2 at a few points (and as a field);
  5. float32 against float64: why numerical gradients want float64 (and warn otherwise);
  6. gradient descent, and what the learning rate does;
  7. autograd: the same gradients from backpropagation, side by side.

Run:  python examples/numerical_gradient.py [--out DIR] [--quick]
With matplotlib installed it also saves the gradient field as DIR/gradient_field.png.
"""
from __future__ import annotations

import argparse
import os
import warnings

import numpy as np

import tinygrad_edu as tg


def function_1(x):
    """y = 0.01 x**2 + 0.1 x, so dy/dx = 0.02 x + 0.1 (0.2 at x = 5, 0.3 at x = 10)."""
    return 0.01 * x ** 2 + 0.1 * x


def function_2(x):
    """f(x0, x1) = x0**2 + x1**2 (any array: the sum of squares)."""
    return np.sum(x ** 2)


def forward_difference(f, x, h=1e-4):
    return (f(x + h) - f(x)) / h


def lesson_differences() -> None:
    print("1. Forward vs central difference of y = 0.01x^2 + 0.1x (exact: 0.02x + 0.1)")
    print(f"   {'x':>4s} {'exact':>10s} {'forward':>14s} {'error':>9s} {'central':>14s} {'error':>9s}")
    for x in (5.0, 10.0):
        exact = 0.02 * x + 0.1
        fwd = forward_difference(function_1, x)
        central = tg.numerical_diff(function_1, x)
        print(f"   {x:4.0f} {exact:10.6f} {fwd:14.10f} {abs(fwd - exact):9.1e} "
              f"{central:14.10f} {abs(central - exact):9.1e}")
    print("   The central difference's error is O(h^2), the forward one's O(h).\n")


def lesson_rounding() -> None:
    print("2. Too small a step: h = 1e-50 in float32")
    x = np.float32(5.0)
    h = 1e-50
    print(f"   np.float32(1e-50) = {np.float32(h)!r}: the step itself rounds to zero,")
    print(f"   so x + h == x - h == x ({x + h == x}) and f(x + h) - f(x - h) = "
          f"{function_1(x + h) - function_1(x - h)!r}.")
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the float32 warning: lesson 5
        bad = tg.numerical_diff(function_1, x, h=h)
        better = tg.numerical_diff(function_1, x)
    print(f"   numerical_diff(f, float32 5, h=1e-50) = {bad} (0 / 0) instead of 0.2;")
    print(f"   with h = 1e-4 it is {better:.6f}: close, but float32's")
    print(f"   rounding (about 1e-7 relative) still shows; in float64: "
          f"{tg.numerical_diff(function_1, 5.0):.10f}\n")


def lesson_partials() -> None:
    print("3. Partial derivatives of f(x0, x1) = x0^2 + x1^2 at (3, 4): fix one variable")
    d0 = tg.numerical_diff(lambda x0: x0 ** 2 + 4.0 ** 2, 3.0)
    d1 = tg.numerical_diff(lambda x1: 3.0 ** 2 + x1 ** 2, 4.0)
    print(f"   df/dx0 = {d0:.6f} (exact 6),  df/dx1 = {d1:.6f} (exact 8)\n")


def lesson_gradient(out_dir: str | None) -> None:
    print("4. The gradient by numerical_gradient (one central difference per element)")
    for point in ([3.0, 4.0], [0.0, 2.0], [3.0, 0.0]):
        g = tg.numerical_gradient(function_2, np.array(point))
        print(f"   at {tuple(point)}: {np.round(g, 6)}")
    print("   The gradient points uphill; -gradient points to the minimum at (0, 0).\n")
    if out_dir is None:
        return
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print('   (pip install "tinygrad_edu[plot]" to also save the gradient field picture)\n')
        return
    grid = np.arange(-2.0, 2.5, 0.25)
    xs, ys = np.meshgrid(grid, grid)
    gx, gy = np.zeros_like(xs), np.zeros_like(ys)
    for index in np.ndindex(xs.shape):
        gx[index], gy[index] = tg.numerical_gradient(function_2, np.array([xs[index], ys[index]]))
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.quiver(xs, ys, -gx, -gy, angles="xy", color="#444444")
    ax.set(xlabel="x0", ylabel="x1", title="-gradient of x0² + x1²")
    ax.grid(True, alpha=0.3)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "gradient_field.png")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    print(f"   saved {path}\n")


def lesson_precision() -> None:
    print("5. float32 against float64: the gradient of x0^2 + x1^2 at (3, 4) (exact: 6, 8)")
    for dtype in (np.float32, np.float64):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            g = tg.numerical_gradient(function_2, np.array([3.0, 4.0], dtype=dtype))
        error = np.abs(g - [6.0, 8.0]).max()
        print(f"   {np.dtype(dtype).name}: {g}  (error {error:.1e})")
        for w in caught:
            print(f"   warning: {str(w.message).split('. ')[0]}.")
    print("   f(x + h) - f(x - h) is a difference of two nearly equal numbers: float32's")
    print("   rounding of about 1e-7 of f (25 here), divided by 2h = 2e-4, is an error of about")
    print("   1e-2. In float64 (rounding about 1e-16 of f) the same division gives about 1e-11.")
    print("   So tg.numerical_gradient and tg.gradcheck warn when given float32.\n")


def lesson_descent(steps: int) -> None:
    print(f"6. Gradient descent on x0^2 + x1^2 from (2, 2), {steps} steps")
    for lr, comment in ((0.01, "slow but steady"), (0.1, "converges"),
                        (10.0, "too large: every step overshoots, it diverges"),
                        (1e-10, "too small: it barely moves")):
        x = tg.gradient_descent(function_2, np.array([2.0, 2.0]), lr=lr, step_num=steps)
        exact = 2.0 * (1 - 2 * lr) ** steps  # x <- x - lr * 2x, so x_n = x_0 (1 - 2 lr)^n
        print(f"   lr={lr:<6g} -> x = ({x[0]:.4g}, {x[1]:.4g})   "
              f"[closed form {exact:.4g}]  {comment}")
    print("   With lr=10 x grows by 19x a step until, near 1e13, x + h == x in float64: the")
    print("   numerical gradient becomes 0 and x freezes, far from the closed form's value.\n")


def lesson_autograd() -> None:
    print("7. The same gradients by backpropagation (autograd) next to the numerical ones")
    print(f"   {'point':>12s} {'autograd':>22s} {'numerical':>22s}")
    for point in ([3.0, 4.0], [0.0, 2.0], [3.0, 0.0], [-1.5, 0.25]):
        x = tg.Tensor(np.array(point), requires_grad=True)
        (x ** 2).sum().backward()
        numerical = tg.numerical_gradient(function_2, np.array(point))
        assert np.allclose(x.grad.data, numerical, atol=1e-6)
        print(f"   {str(tuple(point)):>12s} {str(np.round(x.grad.data, 6)):>22s} "
              f"{str(np.round(numerical, 6)):>22s}")
    x = tg.Tensor(5.0, dtype=np.float64, requires_grad=True)
    function_1(x).backward()
    print(f"   d/dx (0.01x^2 + 0.1x) at 5: autograd {x.grad.item():.10f}, "
          f"numerical {tg.numerical_diff(function_1, 5.0):.10f}")
    print("   One backward pass gives every partial derivative at once; the numerical")
    print("   gradient needs two evaluations of f per element, and is only approximate.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join("out", "numerical_gradient"),
                        help="folder for the picture (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="fewer descent steps (for tests)")
    args = parser.parse_args()
    lesson_differences()
    lesson_rounding()
    lesson_partials()
    lesson_gradient(args.out)
    lesson_precision()
    lesson_descent(20 if args.quick else 100)
    lesson_autograd()


if __name__ == "__main__":
    main()
