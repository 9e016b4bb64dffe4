"""Precision policy of the oracle.

Every public function takes ``prec``: the number of bits of relative accuracy it aims for.  The
kernels work at ``prec + GUARD_BITS`` bits; the problem functions (sums over examples) widen the
working precision further when their own error bound says cancellation ate the guard bits, and
retry (Ziv's strategy) until the bound is met or ``MAX_PREC`` is reached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

import mpmath
from mpmath import libmp

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
    from numpy import floating
    from numpy.typing import NDArray

    from ._types import RealScalar
    from .measures import FormatLike

Rounded: TypeAlias = "floating[Any] | NDArray[floating[Any]] | DataclassInstance"
"""A correctly rounded result: a numpy float, an array of them, or a dataclass (a Gradient) of them."""

DEFAULT_PREC = 128
"""Bits of relative accuracy aimed for by default: more than twice float64's 53."""

GUARD_BITS = 32
"""Extra bits carried by every kernel on top of the requested accuracy."""

MAX_PREC = 1 << 14
"""Working precision at which the retry loops stop and return their best value."""


def check_prec(prec: int | None) -> int:
    """Return ``prec`` (or the default) after checking it is a usable number of bits."""
    if prec is None:
        return DEFAULT_PREC
    if isinstance(prec, bool) or not isinstance(prec, int):
        raise TypeError(f"prec={prec!r} must be an int number of bits, e.g. prec=128")
    if not 24 <= prec <= MAX_PREC:
        raise ValueError(f"prec={prec!r} is out of range; pass 24 <= prec <= {MAX_PREC}")
    return prec


def _round_if_stable(value: RealScalar, prec: int, fmt: FormatLike) -> floating[Any] | None:
    """The rounding of ``value`` if every number within relative 2**-prec of it rounds alike."""
    from .measures import round_to_format

    raw = getattr(value, "_mpf_", None)
    if raw is None or raw[1] == 0:  # exact zero, infinities, NaN, plain floats: nothing to widen
        return round_to_format(value, fmt)
    sign, man, exp, bc = raw
    # value * (1 -+ 2**-prec) as exact mpf endpoints
    delta = libmp.from_man_exp(man, exp - prec)
    lo: floating[Any] = round_to_format(mpmath.mp.make_mpf(libmp.mpf_sub(raw, delta, 0)), fmt)
    hi: floating[Any] = round_to_format(mpmath.mp.make_mpf(libmp.mpf_add(raw, delta, 0)), fmt)
    if lo == hi or (lo == 0 and hi == 0):
        return lo
    return None


def _round_structure(value: object, prec: int, fmt: FormatLike) -> Rounded | None:
    """Round an mpf, an object array of mpf or a dataclass of them; None if any part is unstable."""
    import dataclasses

    import numpy as np

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = {}
        for field in dataclasses.fields(value):
            r = _round_structure(getattr(value, field.name), prec, fmt)
            if r is None:
                return None
            parts[field.name] = r
        return dataclasses.replace(value, **parts)
    if isinstance(value, np.ndarray):
        from .measures import get_format

        out = np.empty(value.shape, dtype=get_format(fmt).dtype)
        for idx in np.ndindex(value.shape):
            r = _round_if_stable(value[idx], prec, fmt)
            if r is None:
                return None
            out[idx] = r
        return out
    return _round_if_stable(value, prec, fmt)


def correctly_rounded(
    fn: Callable[..., object], *args: object, fmt: FormatLike = "float64", prec: int | None = None, **kwargs: object
) -> Rounded:
    """Correctly rounded result of ``fn(*args, prec=p, **kwargs)`` in ``fmt`` (Ziv's strategy).

    ``fn`` is any oracle function taking ``prec`` (its result is within relative 2**-p of the
    truth).  It is evaluated at p = prec, 2 prec, 4 prec, ... until every value within that error
    of the result rounds to the same float; returns numpy floats (or arrays, or a Gradient of
    them).  An exact result lying on a rounding tie cannot be told apart from its neighbours:
    after MAX_PREC the value itself is rounded.
    """
    p = check_prec(prec)
    while True:
        value = fn(*args, prec=p, **kwargs)
        rounded = _round_structure(value, p, fmt)
        if rounded is not None:
            return rounded
        if 2 * p > MAX_PREC:
            return _round_exact(value, fmt)
        p *= 2


def _round_exact(value: object, fmt: FormatLike) -> Rounded:
    import dataclasses

    from .measures import round_to_format

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value, **{fl.name: _round_exact(getattr(value, fl.name), fmt) for fl in dataclasses.fields(value)}
        )
    return round_to_format(value, fmt)
