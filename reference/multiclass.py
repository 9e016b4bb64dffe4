"""The softmax family, exact to ``prec`` bits: softmax, log_softmax and logsumexp along an axis, the
per-example cross-entropy from logits and from probabilities, and the multinomial logistic regression
cost J(W, b) = mean cross-entropy + L2 penalty, its gradient and its Hessian-vector product.

Inputs are taken as the exact rationals they are.  Logits Z = X W + b are exact (integer arithmetic on
the floats' mantissas); the non-linear step runs per row on the shifted logits z_k - max z (exact),
without cancellation of rounded values (``_softmax_kernels``); sums over examples are exact integer sums
of the per-example values, whose error bounds decide whether the working precision suffices (Ziv's
strategy, as in ``problem``).  A gradient or Hessian-vector component is returned as exactly 0 only
when ``_softmax_certify`` proves it 0 from the exact inputs.  Results are mpmath mpf (or object
arrays of them) carrying the working precision; ``correctly_rounded`` rounds them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

import gmpy2
import mpmath
import numpy as np
from mpmath import libmp
from numpy.typing import ArrayLike, NDArray

from . import _exactdot
from . import _softmax_kernels as SK
from ._batch import _ctx
from ._dyadic import from_array
from ._inputs import _array
from ._softmax_certify import gradient_zeros, hvp_zeros
from ._softmax_inputs import PENALTIES, Labels, SoftmaxProblem, direction, labels, logit_rows, problem
from ._softmax_inputs import logits as _logits
from ._types import Exact, RawMpf
from .precision import GUARD_BITS, MAX_PREC, check_prec
from .problem import _add_exact, _ziv

__all__ = [
    "PENALTIES",
    "SoftmaxGradient",
    "softmax",
    "log_softmax",
    "logsumexp",
    "softmax_cross_entropy",
    "smoothed_cross_entropy",
    "cross_entropy",
    "softmax_logits",
    "softmax_cost",
    "softmax_gradient",
    "softmax_hessian_vector_product",
]

_RND = libmp.round_nearest
_ZERO: Exact = mpmath.mpf(0)
_ONE: Exact = mpmath.mpf(1)
_INF: Exact = mpmath.mpf("inf")
_NINF: Exact = mpmath.mpf("-inf")
_SAFETY = 2.0**-1060  # covers underflow in the float evaluation of the error bounds


@dataclass(frozen=True)
class SoftmaxGradient:
    """A pair (W part (n, K), b part (K,)) of object arrays of mpf: the gradient, or a Hessian-vector product."""

    W: NDArray[np.object_]
    b: NDArray[np.object_]


def _mpf(raw: RawMpf) -> Exact:
    return mpmath.mp.make_mpf(raw)


def _objects(values: Sequence[Any], shape: tuple[int, ...]) -> NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out.reshape(shape)


# ---------------------------------------------------------------------------- rows of logits


@dataclass
class _Rows:
    """Rows of logits (N, K) sorted out: the finite part of each row as exact shifted logits."""

    ez: int
    work: list[int]  # rows computed by the kernels: no +inf, at least one finite entry
    cols: list[list[int]]  # their finite columns
    D: list[list[int]]  # their shifted logits (ints <= 0, times 2**ez)
    tops: list[int]  # their largest logit (int, times 2**ez)
    posinf: dict[int, list[int]]  # rows with +inf entries: those columns
    empty: list[int]  # rows of -inf only


def _sort_rows(rows: NDArray[np.float64]) -> _Rows:
    finite = np.isfinite(rows)
    d = from_array(np.where(finite, rows, 0.0))
    ints = d.ints.reshape(rows.shape).tolist()
    out = _Rows(d.exp, [], [], [], [], {}, [])
    all_finite = np.asarray(finite.all(axis=1), dtype=bool)
    for i, row in enumerate(ints):
        if all_finite[i]:
            cols = list(range(len(row)))
        else:
            pos = [int(k) for k in np.flatnonzero(rows[i] == np.inf)]
            if pos:
                out.posinf[i] = pos
                continue
            cols = [int(k) for k in np.flatnonzero(finite[i])]
            if not cols:
                out.empty.append(i)
                continue
            row = [row[k] for k in cols]
        top = max(row)
        out.work.append(i)
        out.cols.append(cols)
        out.D.append([v - top for v in row])
        out.tops.append(top)
    return out


def _undefined(rows: _Rows, what: str, name: str = "z") -> None:
    for i, pos in rows.posinf.items():
        if len(pos) > 1:
            raise ValueError(f"row {i} of {name} has +inf at classes {pos}: {what} is undefined there (inf - inf)")
    if rows.empty:
        raise ValueError(f"row {rows.empty[0]} of {name} is -inf everywhere: {what} is undefined there (0 / 0)")


def _raw_list(kernel: Callable[..., list[Any]]) -> Callable[..., list[RawMpf]]:
    def run(A: SK.Arith, D: Sequence[int], ez: int, *extra: Any) -> list[RawMpf]:
        return [A.raw(v) for v in kernel(A, D, ez, *extra)]

    return run


def _rowwise(
    z: ArrayLike, axis: int, prec: int | None, kernel: Callable[..., list[Any]], what: str, masked: Exact, at_max: Exact
) -> NDArray[np.object_]:
    """softmax / log_softmax: kernel per row of finite entries; -inf entries give ``masked``, the one
    +inf of a row (or the single class) ``at_max``."""
    wp = check_prec(prec) + GUARD_BITS
    rows, shape, ax = logit_rows(z, axis)
    N, K = rows.shape
    out = np.full((N, K), masked, dtype=object)
    R = _sort_rows(rows)
    _undefined(R, what)
    for i, pos in R.posinf.items():
        out[i, pos[0]] = at_max
    if K == 1:  # a single class: p = 1, log p = 0, proven
        out[R.work] = at_max
    else:
        for i, cols, vals in zip(R.work, R.cols, SK.by_row(R.D, R.ez, wp, _raw_list(kernel))):
            out[i, cols] = [_mpf(v) for v in vals]
    return np.moveaxis(out.reshape(shape), -1, ax)


def softmax(z: ArrayLike, axis: int = -1, *, prec: int | None = None) -> NDArray[np.object_]:
    """p_k = e^(z_k) / sum_l e^(z_l) along ``axis``, as e^(z_k - max) / (1 + R): each within relative 2**-prec.

    Never 0 for finite logits; exactly 1 for a single class.  -inf logits give 0 (masking); one +inf
    gives a one-hot row; two +inf or a row of -inf only raise ValueError.
    """
    return _rowwise(z, axis, prec, SK.softmax_row, "softmax", _ZERO, _ONE)


def log_softmax(z: ArrayLike, axis: int = -1, *, prec: int | None = None) -> NDArray[np.object_]:
    """log p_k = (z_k - max) - log1p(R): two non-positive terms, within relative 2**-prec.

    Exactly 0 only for a single class (or at the +inf of a row); -inf at -inf logits.
    """
    return _rowwise(z, axis, prec, SK.log_softmax_row, "log_softmax", _NINF, _ZERO)


def logsumexp(z: ArrayLike, axis: int = -1, *, prec: int | None = None) -> Exact | NDArray[np.object_]:
    """log sum_k e^(z_k) along ``axis`` = max + log1p(R), within relative 2**-prec.

    It cancels when max < 0; the precision grows until the bound is met (the value is never 0 for two
    or more classes: sum_k e^(z_k) = 1 has no solution in rationals, by Lindemann-Weierstrass).  A row
    with +inf gives +inf, a row of -inf only gives -inf.  A 1-D z gives an mpf.
    """
    prec = check_prec(prec)
    rows, shape, _ = logit_rows(z, axis)
    N, K = rows.shape
    out = np.empty(N, dtype=object)
    if K == 1:
        out[:] = [_mpf(libmp.from_float(float(v))) for v in rows[:, 0]]
    else:
        R = _sort_rows(rows)
        for i in R.posinf:
            out[i] = _INF
        for i in R.empty:
            out[i] = _NINF
        for i, v in zip(R.work, _logsumexp_rows(R, prec)):
            out[i] = v
    res = out.reshape(shape[:-1])
    return cast(Exact, res[()]) if res.ndim == 0 else res


def _logsumexp_rows(R: _Rows, prec: int) -> list[Exact]:
    """Ziv's loop per row: settled when the bound gives prec relative bits."""
    out: list[Exact] = [_ZERO] * len(R.work)
    pending = list(range(len(R.work)))
    q = prec + GUARD_BITS

    def kernel(A: SK.Arith, D: Sequence[int], ez: int, top: int) -> tuple[RawMpf, int]:
        v, k = SK.logsumexp_row(A, D, ez, top)
        return A.raw(v), k

    while pending:
        res = SK.by_row([R.D[t] for t in pending], R.ez, q, kernel, [R.tops[t] for t in pending])
        left, need = [], 0
        for t, (raw, k) in zip(pending, res):
            out[t] = _mpf(raw)
            if k <= SK.NEG // 2:
                continue
            if raw[1] == 0:
                left.append(t)
                need = max(need, q)
                continue
            deficit = k - (int(raw[2]) + int(raw[3]) - 1 - prec - 4)
            if deficit > 0:
                left.append(t)
                need = max(need, deficit + 32)
        if not left:
            break
        if q >= MAX_PREC:
            if any(out[t] == 0 for t in left):
                raise ArithmeticError("a logsumexp is 0 at MAX_PREC bits, which no input with two classes can give")
            break
        pending, q = left, min(MAX_PREC, q + need)
    return out


# ---------------------------------------------------------------------------- cross-entropy


def _example_rows(z: ArrayLike, name: str) -> tuple[NDArray[np.float64], bool]:
    arr = np.asarray(z)
    if arr.ndim not in (1, 2):
        raise ValueError(f"{name} must be (m, K) (examples by classes) or (K,) for one example; got shape {arr.shape}")
    rows, _, _ = logit_rows(arr.reshape(1, -1) if arr.ndim == 1 else arr, -1, name)
    return rows, arr.ndim == 1


def _example_labels(y: ArrayLike, m: int, K: int, single: bool) -> Any:
    ya = np.asarray(y)
    if single:
        ya = ya.reshape(1) if ya.ndim == 0 else ya.reshape(1, -1)
    return labels(ya, m, K, "y")


def softmax_cross_entropy(z: ArrayLike, y: ArrayLike, *, prec: int | None = None) -> Exact | NDArray[np.object_]:
    """Per-example cross-entropy from logits, -sum_k y_k log softmax(z)_k (= logsumexp(z) - z_y for an
    integer label), within relative 2**-prec.

    z: (m, K) (or (K,) for one example: an mpf is returned); y: integer labels (m,), or one-hot / soft rows
    (m, K) summing to 1 (a soft row is used as given: CE = s lse(z) - y.z with s its exact sum).  Computed
    as sum_k y_k (max - z_k) (exact) + s log1p(R): non-negative terms, so never cancelling; exactly 0 for
    a single class.  -inf logits of classes with y_k = 0 are ignored (y_k > 0 there gives inf); one +inf
    logit gives 0 if all the label's weight is there, else inf.
    """
    wp = check_prec(prec) + GUARD_BITS
    rows, single = _example_rows(z, "z")
    m, K = rows.shape
    out = _cross_entropy_rows(rows, _example_labels(y, m, K, single), wp)
    return cast(Exact, out[0]) if single else out


def smoothed_cross_entropy(
    z: ArrayLike, y: ArrayLike, eps: float, *, prec: int | None = None
) -> Exact | NDArray[np.object_]:
    """Per-example cross-entropy from logits against label-smoothed targets q = (1 - eps) y + eps / K
    (Szegedy et al. 2016; PyTorch's ``label_smoothing``, Keras' and optax's), within relative 2**-prec.

    z and y as for ``softmax_cross_entropy``; eps a float in [0, 1].  K q = K (1 - eps) y + eps is
    dyadic, so the cross-entropy against K q is computed exactly as ``softmax_cross_entropy`` computes it
    (non-negative terms) and divided by K.  eps = 0 is ``softmax_cross_entropy``; eps = 1 is the
    cross-entropy against the uniform distribution, logsumexp(z) - mean(z).
    """
    wp = check_prec(prec) + GUARD_BITS
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.floating, np.integer)):
        raise TypeError(f"eps={eps!r} must be a float in [0, 1]")
    if not 0.0 <= float(eps) <= 1.0:
        raise ValueError(f"eps={eps!r} is outside [0, 1]; label smoothing takes a weight in [0, 1]")
    rows, single = _example_rows(z, "z")
    m, K = rows.shape
    Y = _example_labels(y, m, K, single)
    if eps == 0:
        out = _cross_entropy_rows(rows, Y, wp)
        return cast(Exact, out[0]) if single else out
    e = Fraction(float(eps))
    weights = [[K * (1 - e) * Fraction(v) * Fraction(2) ** Y.exp + e for v in row] for row in Y.rows()]
    scale = max([w.denominator for row in weights for w in row], default=1)  # a power of 2
    ints = np.empty((m, K), dtype=object)
    for i, row in enumerate(weights):
        ints[i] = [int(w * scale) for w in row]
    smoothed = Labels(ints, -(scale.bit_length() - 1), [int(sum(row)) for row in ints.tolist()])
    out = _cross_entropy_rows(rows, smoothed, wp)
    with mpmath.workprec(wp):
        for i, v in enumerate(out):
            if v != 0 and not mpmath.isinf(v):
                out[i] = v / K
    return cast(Exact, out[0]) if single else out


def _cross_entropy_rows(rows: NDArray[np.float64], Y: Labels, wp: int) -> NDArray[np.object_]:
    """-sum_k y_k log softmax(z)_k of each row for exact label rows Y, at working precision wp."""
    m, K = rows.shape
    Yrows = Y.rows()
    out = np.full(m, _ZERO, dtype=object)
    R = _sort_rows(rows)
    _undefined(R, "the cross-entropy")
    for i, pos in R.posinf.items():
        out[i] = _ZERO if all(v == 0 for k, v in enumerate(Yrows[i]) if k != pos[0]) else _INF
    work, D, Ysub, sums = [], [], [], []
    for i, cols, Di in zip(R.work, R.cols, R.D):
        if len(cols) < K and any(Yrows[i][k] for k in set(range(K)) - set(cols)):
            out[i] = _INF
        elif K > 1:  # a single class: CE = 0, proven
            work.append(i)
            D.append(Di)
            Ysub.append([Yrows[i][k] for k in cols])
            sums.append(Y.sums[i])

    def kernel(A: SK.Arith, Di: Sequence[int], ez: int, Yi: Sequence[int], s: int) -> RawMpf:
        return A.raw(SK.cross_entropy_row(A, Di, ez, Yi, Y.exp, s))

    for i, raw in zip(work, SK.by_row(D, R.ez, wp, kernel, Ysub, sums)):
        out[i] = _mpf(raw)
    return out


def cross_entropy(p: ArrayLike, y: ArrayLike, *, prec: int | None = None) -> Exact | NDArray[np.object_]:
    """Per-example cross-entropy from probabilities, -sum_k y_k log p_k, with 0 log 0 = 0; within
    relative 2**-prec.

    p: (m, K) (or (K,): an mpf is returned) of probabilities in [0, 1] (rows need not sum to 1 exactly);
    y as for ``softmax_cross_entropy``.  -log p_k is -log1p(p_k - 1) (p_k - 1 exact) above 1/2; p_k = 0
    under a positive label gives inf; exactly 0 when the label's weight sits where p_k = 1.
    """
    q = check_prec(prec) + GUARD_BITS
    P, single = _example_rows(_array(p, "p"), "p")
    m, K = P.shape
    bad = (P < 0) | (P > 1)
    if bad.any():
        i, k = (int(v) for v in np.argwhere(bad)[0])
        raise ValueError(f"p[{i}, {k}]={float(P[i, k])!r} is outside [0, 1]; pass probabilities")
    Y = _example_labels(y, m, K, single)
    c = _ctx(q)
    out = np.empty(m, dtype=object)
    for i, Yi in enumerate(Y.rows()):
        terms = []
        for k, yk in enumerate(Yi):
            pk = float(P[i, k])
            if yk and pk != 1.0:
                if pk == 0.0:
                    out[i] = _INF
                    break
                nl = c.minus(c.log1p(gmpy2.mpfr(pk - 1.0)) if pk > 0.5 else c.log(gmpy2.mpfr(pk)))
                terms.append(c.mul(c.mul_2exp(yk, Y.exp), nl))
        else:
            man, ex = c.fsum(terms).as_mantissa_exp() if terms else (0, 0)
            out[i] = _mpf(libmp.from_man_exp(int(man), int(ex)))
    return cast(Exact, out[0]) if single else out


# ---------------------------------------------------------------------------- the multinomial problem


def softmax_logits(X: ArrayLike, W: ArrayLike, b: ArrayLike) -> NDArray[np.object_]:
    """Exact Z = X W + b, (m, K) object array of mpf (X: (m, n), W: (n, K), b: (K,))."""
    Z, ez = _logits(X, W, b)
    return _objects([_mpf(libmp.from_man_exp(v, ez)) for row in Z for v in row], (len(Z), len(Z[0])))


def _penalty(P: SoftmaxProblem, M: Any) -> tuple[NDArray[np.object_], int]:
    """mult lam M as ints (n + 1, K) times 2**exp, the bias row 0 (M: the Dyadic of W or V)."""
    lam = int(P.lam_d.ints[0]) * P.mult
    out = np.zeros((P.n + 1, P.K), dtype=object)
    if lam:
        out[: P.n] = M.ints.reshape(P.n, P.K) * lam
    return out, P.lam_d.exp + M.exp


def softmax_cost(
    X: ArrayLike,
    Y: ArrayLike,
    W: ArrayLike,
    b: ArrayLike,
    lam: ArrayLike = 0.0,
    *,
    penalty: str = "lam/(2m)",
    prec: int | None = None,
) -> Exact:
    """J(W, b) = (1/m) sum_i CE_i + penalty, CE_i the cross-entropy of softmax(X W + b)_i against Y_i.

    penalty: "lam/(2m)" (lam/(2m) ||W||^2), "lam/2" (lam/2 ||W||^2) or "lam" (lam ||W||^2, cs231n's
    ``reg * np.sum(W * W)``); the bias is not penalized.  X: (m, n); Y: integer labels (m,), one-hot or
    soft rows (m, K); W: (n, K); b: (K,).  A sum of non-negative terms: no retry, never 0 with two or
    more classes.
    """
    prec = check_prec(prec)
    P = problem(X, Y, W, b, lam, penalty)
    wp = prec + GUARD_BITS
    sq = int(sum(int(v) * int(v) for v in P.W_d.ints.reshape(-1)))
    total = libmp.from_man_exp(int(P.lam_d.ints[0]) * P.mult * sq, P.lam_d.exp + 2 * P.W_d.exp - 1)
    if P.K > 1:
        ey = P.Y.exp

        def kernel(A: SK.Arith, D: Sequence[int], ez: int, Yi: Sequence[int], s: int) -> tuple[int, int]:
            return A.man_exp(SK.cross_entropy_row(A, D, ez, Yi, ey, s))

        terms = SK.by_row(P.shifted(), P.ez, wp, kernel, P.Y.rows(), P.Y.sums)
        man, ex = _sum_nonnegative(terms, wp + 8)
        total = _add_exact_raw(libmp.from_man_exp(man, ex), total)
    return _mpf(libmp.mpf_div(total, libmp.from_int(P.m), wp, _RND))


def _sum_nonnegative(terms: Sequence[tuple[int, int]], q: int) -> tuple[int, int]:
    """sum man 2**exp of non-negative terms, dropping those more than q + 16 + log2(len) bits below the
    largest (relative error below 2**-(q + 16))."""
    live = [(man, ex) for man, ex in terms if man]
    if not live:
        return 0, 0
    top = max(man.bit_length() + ex for man, ex in live)
    floor = top - q - 16 - len(live).bit_length()
    kept = [(man, ex) for man, ex in live if man.bit_length() + ex >= floor]
    low = min(ex for _, ex in kept)
    return sum(man << (ex - low) for man, ex in kept), low


def _add_exact_raw(a: RawMpf, b: RawMpf) -> RawMpf:
    if not b[1]:
        return a
    if not a[1]:
        return b
    sa, sb = (-1 if a[0] else 1) * int(a[1]), (-1 if b[0] else 1) * int(b[1])
    man, ex = _add_exact(sa, int(a[2]), sb, int(b[2]))
    return cast(RawMpf, libmp.from_man_exp(man, ex))


# ---------------------------------------------------------------------------- exact column sums


@dataclass(frozen=True)
class _Columns:
    """|[X 1]| scaled per column (A / 2**colexp, in [0, 1]) for the float error bounds."""

    A: NDArray[np.float64]
    colexp: NDArray[np.int64]
    nonzero: NDArray[np.bool_]
    rows: list[NDArray[np.intp]]  # the rows where each column is nonzero

    @staticmethod
    def of(P: SoftmaxProblem) -> _Columns:
        Xa = np.abs(np.hstack([P.X, np.ones((P.m, 1))]))
        colexp = np.frexp(Xa.max(axis=0))[1].astype(np.int64)
        nz = Xa > 0
        return _Columns(
            np.ldexp(Xa, -colexp.astype(np.int32)),
            colexp,
            np.asarray(nz.any(axis=0), dtype=bool),
            [np.flatnonzero(nz[:, j]) for j in range(Xa.shape[1])],
        )


def _truncate(col: Sequence[SK.Element], q: int) -> tuple[list[int], int, list[bool]]:
    """V_i = floor(v_i / 2**L) with L = (largest top) - q - 8, and which V_i were truncated."""
    tops = [man.bit_length() + ex for man, ex, _ in col if man]
    L = max(tops) - q - 8 if tops else 0
    V, cut = [], []
    for man, ex, _ in col:
        if not man or ex >= L:
            V.append(man << (ex - L) if man else 0)
            cut.append(False)
        else:
            V.append(man >> (L - ex))
            cut.append(True)
    return V, L, cut


def _bound(
    col: Sequence[SK.Element], L: int, cut: Sequence[bool], A: NDArray[np.float64], colexp: NDArray[np.int64]
) -> tuple[NDArray[np.float64], int]:
    """log2 of bounds on sum_i |x_ij| (err_i + 2**L [V_i truncated]) per column j of A, as (float, int C)."""
    ks = [k for _, _, k in col]
    C = max(max(ks), L if any(cut) else SK.NEG)
    if C <= SK.NEG // 2:
        return np.full(A.shape[1], -np.inf), 0
    w = np.array(
        [
            (0.0 if k <= SK.NEG // 2 else 2.0 ** max(k - C, -1100)) + (2.0 ** max(L - C, -1100) if t else 0.0)
            for (_, _, k), t in zip(col, cut)
        ]
    )
    m = A.shape[0]
    Bs = (A.T @ w) * (1 + m * 2.0**-50) + (A > 0).any(axis=0) * m * _SAFETY
    with np.errstate(divide="ignore"):
        return np.log2(Bs) + colexp, C


def _sums(
    P: SoftmaxProblem,
    cols: _Columns,
    elements: Sequence[Sequence[SK.Element]],
    pen: tuple[NDArray[np.object_], int],
    q: int,
    prec: int,
) -> tuple[NDArray[np.object_], NDArray[np.float64], NDArray[np.float64]]:
    """(1/m) ([X 1]^T E + pen) for per-example values E (m, K) with bounds: values, deficits, log2 bounds."""
    m, k1, K = P.m, P.n + 1, P.K
    wp = prec + GUARD_BITS
    values = np.empty((k1, K), dtype=object)
    deficit = np.zeros((k1, K))
    bound = np.full((k1, K), -np.inf)
    pen_ints, pen_exp = pen
    log2m = float(np.log2(m))
    mS = libmp.from_int(m)

    def settle(j: int, k: int, N: int, e: int, lbf: float, C: int) -> None:
        pj = int(pen_ints[j, k])
        if pj:
            N, e = _add_exact(N, e, pj, pen_exp)
        values[j, k] = _mpf(libmp.mpf_div(libmp.from_man_exp(N, e), mS, wp, _RND))
        if lbf == -np.inf:
            deficit[j, k], bound[j, k] = 0.0, -np.inf
            return
        bound[j, k] = lbf + float(C) - log2m
        deficit[j, k] = np.nan if N == 0 else lbf + float(C - (abs(N).bit_length() - 1 + e - prec - 4))

    tops = []
    for k in range(K):
        col = [row[k] for row in elements]
        V, L, cut = _truncate(col, q)
        N = _exactdot.rmatvec(P.Xa, V, (m, k1), q + 9)
        lbf, C = _bound(col, L, cut, cols.A, cols.colexp)
        for j in range(k1):
            settle(j, k, int(N[j]), P.Xa.exp + L, float(lbf[j]), C)
        tops.append(L + q + 8)
    # a component whose own examples sit far below its class's largest value: sum it at its own scale
    for j, k in np.argwhere(np.isnan(deficit) | (deficit > 0)):
        j, k = int(j), int(k)
        rows = cols.rows[j]
        if rows.size == m:  # the column's own examples are all of them
            continue
        col = [elements[i][k] for i in rows]
        own = [man.bit_length() + ex for man, ex, _ in col if man]
        if not own or max(own) >= tops[k] - 16:
            continue
        V, L, cut = _truncate(col, q)
        xi = P.Xa.ints[rows, j]
        own_sum = sum(int(x) * v for x, v in zip(xi, V))
        lbf, C = _bound(col, L, cut, cols.A[rows][:, [j]], cols.colexp[[j]])
        settle(j, k, own_sum, P.Xa.exp + L, float(lbf[0]), C)
    return values, deficit, bound


def _split(values: NDArray[np.object_], n: int) -> SoftmaxGradient:
    return SoftmaxGradient(W=values[:n].copy(), b=values[n].copy())


def _penalty_only(P: SoftmaxProblem, pen: tuple[NDArray[np.object_], int], prec: int) -> SoftmaxGradient:
    mS, wp = libmp.from_int(P.m), prec + GUARD_BITS
    vals = [_mpf(libmp.mpf_div(libmp.from_man_exp(int(v), pen[1]), mS, wp, _RND)) for v in pen[0].reshape(-1)]
    return _split(_objects(vals, pen[0].shape), P.n)


def softmax_gradient(
    X: ArrayLike,
    Y: ArrayLike,
    W: ArrayLike,
    b: ArrayLike,
    lam: ArrayLike = 0.0,
    *,
    penalty: str = "lam/(2m)",
    prec: int | None = None,
) -> SoftmaxGradient:
    """dJ/dW = (1/m) X^T (s P - Y) + c lam W / m and dJ/db = (1/m) sum_i (s_i P_i - Y_i), c = 1, m, 2m for
    penalty "lam/(2m)", "lam/2", "lam" (s_i: the exact sum of label row i, 1 for integer and one-hot
    labels).  ``.W`` (n, K) and ``.b`` (K,), each within relative 2**-prec; 0 only when proven."""
    prec = check_prec(prec)
    P = problem(X, Y, W, b, lam, penalty)
    pen = _penalty(P, P.W_d)
    if P.K == 1:  # p = 1 = s: every residual is 0, proven
        return _penalty_only(P, pen, prec)
    cols = _Columns.of(P)
    D, ey = P.shifted(), P.Y.exp

    def kernel(A: SK.Arith, Di: Sequence[int], ez: int, Yi: Sequence[int], s: int) -> list[SK.Element]:
        return SK.residual_row(A, Di, ez, Yi, ey, s)

    def attempt(q: int) -> tuple[NDArray[np.object_], NDArray[np.float64], NDArray[np.float64]]:
        return _sums(P, cols, SK.by_row(D, P.ez, q, kernel, P.Y.rows(), P.Y.sums), pen, q, prec)

    def zeros() -> NDArray[np.bool_]:
        return gradient_zeros(D, P.Xa.ints, P.Xa.exp, P.Y.ints, P.Y.sums, ey, pen[0], pen[1])

    return _split(_ziv(attempt, prec, zeros), P.n)


def softmax_hessian_vector_product(
    X: ArrayLike,
    Y: ArrayLike,
    W: ArrayLike,
    b: ArrayLike,
    V: ArrayLike,
    c: ArrayLike,
    lam: ArrayLike = 0.0,
    *,
    penalty: str = "lam/(2m)",
    prec: int | None = None,
) -> SoftmaxGradient:
    """The Hessian of J at (W, b) applied to the direction (V, c): the derivative of the gradient along
    (W + tV, b + tc) at t = 0.  With dz = X V + c: (1/m) [X 1]^T H + c' lam V / m, H_ik = s_i p_ik
    (dz_ik - sum_l p_il dz_il), written s_i p_ik sum_l p_il (dz_ik - dz_il) with exact differences.
    ``.W`` (n, K) and ``.b`` (K,), each within relative 2**-prec; 0 only when proven."""
    prec = check_prec(prec)
    P = problem(X, Y, W, b, lam, penalty)
    V_d, dZ, edz = direction(P, V, c)
    pen = _penalty(P, V_d)
    if P.K == 1:  # p = 1: dp = 0, proven
        return _penalty_only(P, pen, prec)
    cols = _Columns.of(P)
    D, ey = P.shifted(), P.Y.exp

    def kernel(A: SK.Arith, Di: Sequence[int], ez: int, dz: Sequence[int], s: int) -> list[SK.Element]:
        return SK.hvp_row(A, Di, ez, dz, edz, s, ey)

    def attempt(q: int) -> tuple[NDArray[np.object_], NDArray[np.float64], NDArray[np.float64]]:
        return _sums(P, cols, SK.by_row(D, P.ez, q, kernel, dZ, P.Y.sums), pen, q, prec)

    def zeros() -> NDArray[np.bool_]:
        return hvp_zeros(D, P.Xa.ints, P.Xa.exp, P.Y.sums, ey, dZ, edz, pen[0], pen[1])

    return _split(_ziv(attempt, prec, zeros), P.n)
