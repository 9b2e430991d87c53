"""A small multilayer perceptron on plain lists of floats, with its backward pass written out.

Shapes: a batch is a list of rows (one list of floats per example); a layer's weights are a list
of rows, one per output unit, so `W[j][i]` connects input i to output j. Hidden layers use a
leaky ReLU; the last layer is linear.

The products run in kernels generated for each layer shape, and for whole networks where no
layer's input is needed afterwards (see `ganlib.lite.kernels`).
"""
from __future__ import annotations

import random
from itertools import chain, islice
from math import fsum, sqrt

from ganlib.lite.kernels import (dots_kernel, forward_kernel, input_grad_kernel, network_forward_kernel,
                                 point_input_grad_kernel)

Matrix = list[list[float]]


class MLP:
    """Dense layers `sizes[0] -> sizes[1] -> ... -> sizes[-1]`, leaky ReLU between them."""

    def __init__(self, sizes: list[int], rng: random.Random, leak: float = 0.2):
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"an MLP needs at least two layer sizes, all >= 1; got {sizes}")
        self.sizes = list(sizes)
        self.leak = leak
        self.weights: list[Matrix] = []
        self.biases: list[list[float]] = []
        for n_in, n_out in zip(sizes, sizes[1:]):
            # PyTorch's default for nn.Linear: uniform in +-1/sqrt(fan_in), weights and biases.
            bound = 1.0 / sqrt(n_in)
            uniform = lambda: (2.0 * rng.random() - 1.0) * bound  # noqa: E731
            self.weights.append([[uniform() for _ in range(n_in)] for _ in range(n_out)])
            self.biases.append([uniform() for _ in range(n_out)])

    def parameters(self) -> list[list[float]]:
        """Every parameter row (weight rows, then the bias, layer by layer); the optimizer edits them in place."""
        rows = []
        for W, b in zip(self.weights, self.biases):
            rows.extend(W)
            rows.append(b)
        return rows

    def forward(self, X: Matrix) -> tuple[Matrix, list[Matrix]]:
        """Outputs, and the input of every layer (what backward needs)."""
        inputs = []
        last = len(self.weights) - 1
        for k, (W, b) in enumerate(zip(self.weights, self.biases)):
            inputs.append(X)
            X = forward_kernel(len(W[0]), len(W), k < last)(X, W, b, self.leak)
        return X, inputs

    def __call__(self, X: Matrix) -> Matrix:
        """The outputs alone (the same numbers as `forward`), in one pass over the rows."""
        return network_forward_kernel(tuple(self.sizes))(X, self.weights, self.biases, self.leak)

    def backward(self, inputs: list[Matrix], grad_out: Matrix, *, param_grads: bool = True,
                 input_grad: bool = False) -> tuple[list[list[float]] | None, Matrix | None]:
        """Gradients of the parameters (rows in `parameters()` order) and of the network's input."""
        grads: list[list[float]] = []
        dZ = grad_out
        dX = None
        for k in range(len(self.weights) - 1, -1, -1):
            X, W = inputs[k], self.weights[k]
            if param_grads:
                dZ_columns = list(zip(*dZ))
                grads[:0] = [*dots_kernel(len(X), len(W[0]))(dZ_columns, list(zip(*X))), list(map(fsum, dZ_columns))]
            if k == 0 and not input_grad:
                break
            # For k > 0, X came out of a leaky ReLU: the kernel also applies that ReLU's slope.
            dZ = input_grad_kernel(len(W[0]), len(W), k > 0)(dZ, W, X, self.leak)
        return (grads if param_grads else None), (dZ if input_grad else None)

    def point_input_grads(self, X: Matrix, slope) -> Matrix:
        """For a network with one output unit and a loss given point by point: the gradient of
        each point's loss with respect to its row of X, where `slope(output)` returns the loss's
        derivative with respect to the network's output there (and may note the loss itself).
        The numbers of `forward`, then `backward` from the slopes, in one pass over the rows."""
        return point_input_grad_kernel(tuple(self.sizes))(X, self.weights, self.biases, self.leak, slope)


class Adam:
    """Adam (Kingma and Ba) over parameter rows, updated in place.

    The moments are kept as one flat list: three list comprehensions over all the parameters
    cost less in Pyodide than three per row, and most rows here are short."""

    def __init__(self, rows: list[list[float]], lr: float, beta1: float = 0.5, beta2: float = 0.999,
                 eps: float = 1e-8):
        self.rows = rows
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        size = sum(map(len, rows))
        self.m = [0.0] * size
        self.v = [0.0] * size
        # beta**t by repeated multiplication: float ** int goes through the C library's pow().
        self.beta1_t = 1.0
        self.beta2_t = 1.0

    def step(self, grads: list[list[float]]) -> None:
        b1, b2 = self.beta1, self.beta2
        self.beta1_t *= b1
        self.beta2_t *= b2
        step_size = self.lr / (1.0 - self.beta1_t)
        unbias_v = 1.0 / sqrt(1.0 - self.beta2_t)
        one_b1, one_b2, eps = 1.0 - b1, 1.0 - b2, self.eps
        g = list(chain.from_iterable(grads))
        self.m = m = [b1 * mi + one_b1 * gi for mi, gi in zip(self.m, g)]
        self.v = v = [b2 * vi + one_b2 * gi * gi for vi, gi in zip(self.v, g)]
        updated = iter([pi - step_size * mi / (sqrt(vi) * unbias_v + eps)
                        for pi, mi, vi in zip(chain.from_iterable(self.rows), m, v)])
        for row in self.rows:
            row[:] = islice(updated, len(row))
