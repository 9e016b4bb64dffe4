"""Validation of the problem inputs (X, y, w, b, lam, sample_weight) into exact representations."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from mpmath import libmp
from numpy.typing import ArrayLike, NDArray

from ._dyadic import Dyadic, from_array
from ._exactdot import matvec
from ._types import RawMpf


def _array(a: object, name: str) -> NDArray[Any]:
    try:
        arr = np.asarray(a)
    except Exception as exc:  # pragma: no cover - odd inputs
        raise TypeError(f"{name} could not be read as an array: {exc}") from None
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"{name} has dtype {arr.dtype}; pass a float32/float64 (or int/bool) array")
    if arr.dtype.kind == "f":
        if np.isnan(arr).any():
            where = tuple(int(i) for i in np.argwhere(np.isnan(arr))[0])
            raise ValueError(f"{name} contains NaN (first at index {where}); pass finite numbers")
        if np.isinf(arr).any():
            where = tuple(int(i) for i in np.argwhere(np.isinf(arr))[0])
            raise ValueError(f"{name} contains inf (first at index {where}); pass finite numbers")
    elif arr.dtype.kind in "iu" and arr.size and max(abs(int(v)) for v in arr.reshape(-1)) > 2**53:
        raise ValueError(f"{name} holds integers beyond 2**53; pass floats")
    return arr


def _vector(a: object, name: str, length: int, what: str) -> NDArray[np.float64]:
    arr = _array(a, name)
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a vector (1-D, or one row or column); got shape {arr.shape}")
    if arr.shape[0] != length:
        raise ValueError(
            f"{what.split(' ', 1)[1].capitalize()} has {length} {what.split(' ', 1)[0]} "
            f"but {name} has {arr.shape[0]} entries"
        )
    return arr.astype(np.float64)


def _scalar(a: object, name: str) -> float:
    arr = _array(a, name)
    if arr.size != 1:
        raise ValueError(f"{name} must be a scalar (or size-1 array); got shape {arr.shape}")
    return float(arr.reshape(-1)[0])


@dataclass(frozen=True)
class Problem:
    """Validated, exact inputs of a problem function."""

    X: NDArray[np.float64]  # (m, n)
    y: NDArray[np.float64]  # (m,)
    w: NDArray[np.float64]  # (n,)
    b: float
    lam: float
    s: NDArray[np.float64] | None  # (m,) or None
    Xa: Dyadic  # [X, 1] exactly, (m, n + 1)
    w_d: Dyadic
    lam_d: Dyadic
    s_d: Dyadic | None
    S: RawMpf  # raw mpf: sum of sample weights (m when unweighted), exact
    Z: Dyadic  # exact logits X w + b

    @property
    def m(self) -> int:
        return cast(int, self.X.shape[0])

    @property
    def n(self) -> int:
        return cast(int, self.X.shape[1])


def check_X(X: ArrayLike) -> NDArray[np.float64]:
    arr = _array(X, "X")
    if arr.ndim != 2:
        raise ValueError(f"X must be a 2-D array of shape (m, n); got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError("X has no rows; pass at least one example")
    return arr.astype(np.float64)


def check_w_b(X: NDArray[np.float64], w: ArrayLike, b: ArrayLike) -> tuple[NDArray[np.float64], float]:
    return _vector(w, "w", X.shape[1], "columns X"), _scalar(b, "b")


def problem(
    X: ArrayLike,
    y: ArrayLike,
    w: ArrayLike,
    b: ArrayLike,
    lam: ArrayLike = 0.0,
    sample_weight: ArrayLike | None = None,
    *,
    labels_in_unit_interval: bool,
) -> Problem:
    X = check_X(X)
    m, n = X.shape
    y = _vector(y, "y", m, "rows X")
    w, b = check_w_b(X, w, b)
    lam = _scalar(lam, "lam")
    if lam < 0:
        raise ValueError(f"lam={lam!r} is negative; pass a regularization strength lam >= 0")
    if labels_in_unit_interval and ((y < 0) | (y > 1)).any():
        i = int(np.argmax((y < 0) | (y > 1)))
        raise ValueError(f"y[{i}]={float(y[i])!r} is outside [0, 1]; pass labels (or soft labels) in [0, 1]")
    s = None
    if sample_weight is not None:
        s = _vector(sample_weight, "sample_weight", m, "rows X")
        if (s < 0).any():
            i = int(np.argmax(s < 0))
            raise ValueError(f"sample_weight[{i}]={float(s[i])!r} is negative; pass non-negative weights")
    Xa = from_array(np.hstack([X, np.ones((m, 1))]))
    w_d = from_array(w)
    s_d = None if s is None else from_array(s)
    if s_d is None:
        S = libmp.from_int(m)
    else:
        S = libmp.from_man_exp(int(s_d.ints.sum()), s_d.exp)
        if S == libmp.fzero:
            raise ValueError("sample_weight sums to 0; pass at least one positive weight")
    wb = from_array(np.append(w, b))
    Z = Dyadic(matvec(Xa, wb, (m, n + 1)), Xa.exp + wb.exp)
    return Problem(X, y, w, b, lam, s, Xa, w_d, from_array(np.asarray([lam])), s_d, S, Z)


def raw_of(i: int, exp: int) -> RawMpf:
    return cast(RawMpf, libmp.from_man_exp(int(i), exp))


def finite(x: float) -> bool:
    return math.isfinite(x)
