"""Float thresholds of the logistic functions, computed by the oracle (bisection over floats).

Each threshold is a float of its format (stored as a Python float, exactly):
- ``sigmoid_rounds_to_one``: smallest z with round(sigma(z)) == 1 (below it, sigma(z) < 1).
- ``exp_neg_negligible``: smallest z with round(1 + e^-z) == 1, where the textbook 1 / (1 + e^-z)
  evaluated in the format saturates to 1 (36.7 in float64, below sigmoid_rounds_to_one = 37.4).
- ``exp_overflow``: smallest z with round(e^z) == inf.
- ``sigmoid_subnormal``: smallest z with round(sigma(z)) >= smallest normal; below it sigma(z)
  rounds to a subnormal (or zero).
- ``sigmoid_zero``: smallest z with round(sigma(z)) > 0; below it sigma(z) rounds to 0.

``softmax_thresholds(fmt, classes)`` gives those of the softmax family (``SoftmaxThresholds``).
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

__all__ = ["Thresholds", "thresholds", "FLOAT64", "FLOAT32", "SoftmaxThresholds", "softmax_thresholds"]

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


# ---------------------------------------------------------------------------- the softmax family


@dataclass(frozen=True)
class SoftmaxThresholds:
    """Where the format's floats change behaviour for softmax with ``classes`` classes (see
    ``softmax_thresholds``); each value is a float of the format, found by bisection with the oracle."""

    fmt: str
    classes: int
    exp_underflow: float
    exp_subnormal: float
    exp_overflow: float
    sum_overflow: float
    sum_rounds_to_one: float
    softmax_rounds_to_one: float
    softmax_subnormal: float
    softmax_zero: float


def _times(k: int, value: Exact) -> Exact:
    """k * value exactly (an mpf carrying all its bits)."""
    import mpmath
    from mpmath import libmp

    return mpmath.mp.make_mpf(libmp.mpf_mul(libmp.from_int(k), value._mpf_, 0))


def _compute_softmax(f: Format, classes: int) -> SoftmaxThresholds:
    from mpmath import libmp

    from .multiclass import softmax

    smallest_normal = math.ldexp(1.0, f.emin)
    largest = float(np.finfo(f.dtype).max)
    K = classes

    def cr(fn: Callable[..., Any], *args: object) -> float:
        return float(cast("np.floating[Any]", correctly_rounded(fn, *args, fmt=f.name)))

    def p(k: int, d: float) -> float:
        """softmax(0, d, ..., d)_k, correctly rounded."""
        row = np.full(K, d, dtype=f.dtype)
        row[0] = 0
        return float(correctly_rounded(softmax, row, fmt=f.name)[k])  # type: ignore[index]

    def sum_of_exps(x: float, *, prec: int | None) -> Exact:
        return _times(K, exp(x, prec=prec))

    def one_plus(g: float, *, prec: int | None) -> Exact:
        import mpmath

        tail = _times(K - 1, exp(-g, prec=prec))._mpf_
        return mpmath.mp.make_mpf(libmp.mpf_add(libmp.fone, tail, (prec or 128) + 16, libmp.round_nearest))

    return SoftmaxThresholds(
        fmt=f.name,
        classes=K,
        exp_underflow=_smallest_true(lambda x: cr(exp, x) > 0.0, -largest, 0.0, f),
        exp_subnormal=_smallest_true(lambda x: cr(exp, x) >= smallest_normal, -largest, 0.0, f),
        exp_overflow=_smallest_true(lambda x: math.isinf(cr(exp, x)), 0.0, largest, f),
        sum_overflow=_smallest_true(lambda x: math.isinf(cr(sum_of_exps, x)), 0.0, largest, f),
        sum_rounds_to_one=_smallest_true(lambda g: cr(one_plus, g) == 1.0, 0.0, largest, f),
        softmax_rounds_to_one=_smallest_true(lambda g: p(0, -g) == 1.0, 0.0, largest, f),
        softmax_subnormal=_smallest_true(lambda d: p(1, d) >= smallest_normal, -largest, 0.0, f),
        softmax_zero=_smallest_true(lambda d: p(1, d) > 0.0, -largest, 0.0, f),
    )


@cache
def _cached_softmax(name: str, classes: int) -> SoftmaxThresholds:
    return _compute_softmax(get_format(name), classes)


def softmax_thresholds(fmt: FormatLike = "float64", classes: int = 2) -> SoftmaxThresholds:
    """The SoftmaxThresholds of "float64" or "float32" for ``classes`` >= 2 classes (computed on first use):

    - ``exp_underflow``: smallest x with round(e^x) > 0.  A class more than -exp_underflow below the
      largest logit gets e^(z - max) = 0 in the shifted form (softmax 0, log softmax -inf); a row whose
      logits are all below it makes the unshifted sum 0 (0 / 0).
    - ``exp_subnormal``: smallest x with round(e^x) normal; e^(z - max) is subnormal below it.
    - ``exp_overflow``: smallest x with round(e^x) = inf: the unshifted e^(z_k) overflows (inf / inf).
    - ``sum_overflow``: smallest x with round(K e^x) = inf: K equal logits x make the unshifted sum
      overflow although no term does.
    - ``sum_rounds_to_one``: smallest gap g with round(1 + (K - 1) e^-g) = 1: for z = (0, -g, ..., -g) the
      shifted sum rounds to 1, log(sum) to 0, so a log_softmax or logsumexp without log1p returns
      exactly max and 0 at the largest class.
    - ``softmax_rounds_to_one``: smallest g with round(softmax(0, -g, ..., -g)_0) = 1.
    - ``softmax_subnormal`` / ``softmax_zero``: smallest d with round(softmax(0, d, ..., d)_1) normal / > 0.

    With two classes these are the binary thresholds: softmax(0, -g)_0 = sigma(g), 1 + e^-g.
    """
    if isinstance(classes, bool) or not isinstance(classes, int) or classes < 2:
        raise ValueError(f"classes={classes!r}; pass an int number of classes >= 2")
    return _cached_softmax(get_format(fmt).name, classes)
