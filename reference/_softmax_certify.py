"""Which components of the softmax gradient and Hessian-vector product are exactly 0, decided on the
exact inputs.

All logits are multiples of one power of two 2**ez, so a row's shifted logits are d_k = D_k 2**ez with
integers D_k <= 0, and with T = e^(2**ez)

    p_k = T^(D_k) / S(T),   S(T) = sum_l T^(D_l)     (a Laurent polynomial with positive integer coefficients).

A gradient component m dJ/dW_jk = pen_jk - sum_i x_ij y_ik + sum_i x_ij s_i p_ik is therefore
R + sum_i N_i(T) / S_i(T) with R and the coefficients of the N_i exact dyadic rationals; a Hessian-vector
component is R + sum_i N_i(T) / S_i(T)^2 with N_i = x_ij s_i sum_l (dz_ik - dz_il) T^(D_ik + D_il).
T is transcendental (Lindemann), so the component is 0 exactly when this rational function of T is
identically 0.  That is decided in three steps:

0. the rational function is evaluated at a point T0 modulo the prime p = 2**127 - 1 (a ring homomorphism:
   T^D maps to T0^(D mod (p - 1))).  A nonzero value proves the function is not identically 0, so the
   component is not 0; that settles almost every component at the cost of m K modular powers.  Only
   the components whose value is 0 modulo p go on (a false 0 costs time, never a wrong answer);
1. rows with the same multiset of shifted logits share S; per such group the numerators add up to one
   N_g.  When N_g is a rational multiple lambda_g S_g^e of the denominator (mirrored rows, a row and its
   permutations, equal logits, a single class, ...) the group is the constant lambda_g;
2. the component is R + sum lambda_g + sum over the other groups of N_g / S_g^e.  With no other group it is
   0 exactly when that rational constant is; otherwise the numerator of the sum over a common denominator
   is expanded exactly (sparse polynomials in T) and tested for 0, unless it would exceed ``MAX_TERMS``
   terms: then the component is not proven 0 (the caller's precision keeps growing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import lcm

import gmpy2
import numpy as np
from numpy.typing import NDArray

__all__ = ["MAX_TERMS", "P_MOD", "gradient_zeros", "hvp_zeros"]

MAX_TERMS = 1 << 16
"""Largest sparse polynomial the exact test expands before giving up."""

Poly = dict[int, int]


def _mul(a: Poly, b: Poly) -> Poly | None:
    out: Poly = {}
    if len(a) * len(b) > 4 * MAX_TERMS:
        return None
    for ea, ca in a.items():
        for eb, cb in b.items():
            e = ea + eb
            out[e] = out.get(e, 0) + ca * cb
    out = {e: c for e, c in out.items() if c}
    return out if len(out) <= MAX_TERMS else None


def _add(a: Poly, b: Poly) -> Poly:
    out = dict(a)
    for e, c in b.items():
        out[e] = out.get(e, 0) + c
    return {e: c for e, c in out.items() if c}


def _shift(values: NDArray[np.object_], by: int) -> NDArray[np.object_]:
    return values * (1 << by) if by else values


P_MOD = (1 << 127) - 1
_POINTS = (0x2545F4914F6CDD1D8A3B9C7E5D1F0A37, 0x9E3779B97F4A7C15F39CC0605CEDC834, 3)


def _modular(
    rows: Sequence[Sequence[int]], weight: Callable[[int, list[int], int], list[int]]
) -> list[list[int]] | None:
    """weight(i, [T0^(D_il) mod p], S_i(T0)^-1 mod p) per row at the first point T0 where no S_i vanishes."""
    p = gmpy2.mpz(P_MOD)
    for t0 in _POINTS:
        inv = gmpy2.invert(t0, p)  # T0^D = (1/T0)^|D| for the shifted logits D <= 0
        out = []
        for i, D in enumerate(rows):
            pw = [int(gmpy2.powmod(inv, -d, p)) for d in D]
            S = sum(pw) % P_MOD
            if not S:
                break
            out.append(weight(i, pw, int(gmpy2.invert(S, p))))
        else:
            return out
    return None


def _maybe_zero(
    Xa: NDArray[np.object_], w: list[list[int]] | None, num_exp: int, R: NDArray[np.object_], R_exp: int
) -> NDArray[np.bool_]:
    """Components whose value at T0 is 0 modulo p (all of them when no point could be used)."""
    width, K = R.shape
    if w is None:
        return np.ones((width, K), dtype=bool)
    e = min(num_exp, R_exp)
    Xm = np.vectorize(lambda v: int(v) % P_MOD, otypes=[object])(Xa) if Xa.size else Xa
    Wm = np.empty((len(w), K), dtype=object)
    Wm[:] = w
    total = Xm.T.dot(Wm) * pow(2, num_exp - e, P_MOD) + R * pow(2, R_exp - e, P_MOD)
    return np.array([[int(v) % P_MOD == 0 for v in row] for row in total], dtype=bool)


def _zeros(
    rows: Sequence[Sequence[int]],
    numerator: Callable[[int, int], Poly],
    num_exp: int,
    Xa: NDArray[np.object_],
    R: NDArray[np.object_],
    R_exp: int,
    power: int,
    candidates: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """Components (j, k) of R 2**R_exp + sum_i Xa[i, j] numerator(i, k)(T) 2**num_exp / S_i(T)**power that are 0,
    among ``candidates`` (the others are known not to be 0).

    Xa: exact integer features (m, n + 1) (their exponent is folded into num_exp); R: (n + 1, K) ints.
    """
    width, K = R.shape
    zero = np.zeros((width, K), dtype=bool)
    if not candidates.any():
        return zero
    groups: dict[tuple[int, ...], list[int]] = {}
    for i, D in enumerate(rows):
        groups.setdefault(tuple(sorted(D)), []).append(i)
    e = min(num_exp, R_exp)
    scale = num_exp - e
    for k in range(K):
        js = np.flatnonzero(candidates[:, k])
        if not js.size:
            continue
        Xk = Xa[:, js]
        const: dict[int, NDArray[np.object_]] = {1: _shift(R[js, k], R_exp - e)}  # by denominator S_g(0)
        zero_vec = np.zeros(js.size, dtype=object)
        open_parts: dict[int, list[tuple[Poly, Poly]]] = {}
        for key, members in groups.items():
            N: dict[int, NDArray[np.object_]] = {}
            for i in members:
                for ex, c in numerator(i, k).items():
                    N[ex] = N.get(ex, zero_vec) + Xk[i] * c
            if not N:
                continue
            S: Poly = {}
            for u in key:
                S[u] = S.get(u, 0) + 1
            Sp = S if power == 1 else _mul(S, S)
            assert Sp is not None  # at most K**2 terms
            N = {ex: _shift(v, scale) for ex, v in N.items()}
            n0, s0 = N.get(0, zero_vec), Sp[0]
            prop = np.ones(js.size, dtype=bool)
            for ex, cnt in Sp.items():
                prop &= np.array([int(a) * s0 == int(b) * cnt for a, b in zip(N.get(ex, zero_vec), n0)], dtype=bool)
            acc = const.setdefault(s0, np.zeros(js.size, dtype=object))
            acc += np.where(prop, n0, 0)
            for at in np.flatnonzero(~prop):
                poly = {ex: int(v[at]) for ex, v in N.items() if v[at]}
                open_parts.setdefault(int(at), []).append((poly, Sp))
        den = lcm(*const)
        total = sum((v * (den // d) for d, v in const.items()), np.zeros(js.size, dtype=object))
        for t, j in enumerate(js):
            parts = open_parts.get(t)
            zero[j, k] = _identically_zero(int(total[t]), den, parts) if parts else int(total[t]) == 0
    return zero


def _identically_zero(const: int, den: int, parts: list[tuple[Poly, Poly]]) -> bool:
    """Whether const + den sum N / S is the zero rational function (False when too large to tell)."""
    P: Poly = {0: const} if const else {}
    Q: Poly = {0: 1}
    for N, S in parts:
        PS, NQ, QS = _mul(P, S), _mul({e: den * c for e, c in N.items()}, Q), _mul(Q, S)
        if PS is None or NQ is None or QS is None:
            return False
        P, Q = _add(PS, NQ), QS
    return not P


def gradient_zeros(
    rows: Sequence[Sequence[int]],
    Xa: NDArray[np.object_],
    x_exp: int,
    Y: NDArray[np.object_],
    s: Sequence[int],
    ey: int,
    pen: NDArray[np.object_],
    pen_exp: int,
) -> NDArray[np.bool_]:
    """Components of m dJ/d(W, b) = Xa^T (s p - Y) + pen that are exactly 0 ((n + 1, K), bias last).

    rows: shifted logits D_i (ints <= 0); Y, s: labels and their row sums (ints times 2**ey); pen: the
    penalty's part (ints times 2**pen_exp, zeros in the bias row).
    """
    XY = Xa.T.dot(Y)  # exponent x_exp + ey
    e = min(x_exp + ey, pen_exp)
    R = _shift(pen, pen_exp - e) - _shift(XY, x_exp + ey - e)

    def numerator(i: int, k: int) -> Poly:
        return {rows[i][k]: s[i]} if s[i] else {}

    def weight(i: int, pw: list[int], inv: int) -> list[int]:
        return [s[i] * v * inv % P_MOD for v in pw]

    candidates = _maybe_zero(Xa, _modular(rows, weight), x_exp + ey, R, e)
    return _zeros(rows, numerator, x_exp + ey, Xa, R, e, 1, candidates)


def hvp_zeros(
    rows: Sequence[Sequence[int]],
    Xa: NDArray[np.object_],
    x_exp: int,
    s: Sequence[int],
    ey: int,
    dZ: Sequence[Sequence[int]],
    edz: int,
    pen: NDArray[np.object_],
    pen_exp: int,
) -> NDArray[np.bool_]:
    """Components of the Hessian-vector product m H (V, c) = Xa^T H + pen that are exactly 0.

    H_ik = s_i p_ik sum_l p_il (dz_ik - dz_il), dz = dZ 2**edz; pen: the penalty's part (ints times
    2**pen_exp).
    """

    def numerator(i: int, k: int) -> Poly:
        D, dz = rows[i], dZ[i]
        out: Poly = {}
        for other, dl in enumerate(dz):
            delta = dz[k] - dl
            if delta:
                ex = D[k] + D[other]
                out[ex] = out.get(ex, 0) + s[i] * delta
        return {ex: c for ex, c in out.items() if c}

    def weight(i: int, pw: list[int], inv: int) -> list[int]:
        dz, f = dZ[i], s[i] * inv * inv % P_MOD
        return [f * pk * sum(pl * (dk - dl) for pl, dl in zip(pw, dz)) % P_MOD for pk, dk in zip(pw, dz)]

    num_exp = x_exp + ey + edz
    candidates = _maybe_zero(Xa, _modular(rows, weight), num_exp, pen, pen_exp)
    return _zeros(rows, numerator, num_exp, Xa, pen, pen_exp, 2, candidates)
