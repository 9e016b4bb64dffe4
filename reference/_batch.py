"""Per-example kernels for the problem maths, on gmpy2 (MPFR) at an explicit working precision.

Each kernel takes the exact logits ``z = Z * 2**ez`` (Python ints) and labels, and returns one
MPFR value per example together with an error bound: the exponent ``k`` such that the value's
absolute error is below 2**k.  The kernels mirror the mpmath ones in ``_kernels``, arranged so
that no rounded quantity is subtracted from a nearly equal one except where the bound says so:

- u = sigma(-|z|) = t / (1 + t), t = e^-|z|, is computed without cancellation;
- the residual sigma(z) - y is u - y for z < 0 and (1 - y) - u for z >= 0, with 1 - y exact, so
  that its error is 2**-q (4 u + 2 |r|): relative, except for a soft label close to sigma(z).

Far tails.  gmpy2 computes with MPFR's default exponent range whatever its context says, so a
value below about 2**-(2**30) would underflow to 0.  From |z| >= ``TAIL`` on (2**29; 2**28 for the
kernels that multiply two tail values) e^-|z| is therefore carried as ``t * 2**x`` with t in
[1/2, 2) and x = -round(|z| / log 2) a Python int: such a kernel returns the list ``xs`` of the
x's (``None`` when no example is that far out) and its bound exponents ``k`` include x.  From
|z| >= ``FLUSH`` = 3e18 on (e^-|z| < 2**-(2**62)) e^-|z| is taken as 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import TypeAlias, cast

import gmpy2
import numpy as np
from gmpy2 import mpfr
from numpy.typing import NDArray

from ._types import Mpfr, MpfrContext

EMIN: int = gmpy2.get_emin_min()
EMAX: int = gmpy2.get_emax_max()
NEG_INF_EXP = EMIN  # the bound exponent of an exactly computed value

FLUSH = 3 * 10**18
"""|z| from which e^-|z| (below 2**-(2**62)) is taken as 0."""

TAIL = 1 << 29
"""|z| from which e^-|z| is carried with a separate binary exponent."""

TAIL_SQUARED = 1 << 28
"""The same for the kernels that multiply two values of the size of e^-|z|."""

Scales: TypeAlias = "list[int] | None"
"""Extra binary exponents x of a kernel's values (value = v * 2**x), or None when all are 0."""


def _ctx(prec: int) -> MpfrContext:
    return gmpy2.context(precision=prec, emin=EMIN, emax=EMAX)


def _expo(x: Mpfr) -> int:
    """e with |x| < 2**e (x nonzero); EMIN for zero."""
    return cast(int, gmpy2.get_exp(x)) if x else EMIN


def _threshold(bound: int, ez: int) -> int:
    """The least integer T with T * 2**ez >= bound: |Z| >= T  <=>  |z| >= bound."""
    return -((-bound) >> ez) if ez >= 0 else bound << -ez


def flush_threshold(ez: int) -> int:
    """|Z| >= flush_threshold(ez)  <=>  |z| >= FLUSH, for z = Z * 2**ez."""
    return _threshold(FLUSH, ez)


def _label_table(y: Iterable[float]) -> list[tuple[Mpfr, Mpfr]]:
    """Exact (y, 1 - y) as MPFR values per example, computed once per distinct label."""
    exact = _ctx(1200)  # 1 - y is exact at this precision for any float y in [0, 1]
    ys = list(y)
    table = {}
    for v in set(ys):
        yv = mpfr(Fraction(v), 64) if v else mpfr(0)
        table[v] = (yv, exact.sub(mpfr(1), yv))
    return [table[v] for v in ys]


def _ints(Z: NDArray[np.object_]) -> list[int]:
    return [int(v) for v in Z.tolist()]


def _exp_neg_tail(az: int, ez: int, q: int) -> tuple[Mpfr, int]:
    """e^-|z| = t * 2**x for TAIL_SQUARED <= |z| < FLUSH, |z| = az * 2**ez: t to q bits, error < 2**(1-q) t.

    x = -K with K = round(|z| / log 2) < 2**63, and t = e^-(|z| - K log 2), whose argument is
    formed at q + 96 bits (absolute error below 2**-(q + 30)).
    """
    w = _ctx(q + 96)
    a = w.mul_2exp(az, ez)
    ln2 = w.const_log2()
    K = int(w.rint(w.div(a, ln2)))
    rest = w.sub(a, w.mul(K, ln2))
    return _ctx(q).exp(w.minus(rest)), -K


def _tail_residual(neg: bool, yv: Mpfr, omy: Mpfr, t: Mpfr, x: int, c: MpfrContext, q: int) -> tuple[Mpfr, int]:
    """sigma(z) - y rounded to q bits when u = t 2**x is far below 2**-q: (value, its scale x or 0).

    u - y is -y (a float, so representable); (1 - y) - u is 1 - y less a tiny positive: 1 - y is a
    multiple of 2**-1074 and the rounding boundaries near it are multiples of 2**-(q + 1074) at
    the finest, so 2**-(q + 2000) rounds as u does.
    """
    if neg:
        return (t, x) if not yv else (c.minus(yv), 0)
    if not omy:
        return c.minus(t), x
    return c.sub(omy, c.mul_2exp(1, -(q + 2000))), 0


def residuals(Z: NDArray[np.object_], ez: int, y: Iterable[float], q: int) -> tuple[list[Mpfr], list[int], Scales]:
    """r_i = sigma(z_i) - y_i, bound exponents k_i and scales (far tails from TAIL on).

    The hot loop of ``reference.gradient``: the context methods are bound once, and -|z| is formed
    directly at q + 64 bits (one rounding of the exact integer).
    """
    Zl = _ints(Z)
    labels = _label_table(y)
    if _far(Zl, ez, TAIL):
        return _residuals_far(Zl, ez, labels, q, TAIL)
    c = _ctx(q)
    zc = _ctx(q + 64)
    exp, add, div, sub, get_exp = c.exp, c.add, c.div, c.sub, gmpy2.get_exp
    mul_2exp = zc.mul_2exp
    t0 = exp(mpfr(0))
    vals: list[Mpfr] = []
    ks: list[int] = []
    append_v, append_k = vals.append, ks.append
    q3 = 3 - q
    for zi, (yv, omy) in zip(Zl, labels):
        if zi < 0:
            t = exp(mul_2exp(zi, ez))
            u = div(t, add(t, 1))
            r = sub(u, yv)
        else:
            t = exp(mul_2exp(-zi, ez)) if zi else t0
            u = div(t, add(t, 1))
            r = sub(omy, u)
        append_v(r)
        eu = get_exp(u)  # u > 0 below TAIL
        if r:
            er = get_exp(r)
            append_k((er if er > eu else eu) + q3)
        else:
            append_k(eu + q3)
    return vals, ks, None


def squared_residuals(
    Z: NDArray[np.object_], ez: int, y: Iterable[float], q: int
) -> tuple[list[Mpfr], list[int], Scales]:
    """``residuals`` with far tails from TAIL_SQUARED on, so that r^2 stays within MPFR's range."""
    Zl = _ints(Z)
    if _far(Zl, ez, TAIL_SQUARED):
        return _residuals_far(Zl, ez, _label_table(y), q, TAIL_SQUARED)
    return residuals(Z, ez, y, q)


def _residuals_far(
    Zl: list[int], ez: int, labels: list[tuple[Mpfr, Mpfr]], q: int, bound: int
) -> tuple[list[Mpfr], list[int], Scales]:
    c = _ctx(q)
    zc = _ctx(q + 64)
    tail, flush = _threshold(bound, ez), flush_threshold(ez)
    vals: list[Mpfr] = []
    ks: list[int] = []
    xs: list[int] = []
    for zi, (yv, omy) in zip(Zl, labels):
        a = abs(zi)
        x = 0
        if tail <= a < flush:
            t, xt = _exp_neg_tail(a, ez, q)
            r, x = _tail_residual(zi < 0, yv, omy, t, xt, c, q)
            k = max(_expo(t) + xt, _expo(r) + x) + 3 - q
        else:
            t = c.exp(zc.mul_2exp(-a, ez)) if a < flush else mpfr(0)
            u = c.div(t, c.add(t, 1))
            r = c.sub(u, yv) if zi < 0 else c.sub(omy, u)
            k = max(_expo(u), _expo(r)) + 3 - q if u else _expo(r) - q
        vals.append(r)
        ks.append(k)
        xs.append(x)
    return vals, ks, xs


def _far(Zl: Sequence[int], ez: int, bound: int) -> bool:
    return bool(Zl) and max(map(abs, Zl)) >= _threshold(bound, ez)


def curvatures(Z: NDArray[np.object_], ez: int, q: int) -> tuple[list[Mpfr], list[int], Scales]:
    """sigma'(z_i) = t / (1 + t)^2 with t = e^-|z_i|, bound exponents (relative error) and scales."""
    Zl = _ints(Z)
    c = _ctx(q)
    zc = _ctx(q + 64)
    far = _far(Zl, ez, TAIL)
    tail, flush = _threshold(TAIL, ez), flush_threshold(ez)
    vals: list[Mpfr] = []
    ks: list[int] = []
    xs: list[int] = []
    for zi in Zl:
        a = abs(zi)
        x = 0
        if far and tail <= a < flush:
            d, x = _exp_neg_tail(a, ez, q)  # t / (1 + t)^2 = t (1 - 2t + ...), t below 2**-(2**29)
        else:
            t = c.exp(zc.mul_2exp(-a, ez)) if a < flush else mpfr(0)
            d = c.div(t, c.square(c.add(t, 1)))
        vals.append(d)
        ks.append(_expo(d) + x + 3 - q)
        xs.append(x)
    return vals, ks, (xs if far else None)


def squared_error_terms(
    Z: NDArray[np.object_], ez: int, y: Iterable[float], q: int
) -> tuple[list[Mpfr], list[int], Scales]:
    """r_i sigma'(z_i), the bound exponents of those products, and their scales."""
    Zl = _ints(Z)
    c = _ctx(q)
    zc = _ctx(q + 64)
    labels = _label_table(y)
    far = _far(Zl, ez, TAIL_SQUARED)
    tail, flush = _threshold(TAIL_SQUARED, ez), flush_threshold(ez)
    prods: list[Mpfr] = []
    kp: list[int] = []
    xs: list[int] = []
    for zi, (yv, omy) in zip(Zl, labels):
        neg, a = zi < 0, abs(zi)
        if far and tail <= a < flush:
            t, xd = _exp_neg_tail(a, ez, q)
            r, xr = _tail_residual(neg, yv, omy, t, xd, c, q)
            d = t
            k_r = max(_expo(t) + xd, _expo(r) + xr) + 3 - q
        else:
            t = c.exp(zc.mul_2exp(-a, ez)) if a < flush else mpfr(0)
            one_t = c.add(t, 1)
            u = c.div(t, one_t)
            d = c.div(t, c.square(one_t))
            r = c.sub(u, yv) if neg else c.sub(omy, u)
            xr = xd = 0
            k_r = max(_expo(u), _expo(r)) + 3 - q if u else _expo(r) - q
        p = c.mul(r, d)
        x = xr + xd
        prods.append(p)
        kp.append(max(k_r + _expo(d) + xd, _expo(p) + x + 3 - q) + 1)
        xs.append(x)
    return prods, kp, (xs if far else None)


def losses(Z: NDArray[np.object_], ez: int, y: Iterable[float], q: int) -> tuple[list[Mpfr], Scales]:
    """Per-example log-loss from logits: log1p(e^-|z|) + (1-y) z (z > 0) or + y |z| (z < 0), and scales.

    Both terms are non-negative, so each loss is accurate to a few units of 2**-q relative.
    """
    Zl = _ints(Z)
    c = _ctx(q)
    zc = _ctx(q + 64)
    labels = _label_table(y)
    far = _far(Zl, ez, TAIL)
    tail, flush = _threshold(TAIL, ez), flush_threshold(ez)
    out: list[Mpfr] = []
    xs: list[int] = []
    zero = mpfr(0)
    for zi, (yv, omy) in zip(Zl, labels):
        a = abs(zi)
        az = zc.mul_2exp(a, ez) if a else zero
        coef = yv if zi < 0 else omy
        x = 0
        if far and tail <= a < flush:
            if coef:
                term = c.mul(coef, az)  # log1p(e^-|z|) is far below its last bit
            else:
                term, x = _exp_neg_tail(a, ez, q)  # log1p(t) = t (1 - t/2 + ...)
        else:
            t = c.exp(zc.minus(az)) if a < flush else zero
            lp = c.log1p(t)
            term = c.add(lp, c.mul(coef, az)) if coef else lp
        out.append(term)
        xs.append(x)
    return out, (xs if far else None)


def scaled_fsum(c: MpfrContext, vals: Sequence[Mpfr], xs: Scales, q: int) -> tuple[Mpfr, int]:
    """sum_i vals[i] 2**xs[i] = total * 2**x for non-negative values, to a relative 2**-(q + 15).

    Without scales this is ``c.fsum`` (correctly rounded), x = 0.  With them, the values are brought
    to the largest one's scale; those more than q + 16 + log2(m) bits below it are dropped.
    """
    if xs is None:
        return c.fsum(vals), 0
    tops = [(_expo(v) + x, i) for i, (v, x) in enumerate(zip(vals, xs)) if v]
    if not tops:
        return mpfr(0), 0
    top = max(e for e, _ in tops)
    floor = top - q - 16 - len(vals).bit_length()
    return c.fsum([c.mul_2exp(vals[i], xs[i] - top) for e, i in tops if e >= floor]), top


def to_int(v: Mpfr, scale_exp: int) -> int:
    """floor(v / 2**scale_exp) for an MPFR v (error below one unit of 2**scale_exp)."""
    if not v:
        return 0
    man, e = v.as_mantissa_exp()
    shift = int(e) - scale_exp
    return int(man) << shift if shift >= 0 else int(man) >> -shift
