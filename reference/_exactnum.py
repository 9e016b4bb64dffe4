"""Exact conversion of user inputs (floats, ints, bools, numpy scalars) to mpmath values.

Every float is a dyadic rational, so it converts to an mpf without rounding.  These helpers
validate as they convert: NaN raises ValueError naming the argument.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from fractions import Fraction
from typing import cast

import mpmath
import numpy as np
from mpmath import libmp
from numpy.typing import NDArray

from ._types import Exact, RawMpf

MPF_TYPES = (mpmath.mpf,)


def _raw(value: object) -> RawMpf | None:
    """The raw mpmath tuple of an mpf of any context, else None."""
    return cast("RawMpf | None", getattr(value, "_mpf_", None))


def to_raw(value: object, name: str, *, allow_inf: bool = True) -> RawMpf:
    """Exact raw mpf tuple of a real scalar input; NaN (and inf unless allowed) raise ValueError."""
    raw = _raw(value)
    if raw is None:
        if isinstance(value, (bool, np.bool_)):
            raw = libmp.from_int(int(value))
        elif isinstance(value, (int, np.integer)):
            raw = libmp.from_int(int(value))
        elif isinstance(value, (float, np.floating)):
            f = float(value)  # exact for float16/32/64
            if math.isnan(f):
                raise ValueError(f"{name}={value!r} is NaN; pass a number (inf is accepted where a limit exists)")
            raw = libmp.from_float(f)
        elif isinstance(value, Fraction):
            if value.denominator & (value.denominator - 1):
                raise ValueError(f"{name}={value!r} is not a dyadic rational")
            raw = libmp.from_man_exp(value.numerator, 1 - value.denominator.bit_length())
        elif isinstance(value, np.ndarray) and value.ndim == 0:
            return to_raw(value[()], name, allow_inf=allow_inf)
        elif isinstance(value, numbers.Real):
            return to_raw(float(value), name, allow_inf=allow_inf)
        else:
            raise TypeError(f"{name}={value!r} is not a real number; pass a float, int or numpy scalar")
    if raw == libmp.fnan:
        raise ValueError(f"{name} is NaN; pass a number (inf is accepted where a limit exists)")
    if not allow_inf and raw in (libmp.finf, libmp.fninf):
        raise ValueError(f"{name}={value!r} is infinite; pass a finite number")
    return raw


def to_mpf(raw: RawMpf) -> Exact:
    """Wrap a raw tuple as a global ``mpmath.mpf`` without rounding it."""
    return mpmath.mp.make_mpf(raw)


def map_elementwise(fn: Callable[..., Exact], *args: object) -> Exact | NDArray[np.object_]:
    """Apply scalar ``fn`` to scalars, or elementwise to broadcast arrays (object array out)."""
    if not any(isinstance(a, (np.ndarray, list, tuple)) for a in args):
        return fn(*args)
    arrays = [np.asarray(a) for a in args]
    for a in arrays:
        if a.dtype.kind not in "fiub" and a.dtype != object:
            raise TypeError(f"array of dtype {a.dtype} is not supported; pass float32/float64/int/bool")
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    out = np.empty(shape, dtype=object)
    flat = [np.broadcast_to(a, shape).ravel() for a in arrays]
    outflat = out.reshape(-1)
    for k in range(outflat.size):
        outflat[k] = fn(*(f[k] for f in flat))
    return out
