"""Problem maths: cost, gradient and Hessian of (regularized, weighted) logistic regression, with
the linear-regression and squared-error-through-sigmoid twins, from exact inputs.

The logits z = X w + b are exact (integer arithmetic on the floats' mantissas).  The non-linear
step runs per example on MPFR at a working precision q; the sums over examples are then exact
integer sums of the per-example values, so their only error is the per-example error, which the
kernels bound.  When that bound is too large for ``prec`` bits of the result (cancellation in a
gradient component near a minimum, or a soft label close to sigma(z)), q grows and the step is
redone (Ziv's strategy).  A sum that comes out 0 proves nothing: a component is returned as exact
zero only when ``_certify`` proves it 0 from the exact inputs (exact cancellation, e.g. from
mirrored examples); otherwise q grows until the bound settles it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, cast

import gmpy2
import mpmath
import numpy as np
from mpmath import libmp
from numpy.typing import ArrayLike, NDArray

from . import _batch, _certify, _exactdot
from ._dyadic import Dyadic
from ._inputs import Problem, check_w_b, check_X, problem
from ._types import Exact, Mpfr, RawMpf
from .precision import GUARD_BITS, MAX_PREC, check_prec

__all__ = [
    "Gradient",
    "logits",
    "cost",
    "gradient",
    "hessian",
    "linear_cost",
    "linear_gradient",
    "squared_error_cost",
    "squared_error_gradient",
]

_RND = libmp.round_nearest
_SAFETY = 2.0**-1060  # covers underflow in the float evaluation of the error bounds
_ZERO: Exact = mpmath.mpf(0)

PerExample: TypeAlias = Callable[[int], tuple[list[Mpfr], list[int], _batch.Scales]]
"""A per-example kernel at working precision q: MPFR values, the exponents bounding their errors
(absolute, scales included) and their scales (value = v * 2**x; None when all x are 0)."""

Attempt: TypeAlias = Callable[[int], tuple[NDArray[np.object_], NDArray[np.float64], NDArray[np.float64]]]
"""One evaluation at working precision q: values, deficits (bits missing; NaN: a sum that came out 0
although its bound is not 0) and log2 of bounds on the values' absolute errors."""


@dataclass(frozen=True)
class Gradient:
    """Gradient of a cost: ``w`` (object array of mpf, length n) and ``b`` (mpf)."""

    w: NDArray[np.object_]
    b: mpmath.mpf


def _mpf(raw: RawMpf) -> Exact:
    return mpmath.mp.make_mpf(raw)


def _div_S(num: int, exp: int, P: Problem, wp: int, extra_den: int = 1) -> Exact:
    """num * 2**exp / (extra_den * S), one rounding to wp bits."""
    den = P.S if extra_den == 1 else libmp.mpf_mul(P.S, libmp.from_int(extra_den), 0)
    return _mpf(libmp.mpf_div(libmp.from_man_exp(int(num), exp), den, wp, _RND))


_GAP = 1 << 16
"""Exponent gap beyond which a sum of two terms is rounded to MAX_PREC + 64 bits instead of being
formed exactly (the far tails put per-example values up to 2**62 binary places below lam w)."""


def _add_exact(a: int, ea: int, b: int, eb: int) -> tuple[int, int]:
    """a 2**ea + b 2**eb: exact, or within 2**-(MAX_PREC + 63) relative across an exponent gap > _GAP."""
    if a and b and abs(ea - eb) > _GAP:
        raw = libmp.mpf_add(libmp.from_man_exp(a, ea), libmp.from_man_exp(b, eb), MAX_PREC + 64, _RND)
        return (-1 if raw[0] else 1) * int(raw[1]), int(raw[2])
    e = min(ea, eb)
    return (a << (ea - e)) + (b << (eb - e)), e


def _add_raw(a: RawMpf, b: RawMpf) -> RawMpf:
    """a + b for raw mpf: exact, or rounded as in ``_add_exact`` across an exponent gap > _GAP."""
    if a[1] and b[1] and abs(int(a[2]) - int(b[2])) > _GAP:
        return cast(RawMpf, libmp.mpf_add(a, b, MAX_PREC + 64, _RND))
    return cast(RawMpf, libmp.mpf_add(a, b, 0))


# ---------------------------------------------------------------------------- bounded sums


def _weights(
    P: Problem, vals: list[Mpfr], ks: list[int], xs: _batch.Scales, q: int, rows: NDArray[np.intp] | None = None
) -> tuple[list[Any], int, NDArray[np.float64], int, NDArray[np.bool_], int]:
    """V_i = floor(s_i v_i / 2**L) (|V_i| < 2**(q + 8)) and float weights (scaled by 2**C) bounding
    each V_i's error; ``rows``: the examples that vals, ks and xs are of (default all)."""
    m = len(vals)
    s = P.s if P.s is None or rows is None else P.s[rows]
    s_ints = None if P.s_d is None else (P.s_d.ints if rows is None else P.s_d.ints[rows]).tolist()
    s_exp = P.s_d.exp if P.s_d is not None else 0
    get_exp = gmpy2.get_exp
    if xs is None:
        tops = [get_exp(v) for v in vals if v]
    else:
        tops = [get_exp(v) + x for v, x in zip(vals, xs) if v]
    s_top = int(np.frexp(s.max())[1]) if s is not None else 1
    L = (max(tops) + s_top - q - 8) if tops else -q
    base = s_exp - L
    V: list[Any] = [0] * m  # Python ints or gmpy2 mpz
    lost = np.zeros(m, dtype=bool)  # nonzero values truncated to 0: a zero sum is then no evidence
    gap = 0
    mantissa_exp = gmpy2.mpfr.as_mantissa_exp
    for i, v in enumerate(vals):
        if not v:
            continue
        man, shift = mantissa_exp(v)
        if s_ints is not None:
            man = man * s_ints[i]
        shift += base if xs is None else base + xs[i]
        Vi = man << shift if shift >= 0 else man >> -shift
        V[i] = Vi
        if man and not Vi:
            lost[i] = True
            gap = max(gap, int(-shift) - int(man.bit_length()))
    # error of V_i * 2**L: s_i 2**k_i (value) + 2**L (truncation)
    s_mant, s_e = np.frexp(s if s is not None else np.ones(m))
    ex = np.asarray(ks, dtype=np.int64) + s_e
    C = int(max(ex.max(), L))
    w = np.ldexp(s_mant, np.maximum(ex - C, -2000).astype(np.int32)) + np.ldexp(1.0, max(L - C, -2000))
    return V, L, w, C, lost, gap


def _revive_lost_zeros(
    deficit: NDArray[np.float64], N_is_zero: NDArray[np.bool_], touched_lost: NDArray[np.bool_], gap: int
) -> NDArray[np.float64]:
    """A zero sum that dropped nonzero terms asks for the bits that bring them back."""
    fix = N_is_zero & touched_lost
    deficit[fix] = gap + 16
    return deficit


def _local_sum(
    P: Problem,
    rows: NDArray[np.intp],
    coef: NDArray[np.object_],
    coef_abs: NDArray[np.float64],
    coef_exp: int,
    vals: list[Mpfr],
    ks: list[int],
    xs: _batch.Scales,
    q: int,
) -> tuple[int, int, float, int, bool, int]:
    """sum_i coef_i s_i v_i over ``rows`` only, truncated at its own level 2**L.

    For a component whose sum came out 0 after dropping terms far below the largest value of all
    examples: its own examples may all be that small.  coef (exact ints, exponent coef_exp) and
    coef_abs (|coef| scaled by 2**-cexp, cexp folded into coef_exp's bound by the caller).
    Returns (N, e, float part of log2 bound, its integer part, terms lost, gap).
    """
    V, L, wts, C, lost, gap = _weights(
        P, [vals[i] for i in rows], [ks[i] for i in rows], None if xs is None else [xs[i] for i in rows], q, rows
    )
    N = sum(int(c) * int(v) for c, v in zip(coef, V))
    B = float(coef_abs @ wts) * (1 + 2.0**-40) + rows.size * _SAFETY
    lb, big = _log2_bound(np.array([B]), np.zeros(1, dtype=np.int64), C)
    return N, coef_exp + L, float(lb[0]), big, bool(lost.any()), gap


def _col_scale(P: Problem) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.bool_]]:
    Xa = np.hstack([P.X, np.ones((P.m, 1))])
    A = np.abs(Xa)
    colexp = np.frexp(A.max(axis=0))[1].astype(np.int64)
    return np.ldexp(A, -colexp.astype(np.int32)), colexp, cast("NDArray[np.bool_]", (A > 0).any(axis=0))


def _log2_bound(Bs: NDArray[np.float64], colexp: NDArray[np.integer[Any]], C: int) -> tuple[NDArray[np.float64], int]:
    """log2 of the bounds Bs 2**(colexp + C), as (float part, integer part).

    The integer part is 0 unless |C| is too large to add in float64 (far tails, C near -2**62).
    """
    big = C if abs(C) >= 1 << 40 else 0
    with np.errstate(divide="ignore"):
        return cast("NDArray[np.float64]", np.log2(Bs) + (colexp + (C - big))), big


def _deficit(v: int, exp: int, lb: float, big: int, prec: int) -> float:
    """Bits missing for ``prec`` relative bits; NaN marks a zero sum with a nonzero bound."""
    if lb == -np.inf:
        return 0.0
    if v == 0:
        return float("nan")
    return float(lb - (abs(v).bit_length() - 1 + exp - big - prec - 4))


def _log2_floor(raw: RawMpf) -> int:
    """floor(log2 |x|) of a nonzero raw mpf."""
    return int(raw[2]) + int(raw[3]) - 1


def _ziv(attempt: Attempt, prec: int, proven_zero: Callable[[], NDArray[np.bool_]]) -> NDArray[np.object_]:
    """Run attempt(q) -> (values, deficits, log2 bounds) with growing q until every value is settled.

    A value is settled when its bound gives ``prec`` relative bits (deficit <= 0), or when it is
    proven exactly 0 (``proven_zero``, asked only when something is unsettled); a sum that comes
    out 0 is no proof.  At MAX_PREC what is left is returned as it is: a 0 left unproven there (its
    larger terms cancel exactly, what is left lies more than MAX_PREC bits below them) has a bound
    far below the smallest subnormal (checked).
    """
    q = prec + GUARD_BITS
    proven: NDArray[np.bool_] | None = None
    while True:
        values, deficit, bound = attempt(q)
        open_ = np.isnan(deficit) | (deficit > 0)
        if open_.any():
            if proven is None:
                proven = proven_zero()
            values[open_ & proven] = _ZERO
            open_ &= ~proven
        if not open_.any():
            return values
        zero = open_ & np.isnan(deficit)
        if q >= MAX_PREC:
            zero_left = open_ & np.array([v == 0 for v in values.reshape(-1)]).reshape(open_.shape)
            if zero_left.any() and float(np.max(bound[zero_left])) >= -1076:
                raise ArithmeticError("a sum is 0 at MAX_PREC bits, its bound is not below 2**-1076, and it is not 0")
            return values
        need = float(np.max(deficit[open_ & ~zero], initial=-np.inf))
        step = int(need) + 32 if need > 0 else q
        if zero.any():
            step = max(step, q)
        q = min(MAX_PREC, q + step)


def _gradient_from(
    P: Problem, per_example: PerExample, prec: int, kind: Literal["logistic", "squared_error"]
) -> Gradient:
    """Gradient (1/S) [X 1]^T (s * v) + (lam/S) [w, 0] from a per-example kernel v(q)."""
    A, colexp, nonzero = _col_scale(P)
    wp = prec + GUARD_BITS
    k = P.n + 1
    lam_i, lam_e = int(P.lam_d.ints[0]), P.lam_d.exp
    w_ints = P.w_d.ints.tolist() if lam_i else []

    def attempt(q: int) -> tuple[NDArray[np.object_], NDArray[np.float64], NDArray[np.float64]]:
        vals, ks, xs = per_example(q)
        V, L, wts, C, lost, gap = _weights(P, vals, ks, xs, q)
        N = _exactdot.rmatvec(P.Xa, V, (P.m, P.n + 1), q + 9)  # exact, exponent Xa.exp + L
        e = P.Xa.exp + L
        Bs = (A.T @ wts) * (1 + 2.0**-40) + nonzero * P.m * _SAFETY
        logB, big = _log2_bound(Bs, colexp, C)
        values = np.empty(k, dtype=object)
        deficit = np.empty(k)
        is_zero = np.zeros(k, dtype=bool)
        for j in range(k):
            nj, ej = int(N[j]), e
            if j < P.n and lam_i:
                nj, ej = _add_exact(nj, ej, lam_i * int(w_ints[j]), lam_e + P.w_d.exp)
            deficit[j] = _deficit(nj, ej, float(logB[j]), big, prec)
            is_zero[j] = nj == 0
            values[j] = _div_S(nj, ej, P, wp)
        bound = logB + float(big - _log2_floor(P.S))
        if lost.any():
            touched = np.append((np.abs(P.X[lost]) > 0).any(axis=0), True)
            for jj in np.flatnonzero(is_zero[: P.n] & touched[: P.n]):  # the column's own examples only
                j = int(jj)
                rows = np.flatnonzero(P.X[:, j] != 0)
                nj, ej, lb, bj, lost_j, gap_j = _local_sum(
                    P, rows, P.Xa.ints[rows, j], A[rows, j], P.Xa.exp, vals, ks, xs, q
                )
                lb += float(colexp[j])
                if lam_i:
                    nj, ej = _add_exact(nj, ej, lam_i * int(w_ints[j]), lam_e + P.w_d.exp)
                values[j] = _div_S(nj, ej, P, wp)
                is_zero[j] = nj == 0
                deficit[j] = gap_j + 16 if nj == 0 and lost_j else _deficit(nj, ej, lb, bj, prec)
                bound[j] = lb + float(bj - _log2_floor(P.S))
                touched[j] = False
            deficit = _revive_lost_zeros(deficit, is_zero, touched, gap)
        return values, deficit, bound

    values = _ziv(attempt, prec, lambda: _certify.gradient_zeros(P, kind))
    w = np.empty(P.n, dtype=object)
    w[:] = list(values[: P.n])
    return Gradient(w=w, b=values[P.n])


# ---------------------------------------------------------------------------- public functions


def logits(X: ArrayLike, w: ArrayLike, b: ArrayLike) -> NDArray[np.object_]:
    """Exact z = X w + b (object array of mpf, length m)."""
    X = check_X(X)
    w, b = check_w_b(X, w, b)
    P = problem(X, np.zeros(X.shape[0]), w, b, labels_in_unit_interval=False)
    out = np.empty(P.m, dtype=object)
    out[:] = [_mpf(libmp.from_man_exp(int(v), P.Z.exp)) for v in P.Z.ints]
    return out


def cost(
    X: ArrayLike,
    y: ArrayLike,
    w: ArrayLike,
    b: ArrayLike,
    lam: ArrayLike = 0.0,
    sample_weight: ArrayLike | None = None,
    *,
    prec: int | None = None,
) -> mpmath.mpf:
    """J = (1/S) sum_i s_i loss_from_logit(z_i, y_i) + lam/(2S) ||w||^2, z = X w + b; y in [0, 1].

    Every term is non-negative, so the sum needs no retry.
    """
    prec = check_prec(prec)
    P = problem(X, y, w, b, lam, sample_weight, labels_in_unit_interval=True)
    q = prec + GUARD_BITS
    c = _batch._ctx(q + 8)
    terms, xs = _batch.losses(P.Z.ints, P.Z.exp, P.y.tolist(), q)
    if P.s is not None:
        terms = [c.mul(t, gmpy2.mpfr(float(si), 53)) for t, si in zip(terms, P.s)]
    total, x = _batch.scaled_fsum(c, terms, xs, q + 8)
    man, e = total.as_mantissa_exp()
    raw = libmp.from_man_exp(int(man), int(e) + x)
    raw = _add_raw(raw, _half_lam_norm2(P))
    return _mpf(libmp.mpf_div(raw, P.S, prec + GUARD_BITS, _RND))


def _half_lam_norm2(P: Problem) -> RawMpf:
    """lam/2 ||w||^2 exactly (raw mpf)."""
    sq = int(sum(int(v) * int(v) for v in P.w_d.ints))
    return cast(RawMpf, libmp.from_man_exp(int(P.lam_d.ints[0]) * sq, P.lam_d.exp + 2 * P.w_d.exp - 1))


def gradient(
    X: ArrayLike,
    y: ArrayLike,
    w: ArrayLike,
    b: ArrayLike,
    lam: ArrayLike = 0.0,
    sample_weight: ArrayLike | None = None,
    *,
    prec: int | None = None,
) -> Gradient:
    """dJ/dw = (1/S) X^T (s (sigma(z) - y)) + (lam/S) w and dJ/db = (1/S) sum s (sigma(z) - y)."""
    prec = check_prec(prec)
    P = problem(X, y, w, b, lam, sample_weight, labels_in_unit_interval=True)
    ys = P.y.tolist()
    return _gradient_from(P, lambda q: _batch.residuals(P.Z.ints, P.Z.exp, ys, q), prec, "logistic")


def hessian(
    X: ArrayLike,
    y: ArrayLike,
    w: ArrayLike,
    b: ArrayLike,
    lam: ArrayLike = 0.0,
    sample_weight: ArrayLike | None = None,
    *,
    prec: int | None = None,
) -> NDArray[np.object_]:
    """(n+1, n+1) Hessian of J in the order (w_1..w_n, b):
    (1/S) [X 1]^T diag(s sigma'(z)) [X 1] + (lam/S) diag(1, ..., 1, 0)."""
    prec = check_prec(prec)
    P = problem(X, y, w, b, lam, sample_weight, labels_in_unit_interval=True)
    A, colexp, nonzero = _col_scale(P)
    wp = prec + GUARD_BITS
    k = P.n + 1
    lam_i, lam_e = int(P.lam_d.ints[0]), P.lam_d.exp

    def attempt(q: int) -> tuple[NDArray[np.object_], NDArray[np.float64], NDArray[np.float64]]:
        vals, ks, xs = _batch.curvatures(P.Z.ints, P.Z.exp, q)
        D, L, wts, C, lost, gap = _weights(P, vals, ks, xs, q)
        N = _exactdot.gram(P.Xa, D, (P.m, k))
        e = 2 * P.Xa.exp + L
        Bs = (A * wts[:, None]).T @ A * (1 + 2.0**-40) + np.outer(nonzero, nonzero) * P.m * _SAFETY
        logB, big = _log2_bound(Bs, colexp[:, None] + colexp[None, :], C)
        out = np.empty((k, k), dtype=object)
        deficit = np.zeros((k, k))
        zero = np.zeros((k, k), dtype=bool)
        for a in range(k):
            for bb in range(k):
                nj, ej = int(N[a, bb]), e
                if a == bb and a < P.n and lam_i:
                    nj, ej = _add_exact(nj, ej, lam_i, lam_e)
                deficit[a, bb] = _deficit(nj, ej, float(logB[a, bb]), big, prec)
                zero[a, bb] = nj == 0
                out[a, bb] = _div_S(nj, ej, P, wp)
        bound = logB + float(big - _log2_floor(P.S))
        if lost.any():
            nzx = np.hstack([P.X[lost], np.ones((int(lost.sum()), 1))]) != 0
            touched = cast("NDArray[np.bool_]", (nzx[:, :, None] & nzx[:, None, :]).any(axis=0))
            Xnz = np.hstack([P.X, np.ones((P.m, 1))]) != 0
            for a, c in zip(*np.nonzero(zero & touched)):
                if c < a:  # symmetric: done as (c, a)
                    continue
                rows = np.flatnonzero(Xnz[:, a] & Xnz[:, c])
                if rows.size == P.m:
                    continue  # the same sum as above: only more precision can help
                Xi = P.Xa.ints
                nj, ej, lb, bj, lost_j, gap_j = _local_sum(
                    P, rows, Xi[rows, a] * Xi[rows, c], A[rows, a] * A[rows, c], 2 * P.Xa.exp, vals, ks, xs, q
                )
                lb += float(colexp[a] + colexp[c])
                if a == c and a < P.n and lam_i:
                    nj, ej = _add_exact(nj, ej, lam_i, lam_e)
                for u, v in {(a, c), (c, a)}:
                    out[u, v] = _div_S(nj, ej, P, wp)
                    zero[u, v] = nj == 0
                    deficit[u, v] = gap_j + 16 if nj == 0 and lost_j else _deficit(nj, ej, lb, bj, prec)
                    bound[u, v] = lb + float(bj - _log2_floor(P.S))
                    touched[u, v] = False
            deficit = _revive_lost_zeros(deficit, zero, touched, gap)
        return out, deficit, bound

    return _ziv(attempt, prec, lambda: _certify.hessian_zeros(P))


def linear_cost(
    X: ArrayLike,
    y: ArrayLike,
    w: ArrayLike,
    b: ArrayLike,
    lam: ArrayLike = 0.0,
    sample_weight: ArrayLike | None = None,
    *,
    prec: int | None = None,
) -> mpmath.mpf:
    """(1/2S) sum s_i (z_i - y_i)^2 + lam/(2S) ||w||^2: exact numerator, one rounding."""
    prec = check_prec(prec)
    P = problem(X, y, w, b, lam, sample_weight, labels_in_unit_interval=False)
    R, er = _linear_residuals(P)
    sq = R * R
    if P.s_d is not None:
        total, e = int(sq.dot(P.s_d.ints)), 2 * er + P.s_d.exp
    else:
        total, e = int(sq.sum()), 2 * er
    hl = _half_lam_norm2(P)  # lam/2 ||w||^2 ; we need (sum/2 + lam/2 ||w||^2) / S
    raw = libmp.mpf_add(libmp.from_man_exp(total, e - 1), hl, 0)
    return _mpf(libmp.mpf_div(raw, P.S, prec + GUARD_BITS, _RND))


def _linear_residuals(P: Problem) -> tuple[NDArray[np.object_], int]:
    yd = Dyadic(*_ints_exp(P.y))
    e = min(P.Z.exp, yd.exp)
    return P.Z.rescaled(e).ints - yd.rescaled(e).ints, e


def _ints_exp(a: NDArray[np.float64]) -> tuple[NDArray[np.object_], int]:
    from ._dyadic import from_array

    d = from_array(a)
    return d.ints, d.exp


def linear_gradient(
    X: ArrayLike,
    y: ArrayLike,
    w: ArrayLike,
    b: ArrayLike,
    lam: ArrayLike = 0.0,
    sample_weight: ArrayLike | None = None,
    *,
    prec: int | None = None,
) -> Gradient:
    """(1/S) [X 1]^T (s (z - y)) + (lam/S) [w, 0]: exact numerators, one rounding each."""
    prec = check_prec(prec)
    P = problem(X, y, w, b, lam, sample_weight, labels_in_unit_interval=False)
    R, er = _linear_residuals(P)
    if P.s_d is not None:
        R, er = R * P.s_d.ints, er + P.s_d.exp
    N = _exactdot.rmatvec(P.Xa, [int(v) for v in R], (P.m, P.n + 1))
    e = P.Xa.exp + er
    wp = prec + GUARD_BITS
    lam_i, lam_e = int(P.lam_d.ints[0]), P.lam_d.exp
    vals = []
    for j in range(P.n + 1):
        nj, ej = int(N[j]), e
        if j < P.n and lam_i:
            nj, ej = _add_exact(nj, ej, lam_i * int(P.w_d.ints[j]), lam_e + P.w_d.exp)
        vals.append(_div_S(nj, ej, P, wp))
    w = np.empty(P.n, dtype=object)
    w[:] = vals[: P.n]
    return Gradient(w=w, b=vals[P.n])


def squared_error_cost(
    X: ArrayLike,
    y: ArrayLike,
    w: ArrayLike,
    b: ArrayLike,
    lam: ArrayLike = 0.0,
    sample_weight: ArrayLike | None = None,
    *,
    prec: int | None = None,
) -> mpmath.mpf:
    """(1/2S) sum s_i (sigma(z_i) - y_i)^2 + lam/(2S) ||w||^2 (not convex in (w, b))."""
    prec = check_prec(prec)
    P = problem(X, y, w, b, lam, sample_weight, labels_in_unit_interval=True)
    ys = P.y.tolist()
    s = P.s.tolist() if P.s is not None else [1.0] * P.m
    reg = _half_lam_norm2(P)

    def attempt(q: int) -> tuple[NDArray[np.object_], NDArray[np.float64], NDArray[np.float64]]:
        rs, ks, xs = _batch.squared_residuals(P.Z.ints, P.Z.exp, ys, q)
        c = _batch._ctx(q + 8)
        lo = _batch._ctx(53)
        x2 = None if xs is None else [2 * x for x in xs]
        total, xt = _batch.scaled_fsum(c, [c.mul(c.square(r), si) for r, si in zip(rs, s)], x2, q + 8)
        # bound of r^2 s (r rounded, |error| < 2**k): s (|r| + 2**k) 2**(k + 2), at r's scale
        xr = xs if xs is not None else [0] * len(rs)
        bounds = [
            lo.mul(si, lo.mul_2exp(abs(r) + lo.mul_2exp(1, k - x), k - x + 2)) for r, k, si, x in zip(rs, ks, s, xr)
        ]
        bound, xb = _batch.scaled_fsum(lo, bounds, x2, 53)
        man, e = total.as_mantissa_exp()
        raw = _add_raw(libmp.from_man_exp(int(man), int(e) + xt - 1), reg)
        value = np.empty(1, dtype=object)
        value[0] = _mpf(libmp.mpf_div(raw, P.S, prec + GUARD_BITS, _RND))
        if not bound:
            return value, np.zeros(1), np.full(1, -np.inf)
        lbS = float(gmpy2.log2(bound)) + float(xb - 1 - _log2_floor(P.S))
        if raw == libmp.fzero:
            return value, np.array([np.nan]), np.array([lbS])
        lb = float(gmpy2.log2(bound)) - 1  # the bound is on the sum before halving
        return value, np.array([lb - (_log2_floor(raw) - xb - prec - 4)]), np.array([lbS])

    return cast(mpmath.mpf, _ziv(attempt, prec, lambda: np.array([_certify.squared_error_cost_is_zero(P)]))[0])


def squared_error_gradient(
    X: ArrayLike,
    y: ArrayLike,
    w: ArrayLike,
    b: ArrayLike,
    lam: ArrayLike = 0.0,
    sample_weight: ArrayLike | None = None,
    *,
    prec: int | None = None,
) -> Gradient:
    """(1/S) [X 1]^T (s (sigma(z) - y) sigma'(z)) + (lam/S) [w, 0]."""
    prec = check_prec(prec)
    P = problem(X, y, w, b, lam, sample_weight, labels_in_unit_interval=True)
    ys = P.y.tolist()

    return _gradient_from(P, lambda q: _batch.squared_error_terms(P.Z.ints, P.Z.exp, ys, q), prec, "squared_error")
