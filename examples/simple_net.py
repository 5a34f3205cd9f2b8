"""The 2x3 "simpleNet": its weight gradient by numerical_gradient and by autograd, side by side.

A single layer W (2 inputs, 3 classes) scores x = [0.6, 0.9]; softmax turns the scores
into probabilities and cross-entropy compares them with the one-hot label t = [0, 0, 1]:

    L(W) = -sum_k t_k log softmax(x @ W)_k

dL/dW is computed twice: numerically, perturbing each of the 6 weights by +-1e-4, and by
one backward pass. They must agree.

Run:  python examples/simple_net.py [--seed 0] [--quick]
"""
import argparse

import numpy as np

import tinygrad_edu as tg


class SimpleNet:
    """One weight matrix, softmax and cross-entropy."""

    def __init__(self, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.W = tg.Tensor(rng.standard_normal((2, 3)), requires_grad=True)  # float64

    def predict(self, x: tg.Tensor) -> tg.Tensor:
        return x @ self.W

    def loss(self, x: tg.Tensor, t: tg.Tensor) -> tg.Tensor:
        log_probs = self.predict(x).log_softmax(axis=-1)  # stable: log-sum-exp inside
        return -(t * log_probs).sum()


def main(seed: int = 0) -> None:
    net = SimpleNet(seed)
    x = tg.Tensor(np.array([0.6, 0.9]))
    t = tg.Tensor(np.array([0.0, 0.0, 1.0]))

    print("W =\n", net.W.data)
    print("scores x @ W =", net.predict(x).data)
    print("probabilities =", net.predict(x).softmax().data)
    loss = net.loss(x, t)
    print(f"loss = {loss.item():.6f}\n")

    # Numerically: numerical_gradient perturbs net.W.data in place, so f may ignore its argument.
    with tg.no_grad():
        numerical = tg.numerical_gradient(lambda w: net.loss(x, t).item(), net.W.data)

    # By backpropagation: one backward pass fills W.grad.
    loss.backward()
    analytic = net.W.grad.data

    print("dL/dW by numerical_gradient:\n", numerical)
    print("dL/dW by autograd (backward):\n", analytic)
    difference = np.abs(numerical - analytic).max()
    print(f"largest difference: {difference:.2e}")
    np.testing.assert_allclose(analytic, numerical, rtol=1e-6, atol=1e-8)
    print("they agree. (Closed form: dL/dW = outer(x, softmax(x @ W) - t).)")
    closed_form = np.outer(x.data, net.predict(x).softmax().data - t.data)
    np.testing.assert_allclose(analytic, closed_form, rtol=1e-12, atol=1e-14)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the random weights W (default 0)")
    parser.add_argument("--quick", action="store_true",
                        help="accepted for the test suite (the example is quick already)")
    main(parser.parse_args().seed)
