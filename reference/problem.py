"""Problem maths: cost, gradient and Hessian of (regularized, weighted) logistic regression, with
the linear-regression and squared-error-through-sigmoid twins, from exact inputs.

The logits z = X w + b are exact (integer arithmetic on the floats' mantissas).  The non-linear
step runs per example on MPFR at a working precision q; the sums over examples are then exact
integer sums of the per-example values, so their only error is the per-example error, which the
kernels bound.  When that bound is too large for ``prec`` bits of the result (cancellation in a
gradient component near a minimum, or a soft label close to sigma(z)), q grows and the step is
redone (Ziv's strategy).  A component whose computed sum is exactly zero at two precisions is
returned as exact zero (exact cancellation, e.g. from mirrored examples).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar, cast

import gmpy2
import mpmath
import numpy as np
from mpmath import libmp
from numpy.typing import ArrayLike, NDArray

from . import _batch
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

_T = TypeVar("_T")

PerExample: TypeAlias = Callable[[int], tuple[list[Mpfr], list[int]]]
"""A per-example kernel at working precision q: MPFR values and the exponents bounding their errors."""


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


def _add_exact(a: int, ea: int, b: int, eb: int) -> tuple[int, int]:
    e = min(ea, eb)
    return (a << (ea - e)) + (b << (eb - e)), e


# ---------------------------------------------------------------------------- bounded sums


def _weights(
    P: Problem, vals: list[Mpfr], ks: list[int], q: int
) -> tuple[NDArray[np.object_], int, NDArray[np.float64], int, NDArray[np.bool_], int]:
    """V_i = floor(s_i v_i / 2**L) and float weights (scaled by 2**C) bounding each V_i's error."""
    m = P.m
    s_ints = P.s_d.ints if P.s_d is not None else None
    s_exp = P.s_d.exp if P.s_d is not None else 0
    tops = [gmpy2.get_exp(v) for v in vals if v]
    s_top = int(np.frexp(P.s.max())[1]) if P.s is not None else 1
    L = (max(tops) + s_top - q - 8) if tops else -q
    V = np.empty(m, dtype=object)
    lost = np.zeros(m, dtype=bool)  # nonzero values truncated to 0: a zero sum is then no evidence
    gap = 0
    for i, v in enumerate(vals):
        if not v:
            V[i] = 0
            continue
        man, e = v.as_mantissa_exp()
        man = int(man) * (int(s_ints[i]) if s_ints is not None else 1)
        shift = int(e) + s_exp - L
        V[i] = man << shift if shift >= 0 else man >> -shift
        if man and not V[i]:
            lost[i] = True
            gap = max(gap, -shift - man.bit_length())
    # error of V_i * 2**L: s_i 2**k_i (value) + 2**L (truncation)
    s_mant, s_e = np.frexp(P.s if P.s is not None else np.ones(m))
    ex = np.maximum(np.asarray(ks, dtype=np.int64), -(10**6)) + s_e
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


def _col_scale(P: Problem) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.bool_]]:
    Xa = np.hstack([P.X, np.ones((P.m, 1))])
    A = np.abs(Xa)
    colexp = np.frexp(A.max(axis=0))[1].astype(np.int64)
    return np.ldexp(A, -colexp.astype(np.int32)), colexp, cast("NDArray[np.bool_]", (A > 0).any(axis=0))


def _log2_bound(Bs: NDArray[np.float64], shift: NDArray[np.integer[Any]]) -> NDArray[np.float64]:
    with np.errstate(divide="ignore"):
        return cast("NDArray[np.float64]", np.log2(Bs) + shift)


def _deficit(N: NDArray[np.object_], exp: int, logB: NDArray[np.float64], prec: int) -> NDArray[np.float64]:
    """Bits missing for ``prec`` relative bits per component; NaN marks a zero sum with a bound."""
    out = np.zeros(np.shape(N))
    for idx in np.ndindex(np.shape(N)):
        lb = logB[idx]
        if lb == -np.inf:
            continue
        v = int(N[idx])
        if v == 0:
            out[idx] = np.nan
        else:
            out[idx] = lb - (abs(v).bit_length() - 1 + exp - prec - 4)
    return out


def _ziv(attempt: Callable[[int], tuple[_T, NDArray[np.float64]]], prec: int) -> _T:
    """Run attempt(q) -> (result, deficits) with growing q until the deficits are <= 0."""
    q = prec + GUARD_BITS
    prev_zero = None
    while True:
        result, deficit = attempt(q)
        zero = np.isnan(deficit)
        need = np.nanmax(np.where(zero, -np.inf, deficit), initial=-np.inf)
        zeros_confirmed = prev_zero is not None and not (zero & ~prev_zero).any()
        if (need <= 0 and (not zero.any() or zeros_confirmed)) or q >= MAX_PREC:
            return result
        prev_zero = zero
        q = min(MAX_PREC, q + int(need) + 32 if need > 0 else 2 * q)


def _gradient_from(P: Problem, per_example: PerExample, prec: int) -> Gradient:
    """Gradient (1/S) [X 1]^T (s * v) + (lam/S) [w, 0] from a per-example kernel v(q)."""
    A, colexp, nonzero = _col_scale(P)
    wp = prec + GUARD_BITS

    def attempt(q: int) -> tuple[list[Exact], NDArray[np.float64]]:
        vals, ks = per_example(q)
        V, L, wts, C, lost, gap = _weights(P, vals, ks, q)
        N = P.Xa.ints.T.dot(V)  # exact, exponent Xa.exp + L
        e = P.Xa.exp + L
        lam_i, lam_e = int(P.lam_d.ints[0]), P.lam_d.exp
        num: list[tuple[int, int]] = []
        for j in range(P.n + 1):
            if j < P.n and lam_i:
                nj, ej = _add_exact(int(N[j]), e, lam_i * int(P.w_d.ints[j]), lam_e + P.w_d.exp)
            else:
                nj, ej = int(N[j]), e
            num.append((nj, ej))
        Bs = (A.T @ wts) * (1 + 2.0**-40) + nonzero * P.m * _SAFETY
        logB = _log2_bound(Bs, colexp + C)
        deficit = np.array(
            [_deficit(np.array([nj], dtype=object), ej, logB[j : j + 1], prec)[0] for j, (nj, ej) in enumerate(num)]
        )
        touched = (
            cast("NDArray[np.bool_]", (np.abs(P.Xa.ints[lost]) > 0).any(axis=0))
            if lost.any()
            else np.zeros(P.n + 1, bool)
        )
        deficit = _revive_lost_zeros(deficit, np.array([nj == 0 for nj, _ in num]), touched, gap)
        values = [_div_S(nj, ej, P, wp) for nj, ej in num]
        return values, deficit

    values = _ziv(attempt, prec)
    w = np.empty(P.n, dtype=object)
    w[:] = values[: P.n]
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
    terms = _batch.losses(P.Z.ints, P.Z.exp, P.y.tolist(), q)
    if P.s is not None:
        terms = [c.mul(t, gmpy2.mpfr(float(si), 53)) for t, si in zip(terms, P.s)]
    total = c.fsum(terms)
    man, e = total.as_mantissa_exp()
    raw = libmp.from_man_exp(int(man), int(e))
    raw = libmp.mpf_add(raw, _half_lam_norm2(P), 0)
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
    return _gradient_from(P, lambda q: _batch.residuals(P.Z.ints, P.Z.exp, ys, q), prec)


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

    def attempt(q: int) -> tuple[NDArray[np.object_], NDArray[np.float64]]:
        vals, ks = _batch.curvatures(P.Z.ints, P.Z.exp, q)
        D, L, wts, C, lost, gap = _weights(P, vals, ks, q)
        Xi = P.Xa.ints
        N = Xi.T.dot(Xi * D[:, None])
        e = 2 * P.Xa.exp + L
        Bs = (A * wts[:, None]).T @ A * (1 + 2.0**-40) + np.outer(nonzero, nonzero) * P.m * _SAFETY
        logB = _log2_bound(Bs, colexp[:, None] + colexp[None, :] + C)
        out = np.empty((k, k), dtype=object)
        deficit = np.zeros((k, k))
        lam_i, lam_e = int(P.lam_d.ints[0]), P.lam_d.exp
        for a in range(k):
            for bb in range(k):
                nj, ej = int(N[a, bb]), e
                if a == bb and a < P.n and lam_i:
                    nj, ej = _add_exact(nj, ej, lam_i, lam_e)
                deficit[a, bb] = _deficit(np.array([nj], dtype=object), ej, logB[a, bb : bb + 1], prec)[0]
                out[a, bb] = _div_S(nj, ej, P, wp)
        if lost.any():
            nzx = np.abs(Xi[lost]) > 0
            touched = cast("NDArray[np.bool_]", (nzx[:, :, None] & nzx[:, None, :]).any(axis=0))
            zero = np.array([[int(out[a, c]._mpf_[1]) == 0 for c in range(k)] for a in range(k)])
            deficit = _revive_lost_zeros(deficit, zero, touched, gap)
        return out, deficit

    return _ziv(attempt, prec)


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
    N = P.Xa.ints.T.dot(R)
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

    def attempt(q: int) -> tuple[Exact, NDArray[np.float64]]:
        rs, ks = _batch.residuals(P.Z.ints, P.Z.exp, ys, q)
        c = _batch._ctx(q + 8)
        lo = _batch._ctx(53)
        total = c.fsum([c.mul(c.square(r), si) for r, si in zip(rs, s)])
        bound = lo.fsum([lo.mul(si, lo.mul_2exp(abs(r) + lo.mul_2exp(1, k), k + 2)) for r, k, si in zip(rs, ks, s)])
        man, e = total.as_mantissa_exp()
        raw = libmp.mpf_add(libmp.from_man_exp(int(man), int(e) - 1), reg, 0)
        value = _mpf(libmp.mpf_div(raw, P.S, prec + GUARD_BITS, _RND))
        if not bound:
            return value, np.zeros(1)
        if raw == libmp.fzero:
            return value, np.array([np.nan])
        lb = float(gmpy2.log2(bound)) - 1  # the bound is on the sum before halving
        return value, np.array([lb - (raw[2] + raw[3] - 1 - prec - 4)])  # raw[2] + raw[3] - 1 = floor(log2)

    return _ziv(attempt, prec)


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

    def per_example(q: int) -> tuple[list[Mpfr], list[int]]:
        prods, _, _, kp = _batch.squared_error_terms(P.Z.ints, P.Z.exp, ys, q)
        return prods, kp

    return _gradient_from(P, per_example, prec)
