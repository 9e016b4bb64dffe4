"""Exact integer matrix products on float64 BLAS.

The integers are cut into 16-bit limbs (|limb| <= 2**16), held as float64.  A product of two limbs
is at most 2**32, so a sum of up to 2**20 such products is an integer below 2**53: every float64
operation of the BLAS product is exact, in whatever order it adds.  The limb products are then
carried back into Python integers.  Small or very wide arrays go through numpy's object dot product
(Python integers) instead, which gives the same integers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._dyadic import LIMB_BITS, Dyadic

__all__ = ["int_limbs", "matvec", "rmatvec", "gram"]

_BASE = 1 << LIMB_BITS
_ROWS = 1 << 20  # rows summed in one float64 product: 2**20 * 2**32 <= 2**52
_MIN_SIZE = 2048  # below this many matrix entries Python integers are faster
_MAX_LIMB_PAIRS = 2048  # beyond this many limb products per entry, too
_MAX_FLOATS = 1 << 24  # limbs held at once (128 MiB)


def int_limbs(values: Sequence[Any], bits: int | None = None) -> NDArray[np.float64]:
    """Two's complement 16-bit limbs of Python ints (or mpz), (len, K) float64 (the last limb signed).

    ``bits``: a bound on the values' bit lengths, if known.
    """
    if bits is None:
        bits = max((v.bit_length() for v in values), default=0)
    width = bits + 1  # + the sign bit
    k = -(-width // LIMB_BITS)
    nbytes = 2 * k
    buf = b"".join([v.to_bytes(nbytes, "little", signed=True) for v in values])
    out = np.frombuffer(buf, dtype="<u2").reshape(len(values), k).astype(np.float64)
    top = out[:, k - 1]
    top[top >= _BASE // 2] -= _BASE
    return out


def _carry(T: NDArray[np.int64]) -> list[int]:
    """sum_s T[i, s] 2**(16 s) for each row i (|T| < 2**62) as Python ints."""
    rows, cols = T.shape
    if rows <= 64:
        return [sum(int(v) << (LIMB_BITS * s) for s, v in enumerate(row)) for row in T.tolist()]
    digits = np.empty((rows, cols + 3), dtype=np.int64)  # 3 more limbs take the carry down to its sign
    carry = np.zeros(rows, dtype=np.int64)
    for s in range(cols + 3):
        c = carry + T[:, s] if s < cols else carry
        digits[:, s] = c & (_BASE - 1)
        carry = c >> LIMB_BITS
    buf = digits.astype("<u2").tobytes()
    w = 2 * (cols + 3)
    return [int.from_bytes(buf[i * w : (i + 1) * w], "little", signed=True) for i in range(rows)]


def _limbs(A: Dyadic, m: int, p: int, k_other: int) -> NDArray[np.float64] | None:
    """A's limbs (ka, m, p) when the limb product is exact and worth it, else None."""
    if m * p < _MIN_SIZE:
        return None
    lA = A.limbs()
    if lA is None:
        return None
    ka = lA.shape[0]
    if ka * k_other > _MAX_LIMB_PAIRS or ka * p >= 1 << 21 or ka * m * p > _MAX_FLOATS:
        return None
    return lA


def matvec(A: Dyadic, b: Dyadic, shape: tuple[int, int]) -> NDArray[np.object_]:
    """Exact A.ints @ b.ints (A: (m, p) = shape, b: (p,)) as an object array of Python ints."""
    m, p = shape
    lb = b.limbs() if m * p >= _MIN_SIZE else None
    lA = _limbs(A, m, p, lb.shape[0]) if lb is not None else None
    if lA is None or lb is None:
        return np.asarray(A.ints.dot(b.ints), dtype=object)
    ka, kb = lA.shape[0], lb.shape[0]
    # T[i, s] = sum_{a, j} lA[a, i, j] lb[s - a, j]: each sum below ka p 2**32 < 2**53
    M = np.zeros((ka, p, ka + kb - 1))
    for a in range(ka):
        M[a, :, a : a + kb] = lb.T
    T = np.empty((m, ka + kb - 1))
    step = _block_rows(p, ka + kb - 1)
    for r in range(0, m, step):
        T[r : r + step] = np.matmul(lA[:, r : r + step, :], M).sum(axis=0)
    out = np.empty(m, dtype=object)
    out[:] = _carry(T.astype(np.int64))
    return out


def _block_rows(p: int, k: int) -> int:
    """Rows per BLAS call: small products stay on one thread (OpenBLAS goes parallel from about
    2**18 multiply-adds, and on a loaded machine a parallel call can wait a scheduler tick)."""
    return max(16, (1 << 17) // max(1, p * k))


def _accumulate(lA: NDArray[np.float64], lv: NDArray[np.float64]) -> NDArray[np.int64]:
    """sum_i lA[a, i, j] lv[i, c] as int64 (ka, p, kv): float64 sums of at most 2**20 rows are exact."""
    ka, m, p = lA.shape
    kv = lv.shape[1]
    acc = np.zeros((ka, p, kv), dtype=np.int64)
    step = _block_rows(p, kv)
    for big in range(0, m, _ROWS):
        part = np.zeros((ka, p, kv))
        for r in range(big, min(m, big + _ROWS), step):
            part += np.matmul(lA[:, r : r + step, :].transpose(0, 2, 1), lv[r : r + step])
        acc += part.astype(np.int64)
    return acc


def rmatvec(A: Dyadic, v: Sequence[Any], shape: tuple[int, int], bits: int | None = None) -> NDArray[np.object_]:
    """Exact A.ints.T @ v (A: (m, p) = shape; v: m Python ints or mpz, below 2**bits if given)
    as an object array of p integers."""
    m, p = shape
    lA = _limbs(A, m, p, 64)
    lv = int_limbs(v, bits) if lA is not None else None
    if lA is None or lv is None or -(-m // _ROWS) * min(lA.shape[0], lv.shape[1]) >= 1 << 10:
        V = np.empty(m, dtype=object)
        V[:] = list(v)
        return np.asarray(A.ints.T.dot(V), dtype=object)
    ka, kv = lA.shape[0], lv.shape[1]
    R = _accumulate(lA, lv)  # (ka, p, kv), each below blocks * 2**52
    T = np.zeros((p, ka + kv - 1), dtype=np.int64)  # below blocks min(ka, kv) 2**52 < 2**62
    for a in range(ka):
        T[:, a : a + kv] += R[a]
    out = np.empty(p, dtype=object)
    out[:] = _carry(T)
    return out


def gram(A: Dyadic, d: Sequence[Any], shape: tuple[int, int]) -> NDArray[np.object_]:
    """Exact A.ints.T @ diag(d) @ A.ints (A: (m, p) = shape, d: m Python ints) as (p, p) objects."""
    m, p = shape
    Ai = A.ints
    D = np.empty(m, dtype=object)
    D[:] = list(d)
    B = Ai * D[:, None]  # exact, (m, p)
    lA = _limbs(A, m, p, 64)
    if lA is None:
        return np.asarray(Ai.T.dot(B), dtype=object)
    lB = int_limbs([int(v) for v in B.reshape(-1)])
    ka, kb = lA.shape[0], lB.shape[1]
    if ka * kb > _MAX_LIMB_PAIRS or m * p * kb > _MAX_FLOATS or -(-m // _ROWS) * min(ka, kb) >= 1 << 10:
        return np.asarray(Ai.T.dot(B), dtype=object)
    R = _accumulate(lA, lB.reshape(m, p * kb)).reshape(ka, p, p, kb)
    T = np.zeros((p, p, ka + kb - 1), dtype=np.int64)
    for a in range(ka):
        T[:, :, a : a + kb] += R[a]
    out = np.empty((p, p), dtype=object)
    out.reshape(-1)[:] = _carry(T.reshape(p * p, ka + kb - 1))
    return out
