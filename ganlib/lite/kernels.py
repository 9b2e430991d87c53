"""The dense-layer products, as straight-line Python generated once per layer shape.

Why generate code: in Pyodide a Python-level loop, or even `fsum(map(mul, w, x))`, costs far
more per product than the multiplication itself. A function whose body spells out every product
with the weights unpacked into local variables, such as

    for x0, x1 in X:
        z0 = w0_0 * x0 + w0_1 * x1 + b0
        ...

runs about three times faster there, and it adds the terms left to right, so the result has the
same bits on every platform and Python version (unlike `sum`, which compensates rounding since
Python 3.12). Each kernel is compiled on first use and cached by shape; `kernel.source` shows
the generated text.

Shapes: a batch is a list of rows; `W[j][i]` connects input i to output j.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache


def _names(prefix: str, n: int) -> str:
    return ", ".join(f"{prefix}{i}" for i in range(n))


def _matrix_names(prefix: str, rows: int, cols: int) -> str:
    """`(w0_0, w0_1,), (w1_0, w1_1,),` for unpacking a rows x cols list of lists."""
    return " ".join("(" + ", ".join(f"{prefix}{r}_{c}" for c in range(cols)) + ",)," for r in range(rows))


# The expressions every kernel shares: the layer kernels and the whole-network ones spell each sum
# with these, so their terms come in the same order and the results have the same bits.
def _row_sum(w: str, j: int, x: str, n: int) -> str:
    """`{w}{j}_0 * {x}0 + ... + {w}{j}_{n-1} * {x}{n-1}`: output j of a layer, from inputs `x`."""
    return " + ".join(f"{w}{j}_{i} * {x}{i}" for i in range(n))


def _column_sum(w: str, i: int, d: str, n: int) -> str:
    """`{w}0_{i} * {d}0 + ... + {w}{n-1}_{i} * {d}{n-1}`: the gradient at input i, from the output gradients `d`."""
    return " + ".join(f"{w}{j}_{i} * {d}{j}" for j in range(n))


def _leaky(value: str, sign_of: str) -> str:
    """`value`, times `leak` where `sign_of` is not positive (a leaky ReLU or its slope)."""
    return f"{value} if {sign_of} > 0.0 else leak * {value}"


def _compile(name: str, lines: list[str]) -> Callable:
    source = "\n".join(lines) + "\n"
    namespace: dict = {}
    exec(compile(source, f"<ganlib.lite.kernels.{name}>", "exec"), namespace)
    kernel = namespace[name]
    kernel.source = source
    return kernel


@cache
def forward_kernel(n_in: int, n_out: int, leaky: bool) -> Callable:
    """`f(X, W, b, leak)`: rows of X W^T + b, then a leaky ReLU with slope `leak` if `leaky`."""
    lines = [
        "def forward(X, W, b, leak):",
        f"    {_matrix_names('w', n_out, n_in)} = W",
        f"    {_names('b', n_out)}, = b",
        "    out = []",
        "    append = out.append",
        f"    for {_names('x', n_in)}, in X:",
    ]
    lines += [f"        z{j} = {_row_sum('w', j, 'x', n_in)} + b{j}" for j in range(n_out)]
    if leaky:
        outputs = ", ".join(_leaky(f"z{j}", f"z{j}") for j in range(n_out))
    else:
        outputs = _names("z", n_out)
    lines += [f"        append([{outputs}])", "    return out"]
    return _compile("forward", lines)


@cache
def input_grad_kernel(n_in: int, n_out: int, leaky: bool) -> Callable:
    """`f(dZ, W, A, leak)`: rows of dZ W, the gradient with respect to the layer's input.

    With `leaky`, each entry is also multiplied by the slope of the leaky ReLU that produced the
    input A (1 where A > 0, else `leak`), which gives the gradient before that activation.
    """
    lines = [
        "def input_grad(dZ, W, A, leak):",
        f"    {_matrix_names('w', n_out, n_in)} = W",
        "    out = []",
        "    append = out.append",
    ]
    if leaky:
        lines.append(f"    for ({_names('d', n_out)},), ({_names('a', n_in)},) in zip(dZ, A):")
    else:
        lines.append(f"    for {_names('d', n_out)}, in dZ:")
    lines += [f"        g{i} = {_column_sum('w', i, 'd', n_out)}" for i in range(n_in)]
    if leaky:
        outputs = ", ".join(_leaky(f"g{i}", f"a{i}") for i in range(n_in))
    else:
        outputs = _names("g", n_in)
    lines += [f"        append([{outputs}])", "    return out"]
    return _compile("input_grad", lines)


@cache
def dots_kernel(length: int, n_columns: int) -> Callable:
    """`f(R, C)`: `[[dot(r, c) for c in C] for r in R]`, for vectors of `length` and `n_columns` vectors C.

    The weight gradient of a layer is `dots(columns of dZ, columns of X)`: each entry is a sum
    over the batch, so the batch size is the vector length here.
    """
    lines = [
        "def dots(R, C):",
        f"    {_matrix_names('c', n_columns, length)} = C",
        "    out = []",
        "    append = out.append",
        f"    for {_names('r', length)}, in R:",
    ]
    outputs = ", ".join(_row_sum("c", j, "r", length) for j in range(n_columns))
    lines += [f"        append([{outputs}])", "    return out"]
    return _compile("dots", lines)


# -- whole networks, row by row ----------------------------------------------------------------
# The layers of a network in one pass over the rows, for what needs no layer's input afterwards
# (no parameter gradients): a row's activations stay in local variables instead of going into a
# list per layer that the next layer unpacks again. The sums are spelled by the same helpers as the
# layer kernels' (_row_sum, _column_sum, _leaky), so the bits are the same.
# Names: w{k}_{j}_{i} and b{k}_{j} are layer k's parameters, a{k}_{i} its input; z{j} the output
# of the layer being computed; d{j} the gradient at a layer's output (before its activation),
# g{i} the gradient at its input.

def _network_head(name: str, sizes: tuple[int, ...], args: str) -> list[str]:
    lines = [f"def {name}(X, weights, biases, leak{args}):"]
    for k in range(len(sizes) - 1):
        lines += [f"    {_matrix_names(f'w{k}_', sizes[k + 1], sizes[k])} = weights[{k}]",
                  f"    {_names(f'b{k}_', sizes[k + 1])}, = biases[{k}]"]
    return lines


def _forward_lines(sizes: tuple[int, ...]) -> list[str]:
    """One row through every layer, from a0_* to z*."""
    lines = []
    layers = len(sizes) - 1
    for k in range(layers):
        n_in, n_out = sizes[k], sizes[k + 1]
        lines += [f"        z{j} = {_row_sum(f'w{k}_', j, f'a{k}_', n_in)} + b{k}_{j}" for j in range(n_out)]
        if k < layers - 1:
            lines += [f"        a{k + 1}_{j} = {_leaky(f'z{j}', f'z{j}')}" for j in range(n_out)]
    return lines


def _backward_lines(sizes: tuple[int, ...]) -> list[str]:
    """From d0 at the output back to the network's input, g*."""
    lines = []
    for k in range(len(sizes) - 2, -1, -1):
        n_in, n_out = sizes[k], sizes[k + 1]
        lines += [f"        g{i} = {_column_sum(f'w{k}_', i, 'd', n_out)}" for i in range(n_in)]
        if k > 0:  # through the leaky ReLU that made this layer's input
            lines += [f"        d{i} = {_leaky(f'g{i}', f'a{k}_{i}')}" for i in range(n_in)]
    return lines


@cache
def network_forward_kernel(sizes: tuple[int, ...]) -> Callable:
    """`f(X, weights, biases, leak)`: the output rows of a whole network (the layers of
    `forward_kernel`, leaky ReLU after each hidden one), without keeping the layers' inputs:
    for what is only drawn, such as the generated points and D's verdict on a grid."""
    lines = _network_head("network_forward", sizes, "")
    lines += ["    out = []", "    append = out.append", f"    for {_names('a0_', sizes[0])}, in X:"]
    lines += _forward_lines(sizes)
    lines += [f"        append([{_names('z', sizes[-1])}])", "    return out"]
    return _compile("network_forward", lines)


@cache
def point_input_grad_kernel(sizes: tuple[int, ...]) -> Callable:
    """`f(X, weights, biases, leak, slope)` for a network with one output unit.

    For each row x of X: the output o, then the gradient of a loss with respect to x, back
    through the layers (as `input_grad_kernel` does) from `slope(o)`, the loss's derivative with
    respect to o. Returns the input-gradient rows.
    """
    if sizes[-1] != 1:
        raise ValueError(f"point_input_grad_kernel needs one output unit, got sizes {list(sizes)}")
    lines = _network_head("point_input_grad", sizes, ", slope")
    lines += ["    grads = []", "    add_grad = grads.append",
              f"    for {_names('a0_', sizes[0])}, in X:"]
    lines += _forward_lines(sizes)
    lines.append("        d0 = slope(z0)")
    lines += _backward_lines(sizes)
    lines += [f"        add_grad([{_names('g', sizes[0])}])", "    return grads"]
    return _compile("point_input_grad", lines)
