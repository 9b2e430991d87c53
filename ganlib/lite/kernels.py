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
    for j in range(n_out):
        terms = " + ".join(f"w{j}_{i} * x{i}" for i in range(n_in))
        lines.append(f"        z{j} = {terms} + b{j}")
    if leaky:
        outputs = ", ".join(f"z{j} if z{j} > 0.0 else leak * z{j}" for j in range(n_out))
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
    for i in range(n_in):
        terms = " + ".join(f"w{j}_{i} * d{j}" for j in range(n_out))
        lines.append(f"        g{i} = {terms}")
    if leaky:
        outputs = ", ".join(f"g{i} if a{i} > 0.0 else leak * g{i}" for i in range(n_in))
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
    outputs = ", ".join(" + ".join(f"c{j}_{n} * r{n}" for n in range(length)) for j in range(n_columns))
    lines += [f"        append([{outputs}])", "    return out"]
    return _compile("dots", lines)
