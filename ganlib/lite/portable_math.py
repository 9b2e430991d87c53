"""exp, log, sin and cos that give the same bits on every platform.

The standard `math` functions call the C library, and glibc (CPython on Linux) and musl compiled
to WebAssembly (Pyodide) may round the last bit differently. A training run amplifies such a bit
into different numbers after a few hundred steps, so the demo engine computes these functions
from + - * / alone, which IEEE 754 rounds the same everywhere. `math.sqrt`, `math.frexp`,
`math.ldexp`, `math.floor` and `math.fsum` are exact or correctly rounded by definition, so they
are safe to use.

Accuracy is a few units in the last place, plenty for a demo; the point is reproducibility.
"""
from __future__ import annotations

from math import frexp, inf, ldexp

# ln 2 split in two: the high part has trailing zero bits, so k * LN2_HI is exact for |k| < 2**20.
LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
INV_LN2 = 1.44269504088896338700e00
SQRT_HALF = 0.70710678118654752440
# pi / 2 split the same way, for reducing the argument of sin and cos.
PIO2_HI = 1.57079632673412561417e00
PIO2_LO = 6.07710050650619224932e-11
INV_PIO2 = 6.36619772367581382433e-01
PI = 3.14159265358979311600e00

# Taylor coefficients 1/n! for n = 2..13, written out so exp() is one expression (it runs for
# every logit of every batch, and a Python loop here would cost more than the arithmetic).
C2, C3, C4, C5, C6, C7 = 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040
C8, C9, C10, C11, C12, C13 = 1 / 40320, 1 / 362880, 1 / 3628800, 1 / 39916800, 1 / 479001600, 1 / 6227020800


def exp(x: float) -> float:
    if not -745.1332191019412 <= x <= 709.782712893384:
        return x if x != x else (inf if x > 0.0 else 0.0)
    # x = k ln 2 + r with |r| <= ln 2 / 2, so exp(x) = 2**k exp(r).
    k = int(x * INV_LN2 + (0.5 if x >= 0.0 else -0.5))
    r = (x - k * LN2_HI) - k * LN2_LO
    p = r * (1.0 + r * (C2 + r * (C3 + r * (C4 + r * (C5 + r * (C6 + r * (C7 + r * (
        C8 + r * (C9 + r * (C10 + r * (C11 + r * (C12 + r * C13))))))))))))
    return ldexp(1.0 + p, k)


def log(x: float) -> float:
    if x <= 0.0:
        raise ValueError(f"log of a non-positive number: {x!r}")
    if x == inf or x != x:
        return x
    # x = m 2**e with m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(s), s = (m - 1) / (m + 1).
    m, e = frexp(x)
    if m < SQRT_HALF:
        m *= 2.0
        e -= 1
    s = (m - 1.0) / (m + 1.0)
    z = s * s
    # 2 (s + s^3/3 + ... + s^23/23); |s| <= 0.172, so the next term is below 1e-18.
    series = z * (1 / 3 + z * (1 / 5 + z * (1 / 7 + z * (1 / 9 + z * (1 / 11 + z * (
        1 / 13 + z * (1 / 15 + z * (1 / 17 + z * (1 / 19 + z * (1 / 21 + z / 23))))))))))
    return e * LN2_HI + (2.0 * s * (1.0 + series) + e * LN2_LO)


def _sin_taylor(r: float) -> float:
    r2 = r * r
    p = 0.0
    for n in range(17, 2, -2):  # r - r^3/3! + ... up to r^17/17!
        p = (1.0 - p) * r2 / ((n - 1) * n)
    return r * (1.0 - p)


def _cos_taylor(r: float) -> float:
    r2 = r * r
    p = 0.0
    for n in range(18, 1, -2):  # 1 - r^2/2! + ... up to r^18/18!
        p = (1.0 - p) * r2 / ((n - 1) * n)
    return 1.0 - p


def _reduce(x: float) -> tuple[int, float]:
    """x = q pi/2 + r with |r| <= pi/4 (for the moderate angles the demo uses)."""
    q = int(x * INV_PIO2 + (0.5 if x >= 0.0 else -0.5))
    return q % 4, (x - q * PIO2_HI) - q * PIO2_LO


def sin(x: float) -> float:
    q, r = _reduce(x)
    return (_sin_taylor(r), _cos_taylor(r), -_sin_taylor(r), -_cos_taylor(r))[q]


def cos(x: float) -> float:
    q, r = _reduce(x)
    return (_cos_taylor(r), -_sin_taylor(r), -_cos_taylor(r), _sin_taylor(r))[q]


def sigmoid(x: float) -> float:
    if x >= 0.0:
        return 1.0 / (1.0 + exp(-x))
    e = exp(x)
    return e / (1.0 + e)


def softplus(x: float) -> float:
    """log(1 + e^x) without overflow."""
    if x > 0.0:
        return x + log(1.0 + exp(-x))
    return log(1.0 + exp(x))


def logistic(x: float) -> tuple[float, float, float]:
    """(sigmoid(x), softplus(x), softplus(-x)) from one exp and one log: the GAN losses need all
    three for every logit. Each equals, bit for bit, what sigmoid() and softplus() return."""
    if x >= 0.0:
        e = exp(-x)
        log1p_e = log(1.0 + e)
        return 1.0 / (1.0 + e), (x + log1p_e if x > 0.0 else log1p_e), log1p_e
    e = exp(x)
    log1p_e = log(1.0 + e)
    return e / (1.0 + e), log1p_e, -x + log1p_e
