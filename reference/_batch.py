"""Per-example kernels for the problem maths, on gmpy2 (MPFR) at an explicit working precision.

Each kernel takes the exact logits ``z = Z * 2**ez`` (Python ints) and labels, and returns one
MPFR value per example together with an error bound: the exponent ``k`` such that the value's
absolute error is below 2**k.  The kernels mirror the mpmath ones in ``_kernels`` (tests compare
them), arranged so that no rounded quantity is subtracted from a nearly equal one except where
the bound says so:

- u = sigma(-|z|) = t / (1 + t), t = e^-|z|, is computed without cancellation;
- the residual sigma(z) - y is u - y for z < 0 and (1 - y) - u for z >= 0, with 1 - y exact, so
  that its error is 2**-q (4 u + 2 |r|): relative, except for a soft label close to sigma(z).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fractions import Fraction
from typing import cast

import gmpy2
import numpy as np
from gmpy2 import mpfr
from numpy.typing import NDArray

from ._types import Mpfr, MpfrContext

EMIN: int = gmpy2.get_emin_min()
EMAX: int = gmpy2.get_emax_max()
NEG_INF_EXP = EMIN  # the bound exponent of an exactly computed value


def _ctx(prec: int) -> MpfrContext:
    return gmpy2.context(precision=prec, emin=EMIN, emax=EMAX)


def _expo(x: Mpfr) -> int:
    """e with |x| < 2**e (x nonzero); EMIN for zero."""
    return cast(int, gmpy2.get_exp(x)) if x else EMIN


class _Labels:
    """Exact y and 1 - y as MPFR values, cached per distinct label."""

    def __init__(self) -> None:
        self._cache: dict[float, tuple[Mpfr, Mpfr]] = {}
        self._exact = _ctx(1200)  # 1 - y is exact at this precision for any float y in [0, 1]

    def __call__(self, y: float) -> tuple[Mpfr, Mpfr]:
        got = self._cache.get(y)
        if got is None:
            yv = mpfr(Fraction(y), 64) if y else mpfr(0)
            got = (yv, self._exact.sub(mpfr(1), yv))
            self._cache[y] = got
        return got


def _logits(Z: NDArray[np.object_], ez: int, q: int) -> Iterator[tuple[bool, Mpfr, Mpfr]]:
    """(z < 0, |z|, -|z|) with z as MPFR at q + 64 bits (enough: e^-|z| moves under 2**-q relative).

    Arithmetic goes through the context ``zc`` only: gmpy2's operators would round to the global
    context's 53 bits.
    """
    zc = _ctx(q + 64)
    zero = mpfr(0)
    for zi in Z:
        if not zi:
            yield False, zero, zero
            continue
        az = zc.mul_2exp(mpfr(abs(int(zi)), q + 64), ez)
        yield zi < 0, az, zc.minus(az)


def residuals(Z: NDArray[np.object_], ez: int, y: Iterable[float], q: int) -> tuple[list[Mpfr], list[int]]:
    """r_i = sigma(z_i) - y_i and bound exponents k_i.

    The hot loop of ``reference.gradient``: the context methods are bound once, and -|z| is formed
    directly at q + 64 bits (the same value ``_logits`` gives).
    """
    c = _ctx(q)
    zc = _ctx(q + 64)
    labels = _Labels()
    exp, add, div, sub, get_exp = c.exp, c.add, c.div, c.sub, gmpy2.get_exp
    mul_2exp = zc.mul_2exp
    wz = q + 64
    zero = mpfr(0)
    vals: list[Mpfr] = []
    ks: list[int] = []
    append_v, append_k = vals.append, ks.append
    for zi, yi in zip(Z, y):
        zi = int(zi)
        naz = mul_2exp(mpfr(-abs(zi), wz), ez) if zi else zero
        t = exp(naz)
        u = div(t, add(t, 1))
        yv, omy = labels(yi)
        r = sub(u, yv) if zi < 0 else sub(omy, u)
        append_v(r)
        er = get_exp(r) if r else EMIN
        append_k(max(get_exp(u), er) + 3 - q if u else er - q)
    return vals, ks


def curvatures(Z: NDArray[np.object_], ez: int, q: int) -> tuple[list[Mpfr], list[int]]:
    """sigma'(z_i) = u (1 - u) with u = sigma(-|z_i|), and bound exponents (relative error)."""
    c = _ctx(q)
    vals: list[Mpfr] = []
    ks: list[int] = []
    for _neg, _az, naz in _logits(Z, ez, q):
        t = c.exp(naz)
        d = c.div(t, c.square(c.add(t, 1)))
        vals.append(d)
        ks.append(_expo(d) + 3 - q)
    return vals, ks


def squared_error_terms(
    Z: NDArray[np.object_], ez: int, y: Iterable[float], q: int
) -> tuple[list[Mpfr], list[Mpfr], list[int], list[int]]:
    """(r_i sigma'(z_i), r_i, bound exponent of r_i, bound exponent of r_i sigma'(z_i))."""
    c = _ctx(q)
    labels = _Labels()
    prods: list[Mpfr] = []
    rs: list[Mpfr] = []
    kr: list[int] = []
    kp: list[int] = []
    for (neg, _az, naz), yi in zip(_logits(Z, ez, q), y):
        t = c.exp(naz)
        one_t = c.add(t, 1)
        u = c.div(t, one_t)
        d = c.div(t, c.square(one_t))
        yv, omy = labels(yi)
        r = c.sub(u, yv) if neg else c.sub(omy, u)
        p = c.mul(r, d)
        k_r = max(_expo(u), _expo(r)) + 3 - q if u else _expo(r) - q
        rs.append(r)
        prods.append(p)
        kr.append(k_r)
        kp.append(max(k_r + _expo(d), _expo(p) + 3 - q) + 1)
    return prods, rs, kr, kp


def losses(Z: NDArray[np.object_], ez: int, y: Iterable[float], q: int) -> list[Mpfr]:
    """Per-example log-loss from logits: log1p(e^-|z|) + (1-y) z (z > 0) or + y |z| (z < 0).

    Both terms are non-negative, so each loss is accurate to a few units of 2**-q relative.
    """
    c = _ctx(q)
    labels = _Labels()
    out: list[Mpfr] = []
    for (neg, az, naz), yi in zip(_logits(Z, ez, q), y):
        t = c.exp(naz)
        lp = c.log1p(t)
        yv, omy = labels(yi)
        coef = yv if neg else omy
        out.append(c.add(lp, c.mul(coef, az)) if coef else lp)
    return out


def to_int(v: Mpfr, scale_exp: int) -> int:
    """floor(v / 2**scale_exp) for an MPFR v (error below one unit of 2**scale_exp)."""
    if not v:
        return 0
    man, e = v.as_mantissa_exp()
    shift = int(e) - scale_exp
    return int(man) << shift if shift >= 0 else int(man) >> -shift
