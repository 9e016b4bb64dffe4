"""Measures of error against exact values: correct rounding, ulps, bits of error.

Formats are named "float64" and "float32" (numpy dtypes and types are accepted too).  Exact
values may be mpmath mpf (of any context), Python/numpy floats, ints or ``fractions.Fraction``.

Conventions
-----------
- ``ulp(x, fmt)`` is the spacing of the format's floats at |x|: for 2**e <= |x| < 2**(e+1) it is
  2**(e - p + 1) (p = 53 or 24), so at an exact power of two it is the spacing *above*; below the
  smallest normal number it is the subnormal spacing (smallest subnormal); ulp(0) is the smallest
  subnormal.  Beyond the largest finite float the same formula continues.
- ``ulp_distance(actual, exact)`` = |actual - exact| / ulp(exact); +0 and -0 are equal (distance 0);
  equal infinities are 0 apart; inf against a finite value (either way) is inf; a NaN actual
  is inf away from anything but a NaN exact, and NaN against NaN is 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeAlias, cast, overload

import mpmath
import numpy as np
from mpmath import libmp
from numpy.typing import DTypeLike, NDArray

from ._types import Exact, RawMpf, RealScalar

__all__ = [
    "Format",
    "get_format",
    "round_to_format",
    "ulp",
    "ulp_distance",
    "bits_of_error",
    "abs_error",
    "rel_error",
]


@dataclass(frozen=True)
class Format:
    """A binary floating-point format: ``p`` significand bits, exponents emin..emax."""

    name: str
    p: int
    emin: int
    emax: int
    dtype: type[np.floating[Any]]

    @property
    def smallest_subnormal_exp(self) -> int:
        return self.emin - self.p + 1


FLOAT64_FORMAT = Format("float64", 53, -1022, 1023, np.float64)
FLOAT32_FORMAT = Format("float32", 24, -126, 127, np.float32)
_FORMATS = {"float64": FLOAT64_FORMAT, "float32": FLOAT32_FORMAT}

FormatLike: TypeAlias = "DTypeLike | Format"
"""A format: its name ("float64" or "float32"), a numpy dtype or type, or a Format."""

_Value: TypeAlias = "RawMpf | Fraction"
"""An exact value as ``_classify`` gives it: a raw mpf tuple, or a non-dyadic Fraction."""


def get_format(fmt: FormatLike) -> Format:
    """Resolve "float64"/"float32", a numpy dtype or type, or a Format."""
    if isinstance(fmt, Format):
        return fmt
    name: str | None
    try:
        name = np.dtype(fmt).name
    except TypeError:
        name = None
    if name in _FORMATS:
        return _FORMATS[name]
    raise ValueError(f"fmt={fmt!r} is not a supported format; pass 'float64' or 'float32'")


# ---------------------------------------------------------------- exact values
# A value is classified as a raw mpf tuple (dyadic: floats, ints, mpf) or, for a non-dyadic
# Fraction, kept as the Fraction.  ``neg_zero`` records a float -0.0, which raw tuples cannot hold.


def _classify(x: RealScalar | NDArray[Any]) -> tuple[_Value, bool]:
    """(raw tuple or Fraction, neg_zero)."""
    raw = getattr(x, "_mpf_", None)
    if raw is not None:
        return raw, False
    if isinstance(x, np.ndarray) and x.ndim == 0:
        return _classify(x[()])
    if isinstance(x, (bool, np.bool_, int, np.integer)):
        return libmp.from_int(int(x)), False
    if isinstance(x, Fraction):
        den = x.denominator
        if den & (den - 1) == 0:
            return libmp.from_man_exp(x.numerator, 1 - den.bit_length()), False
        return x, False
    f = float(x)  # float16/32/64: exact
    return libmp.from_float(f), (f == 0.0 and math.copysign(1.0, f) < 0)


def _as_raw(v: _Value, prec: int = 256) -> RawMpf:
    if isinstance(v, Fraction):
        return cast(RawMpf, libmp.from_rational(v.numerator, v.denominator, prec, libmp.round_nearest))
    return v


def _is_special(raw: RawMpf) -> bool:
    return raw in (libmp.fnan, libmp.finf, libmp.fninf)


def _pow2(e: int) -> Fraction:
    return Fraction(1 << e) if e >= 0 else Fraction(1, 1 << -e)


def _exponent_of(v: _Value) -> int:
    """floor(log2 |v|) for nonzero finite v (raw or Fraction)."""
    if isinstance(v, Fraction):
        mag = abs(v)
        e = mag.numerator.bit_length() - mag.denominator.bit_length()
        return e if mag >= _pow2(e) else e - 1
    _, man, exp, bc = v
    return exp + bc - 1


def _round_finite(v: _Value, f: Format) -> float:
    """Correctly rounded (half-even) value of nonzero finite v, signed (inf on overflow)."""
    e = _exponent_of(v)
    neg = (v < 0) if isinstance(v, Fraction) else bool(v[0])
    q = max(e, f.emin) - f.p + 1  # quantum: the result is a multiple of 2**q
    if e > f.emax + 1:
        return -math.inf if neg else math.inf
    if e < f.smallest_subnormal_exp - 2:  # below a quarter of the smallest subnormal
        return -0.0 if neg else 0.0
    if isinstance(v, Fraction):
        scaled = abs(v) / _pow2(q)
        m, rem = divmod(scaled.numerator, scaled.denominator)
        cmp = (2 * rem > scaled.denominator) - (2 * rem < scaled.denominator)
    else:
        _, man, exp, _ = v
        shift = q - exp
        if shift <= 0:
            m, cmp = man << -shift, -1
        else:
            m, rem = man >> shift, man & ((1 << shift) - 1)
            half = 1 << (shift - 1)
            cmp = (rem > half) - (rem < half)
    if cmp > 0 or (cmp == 0 and m & 1):
        m += 1
    if m.bit_length() + q - 1 > f.emax:
        r = math.inf
    else:
        r = math.ldexp(m, q)
    return -r if neg else r


def _round_scalar(x: RealScalar | NDArray[Any], f: Format) -> np.floating[Any]:
    v, neg_zero = _classify(x)
    if not isinstance(v, Fraction):
        if v == libmp.fnan:
            return f.dtype(math.nan)
        if v == libmp.finf:
            return f.dtype(math.inf)
        if v == libmp.fninf:
            return f.dtype(-math.inf)
        if v == libmp.fzero:
            return f.dtype(-0.0 if neg_zero else 0.0)
    elif v == 0:
        return f.dtype(0.0)
    return f.dtype(_round_finite(v, f))


@overload
def round_to_format(
    x: NDArray[Any] | list[Any] | tuple[Any, ...], fmt: FormatLike = "float64"
) -> NDArray[np.floating[Any]]: ...
@overload
def round_to_format(x: RealScalar, fmt: FormatLike = "float64") -> np.floating[Any]: ...
def round_to_format(
    x: RealScalar | NDArray[Any] | list[Any] | tuple[Any, ...], fmt: FormatLike = "float64"
) -> np.floating[Any] | NDArray[np.floating[Any]]:
    """Correctly rounded (round-half-even) value of exact x in the format.

    Overflow gives +-inf, results below half the smallest subnormal give a zero of x's sign.
    Scalars give numpy.float64/float32; arrays give arrays of that dtype.
    """
    f = get_format(fmt)
    if isinstance(x, (np.ndarray, list, tuple)):
        arr = np.asarray(x, dtype=object)
        out = np.empty(arr.shape, dtype=f.dtype)
        for idx in np.ndindex(arr.shape):
            out[idx] = _round_scalar(arr[idx], f)
        return out
    return _round_scalar(x, f)


def _ulp_exp(v: _Value, f: Format) -> int:
    if (v == 0) if isinstance(v, Fraction) else (v == libmp.fzero):
        return f.smallest_subnormal_exp
    return max(_exponent_of(v), f.emin) - f.p + 1


def ulp(x: RealScalar, fmt: FormatLike = "float64") -> Exact:
    """Spacing of the format's floats at exact x, as an exact mpf power of two (see module doc)."""
    f = get_format(fmt)
    v, _ = _classify(x)
    if not isinstance(v, Fraction) and _is_special(v):
        raise ValueError(f"x={x!r} is not finite; ulp is defined for finite values only")
    return mpmath.mp.make_mpf(libmp.from_man_exp(1, _ulp_exp(v, f)))


def _kind(v: _Value) -> str:
    if isinstance(v, Fraction):
        return "fin"
    return {libmp.fnan: "nan", libmp.finf: "+inf", libmp.fninf: "-inf"}.get(v, "fin")


def _special_distance(ka: str, kb: str) -> float | None:
    """Distance when either side is NaN or infinite, else None."""
    if kb == "nan":
        return 0.0 if ka == "nan" else math.inf
    if ka == "nan":
        return math.inf
    if ka != "fin" or kb != "fin":
        return 0.0 if ka == kb else math.inf
    return None


def _abs_diff(va: _Value, vb: _Value) -> RawMpf:
    """|va - vb| as a raw mpf to 64 bits (exact inputs, one rounding)."""
    if isinstance(va, Fraction) or isinstance(vb, Fraction):
        fa = va if isinstance(va, Fraction) else _raw_to_fraction(va)
        fb = vb if isinstance(vb, Fraction) else _raw_to_fraction(vb)
        d = abs(fa - fb)
        return cast(RawMpf, libmp.from_rational(d.numerator, d.denominator, 64, libmp.round_nearest))
    return cast(RawMpf, libmp.mpf_abs(libmp.mpf_sub(va, vb, 64, libmp.round_nearest)))


def _raw_to_fraction(raw: RawMpf) -> Fraction:
    sign, man, exp, _ = raw
    mag = Fraction(man << exp) if exp >= 0 else Fraction(man, 1 << -exp)
    return -mag if sign else mag


def _to_float(raw: RawMpf) -> float:
    return cast(float, libmp.to_float(raw))  # huge -> inf, tiny -> 0


def _pair(actual: RealScalar, exact: RealScalar) -> tuple[_Value, _Value, float | None]:
    va, _ = _classify(actual)
    vb, _ = _classify(exact)
    return va, vb, _special_distance(_kind(va), _kind(vb))


def ulp_distance(actual: RealScalar, exact: RealScalar, fmt: FormatLike = "float64") -> float:
    """|actual - exact| / ulp(exact, fmt) as a float (module doc gives the NaN/inf/zero rules)."""
    f = get_format(fmt)
    va, vb, special = _pair(actual, exact)
    if special is not None:
        return special
    return _to_float(libmp.mpf_shift(_abs_diff(va, vb), -_ulp_exp(vb, f)))


def bits_of_error(ulps: float) -> float:
    """log2(1 + ulps), the bits of error Herbie reports; inf stays inf."""
    ulps = float(ulps)
    if math.isnan(ulps) or ulps < 0:
        raise ValueError(f"ulps={ulps!r} must be a non-negative number of ulps")
    return math.inf if math.isinf(ulps) else math.log2(1.0 + ulps)


def abs_error(actual: RealScalar, exact: RealScalar) -> float:
    """|actual - exact| as a float, with ulp_distance's NaN/inf rules (0 or inf)."""
    va, vb, special = _pair(actual, exact)
    if special is not None:
        return special
    return _to_float(_abs_diff(va, vb))


def rel_error(actual: RealScalar, exact: RealScalar) -> float:
    """|actual - exact| / |exact| as a float; exact 0 gives inf unless actual is 0 too."""
    va, vb, special = _pair(actual, exact)
    if special is not None:
        return special
    diff = _abs_diff(va, vb)
    if diff == libmp.fzero:
        return 0.0
    if (vb == 0) if isinstance(vb, Fraction) else (vb == libmp.fzero):
        return math.inf
    return _to_float(libmp.mpf_div(diff, libmp.mpf_abs(_as_raw(vb)), 64, libmp.round_nearest))
