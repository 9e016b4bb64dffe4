"""Which problem sums are exactly zero: decided symbolically on the exact inputs.

A gradient or Hessian component is a sum over examples of exact dyadic coefficients times values
of sigma at the exact logits.  Write u_a = sigma(-a) = 1 / (1 + e^a) for a = |z| > 0.  Then

- sigma(z) - y = u_a - y (z < 0), (1 - y) - u_a (z > 0), 1/2 - y (z = 0);
- sigma'(z) = u_a - u_a^2 (z != 0), 1/4 (z = 0);
- (sigma(z) - y) sigma'(z) is a polynomial c1 u_a + c2 u_a^2 + c3 u_a^3 with c3 = -1 (z < 0) or
  +1 (z > 0), and (1/2 - y) / 4 at z = 0,

so a component is  R + sum_a sum_d C_{a,d} u_a^d  with R and every C_{a,d} exact dyadic rationals
(R collects the z = 0 rows, the labels and the lam w term).  All logits are multiples of one power
of two 2^-K, so u_a = 1 / (1 + T^k) with T = e^(2^-K) and a = k 2^-K: the component is a rational
function of T with rational coefficients.  T is transcendental (Lindemann), so the component is 0
exactly when that rational function is identically 0.  It is: the largest k present has a pole
at T = e^(i pi / k) that no smaller k shares (T^k' = -1 there would need k'/k odd), of order d
for u^d, so its coefficients vanish one by one, and so on down; what is left is R.  Hence:

    a component is exactly 0  <=>  R = 0 and every C_{a,d} = 0,

a test on exact integers only.  Logits with |z| >= 3e18, where e^-|z| < 2^-(2^62), are taken with
u = 0, as the kernels take them (``_batch.FLUSH``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from . import _exactdot
from ._batch import flush_threshold
from ._dyadic import from_array
from ._inputs import Problem

__all__ = ["Rows", "rows_of", "gradient_zeros", "hessian_zeros", "squared_error_cost_is_zero"]


@dataclass(frozen=True)
class Rows:
    """The examples sorted by the kind of their logit (exact integer tests on Z)."""

    zero: NDArray[np.bool_]  # z = 0: sigma = 1/2 exactly
    neg: NDArray[np.bool_]  # z < 0
    flushed: NDArray[np.bool_]  # |z| >= FLUSH: u taken as 0
    singles: NDArray[np.intp]  # regular rows (0 < |z| < FLUSH) alone with their |z|
    groups: list[NDArray[np.intp]]  # regular rows sharing one |z|, two or more


def rows_of(P: Problem) -> Rows:
    Z = [int(v) for v in P.Z.ints]
    thr = flush_threshold(P.Z.exp)
    zero = np.array([v == 0 for v in Z], dtype=bool)
    neg = np.array([v < 0 for v in Z], dtype=bool)
    flushed = np.array([abs(v) >= thr for v in Z], dtype=bool)
    by_abs: dict[int, list[int]] = {}
    for i, v in enumerate(Z):
        if v and not flushed[i]:
            by_abs.setdefault(abs(v), []).append(i)
    singles = np.array([g[0] for g in by_abs.values() if len(g) == 1], dtype=np.intp)
    groups = [np.array(g, dtype=np.intp) for g in by_abs.values() if len(g) > 1]
    return Rows(zero, neg, flushed, singles, groups)


def _s_ints(P: Problem) -> tuple[NDArray[np.object_], int]:
    if P.s_d is None:
        return np.ones(P.m, dtype=object), 0
    return P.s_d.ints, P.s_d.exp


def _singles_touch(P: Problem, rows: Rows) -> NDArray[np.bool_]:
    """Columns j of [X 1] with a nonzero s_i x_ij on a row alone with its |z| (then C_a != 0)."""
    idx = rows.singles
    if idx.size == 0:
        return np.zeros(P.n + 1, dtype=bool)
    Xa = np.hstack([P.X[idx], np.ones((idx.size, 1))])
    s = P.s[idx] if P.s is not None else np.ones(idx.size)
    return np.asarray(((Xa != 0) & (s[:, None] != 0)).any(axis=0), dtype=bool)


def _labels(P: Problem) -> tuple[NDArray[np.object_], int]:
    """y as integers times 2**e with e <= -2, so that 1, 1/2 and 2 are integers at that scale."""
    yd = from_array(P.y)
    e = min(yd.exp, -2)
    return yd.rescaled(e).ints, e


def _lam_w(P: Problem) -> tuple[NDArray[np.object_], int]:
    """lam w_j (n+1 entries, the last 0 for the bias) as integers times 2**e."""
    lam = int(P.lam_d.ints[0])
    out = np.zeros(P.n + 1, dtype=object)
    out[: P.n] = P.w_d.ints * lam
    return out, P.lam_d.exp + P.w_d.exp


def _is_zero(a: NDArray[np.object_], ea: int, b: NDArray[np.object_], eb: int) -> NDArray[np.bool_]:
    """a * 2**ea + b * 2**eb == 0, elementwise, exactly."""
    e = min(ea, eb)
    total = a * (1 << (ea - e)) + b * (1 << (eb - e))
    return np.array([int(v) == 0 for v in total.reshape(-1)], dtype=bool).reshape(total.shape)


def gradient_zeros(P: Problem, kind: Literal["logistic", "squared_error"]) -> NDArray[np.bool_]:
    """Which of the n + 1 components of the (logistic or squared-error) gradient are exactly 0."""
    rows = rows_of(P)
    y, ye = _labels(P)
    s, se = _s_ints(P)
    one, half = 1 << -ye, 1 << (-ye - 1)
    zero_i, neg_i = rows.zero.astype(object), rows.neg.astype(object)
    pos_i = (~rows.zero & ~rows.neg).astype(object)
    if kind == "logistic":
        # R: every row gives [z > 0] + [z = 0] / 2 - y (flushed rows too: u = 0)
        rho = pos_i * one + zero_i * half - y
        coefs = [np.where(rows.neg, 1, -1).astype(object)]  # on u
    else:
        # R: only z = 0 rows, (1/2 - y) / 4 = (2 - 4 y) / 16; flushed rows give 0
        rho = zero_i * (half - y)
        ye -= 2
        coefs = [
            neg_i * -y + pos_i * (one - y),  # on u
            neg_i * (one + y) - pos_i * (2 * one - y),  # on u^2
            np.where(rows.neg, -1, 1).astype(object),  # on u^3
        ]
    rhs = _exactdot.rmatvec(P.Xa, [int(v) for v in s * rho], (P.m, P.n + 1))
    lw, lwe = _lam_w(P)
    zero = _is_zero(rhs, P.Xa.exp + se + ye, lw, lwe)
    zero &= ~_singles_touch(P, rows)
    Xi = P.Xa.ints
    for g in rows.groups:
        if not zero.any():
            break
        for c in coefs:
            sums = (Xi[g] * (c[g] * s[g])[:, None]).sum(axis=0)
            zero &= np.array([int(v) == 0 for v in sums], dtype=bool)
    return zero


def hessian_zeros(P: Problem) -> NDArray[np.bool_]:
    """Which entries of the (n+1, n+1) Hessian are exactly 0."""
    rows = rows_of(P)
    s, se = _s_ints(P)
    k = P.n + 1
    Xi = P.Xa.ints
    z = np.flatnonzero(rows.zero)
    # R: sum over z = 0 rows of x_j x_k s / 4, plus lam on the diagonal of w
    if z.size:
        R = Xi[z].T.dot(Xi[z] * s[z][:, None])
    else:
        R = np.zeros((k, k), dtype=object)
    lam = np.zeros((k, k), dtype=object)
    lam[np.arange(P.n), np.arange(P.n)] = int(P.lam_d.ints[0])
    zero = _is_zero(R, 2 * P.Xa.exp + se - 2, lam, P.lam_d.exp)
    if rows.singles.size:
        idx = rows.singles
        Xa = np.hstack([P.X[idx], np.ones((idx.size, 1))])
        B = ((Xa != 0) & ((P.s[idx] if P.s is not None else np.ones(idx.size)) != 0)[:, None]).astype(np.float64)
        zero &= (B.T @ B) == 0
    for g in rows.groups:
        if not zero.any():
            break
        E = Xi[g].T.dot(Xi[g] * s[g][:, None])
        zero &= np.array([[int(E[a, b]) == 0 for b in range(k)] for a in range(k)], dtype=bool)
    return zero


def squared_error_cost_is_zero(P: Problem) -> bool:
    """Whether sum s (sigma(z) - y)^2 + lam ||w||^2 is exactly 0: every weighted residual is 0."""
    if P.lam != 0 and (P.w != 0).any():
        return False
    rows = rows_of(P)
    weighted = P.s != 0 if P.s is not None else np.ones(P.m, dtype=bool)
    # sigma(z) = y exactly only at z = 0, y = 1/2 (sigma is irrational elsewhere), or with u taken as 0
    ok = (rows.zero & (P.y == 0.5)) | (rows.flushed & ((rows.neg & (P.y == 0)) | (~rows.neg & (P.y == 1))))
    return bool((ok | ~weighted).all())
