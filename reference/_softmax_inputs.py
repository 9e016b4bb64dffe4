"""Validation of the softmax family's inputs into exact representations: logits along an axis,
labels (integer, one-hot or soft rows), and the multinomial problem (X, Y, W, b, lam, penalty)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._dyadic import Dyadic, from_array
from ._exactdot import matvec
from ._inputs import _array, _scalar, _vector, check_X

__all__ = [
    "PENALTIES",
    "Labels",
    "SoftmaxProblem",
    "labels",
    "problem",
    "direction",
    "logits",
    "logit_rows",
    "penalty_mult",
]

PENALTIES = ("lam/(2m)", "lam/2", "lam")
"""The penalty forms of the cost: lam/(2m) ||W||^2 (Ng's courses), lam/2 ||W||^2, lam ||W||^2 (cs231n's
``reg * np.sum(W * W)``, whose gradient adds 2 reg W).  The bias is never penalized."""


def penalty_mult(penalty: str, m: int) -> int:
    """c with cost = (sum_i CE_i + c lam ||W||^2 / 2) / m, so that the gradient's part is c lam W / m."""
    if penalty == "lam/(2m)":
        return 1
    if penalty == "lam/2":
        return m
    if penalty == "lam":
        return 2 * m
    raise ValueError(f"penalty={penalty!r} is not a known form; pass one of {', '.join(map(repr, PENALTIES))}")


@dataclass(frozen=True)
class Labels:
    """Labels as exact rows: Y = ints * 2**exp (m, K), row sums ``sums`` (same exponent)."""

    ints: NDArray[np.object_]
    exp: int
    sums: list[int]

    def rows(self) -> list[list[int]]:
        return cast("list[list[int]]", self.ints.tolist())


def _eps_bits(dtype: np.dtype[Any]) -> int | None:
    """b with eps = 2**-b for a float dtype; None for integers (their rows must sum to exactly 1)."""
    return int(np.finfo(dtype).nmant) if dtype.kind == "f" else None


def labels(y: ArrayLike, m: int, K: int, name: str = "y") -> Labels:
    """Integer labels (m,) in 0..K-1 (floats with integer values accepted), or rows (m, K) of
    non-negative weights summing to 1 (one-hot or soft); a soft row whose exact sum is within K eps of
    1 (eps of its dtype) is accepted and used as it is."""
    arr = _array(y, name)
    if arr.ndim == 2 and arr.shape == (m, 1) and K != 1:
        arr = arr.reshape(-1)
    if arr.ndim == 1 and arr.shape[0] == m:
        given = arr
        arr = arr.astype(np.float64)
        bad = (arr != np.floor(arr)) | (arr < 0) | (arr >= K)
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(
                f"{name}[{i}]={given[i].item()!r} is not a class index in 0..{K - 1} ({K} classes); pass integer "
                f"labels, or one-hot / soft rows of shape ({m}, {K})"
            )
        ints = np.zeros((m, K), dtype=object)
        ints[np.arange(m), arr.astype(np.int64)] = 1
        return Labels(ints, 0, [1] * m)
    if arr.shape != (m, K):
        raise ValueError(
            f"{name} has shape {arr.shape} but there are {m} examples and {K} classes; pass integer labels of "
            f"shape ({m},), or one-hot / soft rows of shape ({m}, {K})"
        )
    if (arr < 0).any():
        i, k = (int(v) for v in np.argwhere(arr < 0)[0])
        raise ValueError(f"{name}[{i}, {k}]={arr[i, k].item()!r} is negative; label rows are probabilities >= 0")
    d = from_array(arr)
    ints = d.ints.reshape(m, K)
    sums = [int(v) for v in ints.sum(axis=1)] if K > 1 else [int(v) for v in ints[:, 0]]
    bits = _eps_bits(arr.dtype)
    one = 1 << -d.exp if d.exp <= 0 else 0
    for i, s in enumerate(sums):
        off = abs(s - one)
        if d.exp > 0 or (off if bits is None else (off << bits) > K * one):
            total = float(Fraction(s) * Fraction(2) ** d.exp)
            within = "exactly" if bits is None else f"within {K} eps = {K * 2.0**-bits:.3g}"
            raise ValueError(
                f"row {i} of {name} sums to {total!r}, not 1: label rows must be one-hot or probabilities "
                f"summing to 1 ({within}); pass integer labels or normalised rows"
            )
    return Labels(ints, d.exp, sums)


def logit_rows(z: ArrayLike, axis: int, name: str = "z") -> tuple[NDArray[np.float64], tuple[int, ...], int]:
    """z with ``axis`` moved last, as rows (N, K) of float64 (exact), the moved shape and the axis."""
    arr = np.asarray(z)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"{name} has dtype {arr.dtype}; pass a float32/float64 (or int/bool) array")
    if arr.ndim == 0:
        raise ValueError(f"{name} is a scalar; pass an array of logits with the classes along axis={axis}")
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis={axis!r} is out of range for {name} of shape {arr.shape}")
    axis = int(axis) % arr.ndim
    if arr.shape[axis] == 0:
        raise ValueError(f"{name} has no classes along axis {axis} (shape {arr.shape}); pass at least one logit")
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        where = tuple(int(i) for i in np.argwhere(np.isnan(arr))[0])
        raise ValueError(f"{name} contains NaN (first at index {where}); pass numbers (+-inf are accepted)")
    if arr.dtype.kind in "iu" and arr.size and max(abs(int(v)) for v in arr.reshape(-1)) > 2**53:
        raise ValueError(f"{name} holds integers beyond 2**53; pass floats")
    moved = np.moveaxis(arr, axis, -1)
    return moved.reshape(-1, moved.shape[-1]).astype(np.float64), moved.shape, axis


def _matrix(a: ArrayLike, name: str, rows: int, what: str) -> NDArray[np.float64]:
    arr = _array(a, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape (n, K) = ({what}, classes); got shape {arr.shape}")
    if arr.shape[0] != rows:
        hint = f"; transpose it ({name}.T)" if arr.shape[1] == rows else ""
        raise ValueError(f"{name} has shape {arr.shape} but X has {rows} columns: {name} must be ({rows}, K){hint}")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has no columns; pass at least one class")
    return arr.astype(np.float64)


def _products(Xa: Dyadic, m: int, M: NDArray[np.float64]) -> tuple[list[list[int]], int]:
    """Exact Xa.ints @ M (Xa: (m, n + 1), M: (n + 1, K) floats) as rows of Python ints times one 2**exp."""
    p = M.shape[0]
    cols = []
    for k in range(M.shape[1]):
        col = from_array(M[:, k])
        cols.append((matvec(Xa, col, (m, p)), Xa.exp + col.exp))
    e = min(ex for _, ex in cols)
    out = np.empty((m, M.shape[1]), dtype=object)
    for k, (ints, ex) in enumerate(cols):
        out[:, k] = ints * (1 << (ex - e)) if ex > e else ints
    return cast("list[list[int]]", out.tolist()), e


@dataclass(frozen=True)
class SoftmaxProblem:
    """Validated, exact inputs of the multinomial cost: Z = [X 1] [W; b] exactly, rows of ints times 2**ez."""

    X: NDArray[np.float64]  # (m, n)
    Xa: Dyadic  # [X 1], (m, n + 1)
    W: NDArray[np.float64]  # (n, K)
    W_d: Dyadic
    lam_d: Dyadic
    mult: int  # penalty_mult
    Y: Labels
    Z: list[list[int]]
    ez: int

    @property
    def m(self) -> int:
        return cast(int, self.X.shape[0])

    @property
    def n(self) -> int:
        return cast(int, self.X.shape[1])

    @property
    def K(self) -> int:
        return cast(int, self.W.shape[1])

    def shifted(self) -> list[list[int]]:
        """The rows' shifted logits D_i = Z_i - max Z_i (ints <= 0, times 2**ez)."""
        return [[v - top for v in row] for row in self.Z for top in (max(row),)]


def _params(
    X: NDArray[np.float64], W: ArrayLike, b: ArrayLike, names: tuple[str, str]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    Wa = _matrix(W, names[0], X.shape[1], "n")
    ba = _vector(b, names[1], Wa.shape[1], f"columns {names[0]}")
    return Wa, ba


def logits(X: ArrayLike, W: ArrayLike, b: ArrayLike) -> tuple[list[list[int]], int]:
    """Exact Z = X W + b (X: (m, n), W: (n, K), b: (K,)) as rows of ints times 2**ez."""
    Xv = check_X(X)
    Wa, ba = _params(Xv, W, b, ("W", "b"))
    m = Xv.shape[0]
    return _products(from_array(np.hstack([Xv, np.ones((m, 1))])), m, np.vstack([Wa, ba[None, :]]))


def problem(X: ArrayLike, Y: ArrayLike, W: ArrayLike, b: ArrayLike, lam: ArrayLike, penalty: str) -> SoftmaxProblem:
    Xv = check_X(X)
    m, n = Xv.shape
    Wa, ba = _params(Xv, W, b, ("W", "b"))
    lam_v = _scalar(lam, "lam")
    if lam_v < 0:
        raise ValueError(f"lam={lam_v!r} is negative; pass a regularization strength lam >= 0")
    mult = penalty_mult(penalty, m)
    Yl = labels(Y, m, Wa.shape[1], "Y")
    Xa = from_array(np.hstack([Xv, np.ones((m, 1))]))
    Z, ez = _products(Xa, m, np.vstack([Wa, ba[None, :]]))
    return SoftmaxProblem(Xv, Xa, Wa, from_array(Wa), from_array(np.asarray([lam_v])), mult, Yl, Z, ez)


def direction(P: SoftmaxProblem, V: ArrayLike, c: ArrayLike) -> tuple[Dyadic, list[list[int]], int]:
    """A direction (V, c) of the parameters: V exactly, and dZ = [X 1] [V; c] exactly (rows, exponent)."""
    Va, ca = _params(P.X, V, c, ("V", "c"))
    if Va.shape != P.W.shape:
        raise ValueError(f"V has shape {Va.shape} but W has shape {P.W.shape}; pass a direction of W's shape")
    dZ, edz = _products(P.Xa, P.m, np.vstack([Va, ca[None, :]]))
    return from_array(Va), dZ, edz
