"""Exact integer representation of float arrays: values = ints * 2**exp with one common exp.

Every float is a dyadic rational, so an array of floats is an array of Python integers times a
common power of two; sums and products of such arrays are exact integer arithmetic.

An array made from floats keeps them and builds the Python integers only when asked: the exact
matrix products of ``_exactdot`` cut the values into 16-bit limbs with float64 arithmetic instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

LIMB_BITS = 16
MAX_FLOAT_LIMBS = 64
"""Arrays wider than this many limbs (1024 bits) are not cut into float limbs (scaling would overflow)."""


class Dyadic:
    """``ints * 2**exp``: ``ints`` is an object array of Python ints (built on first use)."""

    __slots__ = ("exp", "_ints", "_mant", "_shift", "_floats", "_bits", "_limbs")

    def __init__(self, ints: NDArray[np.object_] | None, exp: int) -> None:
        self.exp = exp
        self._ints = ints
        self._mant: NDArray[np.int64] | None = None
        self._shift: NDArray[np.int64] | None = None
        self._floats: NDArray[np.float64] | None = None
        self._bits = 0
        self._limbs: NDArray[np.float64] | None = None

    @property
    def ints(self) -> NDArray[np.object_]:
        if self._ints is None:
            assert self._mant is not None and self._shift is not None
            m, shift = self._mant, self._shift
            if int(shift.max(initial=0)) <= 9:
                self._ints = (m << shift).astype(object)
            else:
                self._ints = m.astype(object) << shift.astype(object)
        return self._ints

    def limbs(self) -> NDArray[np.float64] | None:
        """16-bit limbs, shape (K,) + shape: ints = sum_k limbs[k] * 2**(16 k), as float64.

        Limbs 0..K-2 are in [0, 2**16), the last one in [-2**16, 2**16).  None for arrays of
        Python ints only, or wider than MAX_FLOAT_LIMBS limbs.
        """
        if self._limbs is None and self._floats is not None:
            k = self._bits // LIMB_BITS + 1  # one spare bit for the sign of the last limb
            if k <= MAX_FLOAT_LIMBS:
                self._limbs = _float_limbs(self._floats, -self.exp, k)
        return self._limbs

    def rescaled(self, exp: int) -> Dyadic:
        """Same values with a smaller (or equal) common exponent."""
        if exp > self.exp:
            raise ValueError("can only rescale to a smaller exponent")
        return Dyadic(self.ints * (1 << (self.exp - exp)), exp)


def _float_limbs(a: NDArray[np.float64], scale: int, k: int) -> NDArray[np.float64]:
    """Limbs of the integers a * 2**scale (exact: a power-of-two scaling, then floor and subtract)."""
    s = np.ldexp(a, scale)
    out = np.empty((k,) + a.shape)
    q = np.empty_like(s)
    for i in range(k - 1):
        np.multiply(s, 1.0 / (1 << LIMB_BITS), out=q)
        np.floor(q, out=q)
        np.multiply(q, -float(1 << LIMB_BITS), out=out[i])
        out[i] += s  # s - 2**16 floor(s / 2**16): an integer in [0, 2**16), exact
        s, q = q, s
    out[k - 1] = s
    return out


def from_array(a: NDArray[Any]) -> Dyadic:
    """Exact Dyadic of a float/int/bool array (float inputs must be finite)."""
    a = np.asarray(a)
    if a.dtype.kind in "iub":
        return Dyadic(a.astype(object), 0)
    a = a.astype(np.float64)  # exact for float16/float32
    mant, e = np.frexp(a)
    m = (mant * 2.0**53).astype(np.int64)  # exact: a = m * 2**(e - 53)
    e = e.astype(np.int64) - 53
    nz = m != 0
    if not nz.any():
        return Dyadic(np.zeros(a.shape, dtype=object), 0)
    low = m & -m  # strip trailing zero bits so the integers stay short
    tz = np.maximum(np.frexp(low.astype(np.float64))[1] - 1, 0).astype(np.int64)  # low: 0 or a power of 2
    m = m >> tz
    e = e + tz
    base = int(e[nz].min())
    shift = np.where(nz, e - base, 0)
    d = Dyadic(None, base)
    d._mant, d._shift, d._floats = m, shift, a
    top = np.frexp(np.abs(m).astype(np.float64))[1] + shift  # bit lengths (|m| < 2**53: exact)
    d._bits = int(top[nz].max())
    return d


def from_scalar(x: float) -> Dyadic:
    return from_array(np.asarray([x]))


def align(*ds: Dyadic) -> list[Dyadic]:
    """Rescale to the smallest common exponent."""
    e = min(d.exp for d in ds)
    return [d.rescaled(e) for d in ds]
