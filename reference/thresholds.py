"""Float thresholds of the logistic functions, computed by the oracle (bisection over floats).

Each threshold is a float of its format (stored as a Python float, exactly):
- ``sigmoid_rounds_to_one``: smallest z with round(sigma(z)) == 1 (below it, sigma(z) < 1).
- ``exp_neg_negligible``: smallest z with round(1 + e^-z) == 1, where the textbook 1 / (1 + e^-z)
  evaluated in the format saturates to 1 (36.7 in float64, below sigmoid_rounds_to_one = 37.4).
- ``exp_overflow``: smallest z with round(e^z) == inf.
- ``sigmoid_subnormal``: smallest z with round(sigma(z)) >= smallest normal; below it sigma(z)
  rounds to a subnormal (or zero).
- ``sigmoid_zero``: smallest z with round(sigma(z)) > 0; below it sigma(z) rounds to 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .measures import Format, FormatLike, get_format
from .precision import correctly_rounded
from .scalar import exp, sigmoid

__all__ = ["Thresholds", "thresholds", "FLOAT64", "FLOAT32"]

if TYPE_CHECKING:
    from ._types import Exact

    FLOAT64: Thresholds  # computed on first access, by __getattr__ below
    FLOAT32: Thresholds


@dataclass(frozen=True)
class Thresholds:
    """Where the format's floats change behaviour for sigma and exp (see module doc)."""

    fmt: str
    sigmoid_rounds_to_one: float
    exp_neg_negligible: float
    exp_overflow: float
    sigmoid_subnormal: float
    sigmoid_zero: float
    smallest_normal: float
    smallest_subnormal: float
    unit_roundoff: float
    epsilon: float


_INT: dict[str, tuple[type[np.signedinteger[Any]], type[np.floating[Any]]]] = {
    "float64": (np.int64, np.float64),
    "float32": (np.int32, np.float32),
}


def _to_ordinal(x: float, f: Format) -> int:
    """Map floats of the format to integers, monotonically (+0 and -0 both to 0)."""
    itype, ftype = _INT[f.name]
    bits = int(np.array(ftype(x)).view(itype))
    return bits if bits >= 0 else -(bits & np.iinfo(itype).max)


def _from_ordinal(k: int, f: Format) -> float:
    itype, ftype = _INT[f.name]
    bits = k if k >= 0 else (-k) | int(np.iinfo(itype).min)
    return float(np.array(bits, dtype=itype).view(ftype))


def _smallest_true(pred: Callable[[float], bool], lo: float, hi: float, f: Format) -> float:
    """Smallest float t of the format in [lo, hi] with pred(t), for pred monotone false -> true."""
    a, b = _to_ordinal(lo, f), _to_ordinal(hi, f)
    if pred(lo) or not pred(hi):
        raise ArithmeticError(f"threshold not bracketed by [{lo}, {hi}]")
    while b - a > 1:  # invariant: pred(a) false, pred(b) true
        mid = (a + b) // 2
        if pred(_from_ordinal(mid, f)):
            b = mid
        else:
            a = mid
    return _from_ordinal(b, f)


def _one_plus_exp_neg(z: float, *, prec: int | None) -> Exact:
    """1 + e^-z, within relative 2**-prec."""
    return 1 + exp(-z, prec=prec)


def _compute(f: Format) -> Thresholds:
    smallest_normal = math.ldexp(1.0, f.emin)
    largest = float(np.finfo(f.dtype).max)

    def cr(fn: Callable[..., Exact], z: float) -> float:
        return float(cast("np.floating[Any]", correctly_rounded(fn, z, fmt=f.name)))  # fn gives a scalar

    return Thresholds(
        fmt=f.name,
        sigmoid_rounds_to_one=_smallest_true(lambda z: cr(sigmoid, z) == 1.0, 0.0, largest, f),
        exp_neg_negligible=_smallest_true(lambda z: cr(_one_plus_exp_neg, z) == 1.0, 0.0, largest, f),
        exp_overflow=_smallest_true(lambda z: math.isinf(cr(exp, z)), 0.0, largest, f),
        sigmoid_subnormal=_smallest_true(lambda z: cr(sigmoid, z) >= smallest_normal, -largest, 0.0, f),
        sigmoid_zero=_smallest_true(lambda z: cr(sigmoid, z) > 0.0, -largest, 0.0, f),
        smallest_normal=smallest_normal,
        smallest_subnormal=math.ldexp(1.0, f.smallest_subnormal_exp),
        unit_roundoff=math.ldexp(1.0, -f.p),
        epsilon=math.ldexp(1.0, 1 - f.p),
    )


@cache
def _cached(name: str) -> Thresholds:
    return _compute(get_format(name))


def thresholds(fmt: FormatLike = "float64") -> Thresholds:
    """The Thresholds of "float64" or "float32" (or a numpy dtype)."""
    return _cached(get_format(fmt).name)


def __getattr__(name: str) -> Thresholds:
    # FLOAT64 / FLOAT32 are computed on first access, keeping the import fast.
    if name == "FLOAT64":
        return thresholds("float64")
    if name == "FLOAT32":
        return thresholds("float32")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
