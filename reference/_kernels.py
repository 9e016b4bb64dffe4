"""Low-level mpmath kernels of the scalar maths.

Each kernel takes exact raw mpf tuples (already validated) and the working precision ``wp`` in
bits, computes on a private ``MPContext`` and returns a raw tuple.  None of them subtracts two
nearly equal rounded quantities: the relative error of every result is below 2**(4 - wp).
"""

from __future__ import annotations

from typing import cast

import mpmath
from mpmath import libmp

from ._types import Exact, RawMpf

_ctx = mpmath.MPContext()

ZERO: RawMpf = libmp.fzero
ONE: RawMpf = libmp.fone
HALF: RawMpf = libmp.fhalf
INF: RawMpf = libmp.finf
NINF: RawMpf = libmp.fninf


def _sign(raw: RawMpf) -> int:
    return cast(int, libmp.mpf_sign(raw))


def exact_sub(a: RawMpf, b: RawMpf) -> RawMpf:
    """a - b without rounding."""
    return cast(RawMpf, libmp.mpf_sub(a, b, 0))


def _exp_neg_abs(z: RawMpf, wp: int) -> Exact:
    """exp(-|z|) as a context mpf (finite z)."""
    return _ctx.exp(-abs(_ctx.make_mpf(z)))


def sigmoid(z: RawMpf, wp: int) -> RawMpf:
    if z == INF:
        return ONE
    if z == NINF:
        return ZERO
    with _ctx.workprec(wp):
        t = _exp_neg_abs(z, wp)
        s = 1 / (1 + t) if _sign(z) >= 0 else t / (1 + t)
        return cast(RawMpf, s._mpf_)


def softplus(z: RawMpf, wp: int) -> RawMpf:
    """log(1 + e^z) = max(z, 0) + log1p(e^-|z|): a sum of non-negative terms."""
    if z == INF:
        return INF
    if z == NINF:
        return ZERO
    with _ctx.workprec(wp):
        lp = _ctx.log1p(_exp_neg_abs(z, wp))
        if _sign(z) > 0:
            lp = lp + _ctx.make_mpf(z)
        return cast(RawMpf, lp._mpf_)


def log_sigmoid(z: RawMpf, wp: int) -> RawMpf:
    return cast(RawMpf, libmp.mpf_neg(softplus(libmp.mpf_neg(z), wp)))


def sigmoid_derivative(z: RawMpf, wp: int) -> RawMpf:
    """sigma(z) sigma(-z) = t / (1 + t)^2 with t = e^-|z|."""
    if z in (INF, NINF):
        return ZERO
    with _ctx.workprec(wp):
        t = _exp_neg_abs(z, wp)
        return cast(RawMpf, (t / (1 + t) ** 2)._mpf_)


def loss_from_logit(z: RawMpf, y: RawMpf, wp: int) -> RawMpf:
    """y softplus(-z) + (1 - y) softplus(z) = log1p(e^-|z|) + (1-y) z (z > 0) or + y |z| (z < 0)."""
    one_minus_y = exact_sub(ONE, y)
    if z in (INF, NINF):
        coef = one_minus_y if z == INF else y
        return ZERO if coef == ZERO else INF
    with _ctx.workprec(wp):
        lp = _ctx.log1p(_exp_neg_abs(z, wp))
        coef = one_minus_y if _sign(z) > 0 else y
        lin = libmp.mpf_mul(coef, libmp.mpf_abs(z), 0)  # exact, non-negative
        return cast(RawMpf, (lp + _ctx.make_mpf(lin))._mpf_)


def _neg_log(f: RawMpf, wp: int) -> Exact:
    """-log(f) for exact 0 < f <= 1, accurate near f = 1 (log1p of the exact f - 1)."""
    if libmp.mpf_cmp(f, HALF) > 0:
        return -_ctx.log1p(_ctx.make_mpf(exact_sub(f, ONE)))
    return -_ctx.log(_ctx.make_mpf(f))


def loss(f: RawMpf, y: RawMpf, wp: int) -> RawMpf:
    """-y log f - (1 - y) log(1 - f) with 0 log 0 = 0; both terms are non-negative."""
    one_minus_y, one_minus_f = exact_sub(ONE, y), exact_sub(ONE, f)
    with _ctx.workprec(wp):
        total = _ctx.zero
        for coef, p in ((y, f), (one_minus_y, one_minus_f)):
            if coef == ZERO:
                continue
            if p == ZERO:
                return INF
            total = total + _ctx.make_mpf(coef) * _neg_log(p, wp)
        return cast(RawMpf, total._mpf_)


def loss_derivative(f: RawMpf, y: RawMpf, wp: int) -> RawMpf:
    """-y/f + (1-y)/(1-f) = (f - y) / (f (1 - f)): exact numerator and denominator, one division."""
    one_minus_f = exact_sub(ONE, f)
    if f == ZERO:
        return ONE if y == ZERO else NINF
    if one_minus_f == ZERO:
        return cast(RawMpf, libmp.mpf_neg(ONE)) if y == ONE else INF
    num = exact_sub(f, y)
    den = libmp.mpf_mul(f, one_minus_f, 0)
    return cast(RawMpf, libmp.mpf_div(num, den, wp, libmp.round_nearest))


def exp(z: RawMpf, wp: int) -> RawMpf:
    if z == INF:
        return INF
    if z == NINF:
        return ZERO
    return cast(RawMpf, libmp.mpf_exp(z, wp, libmp.round_nearest))
