"""Exact integer representation of float arrays: values = ints * 2**exp with one common exp.

Every float is a dyadic rational, so an array of floats is an array of Python integers times a
common power of two; sums and products of such arrays are exact integer arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Dyadic:
    """``ints * 2**exp``: ``ints`` is an object array of Python ints."""

    ints: NDArray[np.object_]
    exp: int

    def rescaled(self, exp: int) -> Dyadic:
        """Same values with a smaller (or equal) common exponent."""
        if exp > self.exp:
            raise ValueError("can only rescale to a smaller exponent")
        return Dyadic(self.ints * (1 << (self.exp - exp)), exp)


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
    tz = np.zeros(a.shape, dtype=np.int64)
    tz[nz] = np.log2(low[nz].astype(np.float64)).astype(np.int64)
    m = m >> tz
    e = e + tz
    base = int(e[nz].min())
    shift = np.where(nz, e - base, 0)
    if int(shift.max()) <= 9:
        ints = (m << shift).astype(object)
    else:
        ints = m.astype(object) << shift.astype(object)
    return Dyadic(ints, base)


def from_scalar(x: float) -> Dyadic:
    return from_array(np.asarray([x]))


def align(*ds: Dyadic) -> list[Dyadic]:
    """Rescale to the smallest common exponent."""
    e = min(d.exp for d in ds)
    return [d.rescaled(e) for d in ds]
