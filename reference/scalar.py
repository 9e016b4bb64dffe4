"""Scalar maths of logistic regression, exact to ``prec`` bits.

Each function accepts a Python/numpy scalar (returns a global ``mpmath.mpf`` carrying the full
working precision) or an array (returns an object array of such mpf, same shape).  Inputs are
taken as the exact rationals they are; NaN raises ValueError naming the argument.
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath
import numpy as np
from mpmath import libmp
from numpy.typing import NDArray

from . import _kernels as K
from ._exactnum import map_elementwise, to_mpf, to_raw
from ._types import Exact, RawMpf, RealInput, RealScalar
from .precision import GUARD_BITS, check_prec

__all__ = [
    "sigmoid",
    "log_sigmoid",
    "softplus",
    "sigmoid_derivative",
    "loss",
    "loss_from_logit",
    "loss_derivative",
]


def check_unit_interval(raw: RawMpf, name: str, value: object) -> None:
    """Raise ValueError unless 0 <= value <= 1."""
    if libmp.mpf_lt(raw, K.ZERO) or libmp.mpf_gt(raw, K.ONE):
        raise ValueError(f"{name}={value!r} is outside [0, 1]; pass a probability/label in [0, 1]")


def _unary(kernel: Callable[[RawMpf, int], RawMpf], z: RealInput, prec: int | None) -> Exact | NDArray[np.object_]:
    wp = check_prec(prec) + GUARD_BITS

    def one(v: RealScalar) -> Exact:
        return to_mpf(kernel(to_raw(v, "z"), wp))

    return map_elementwise(one, z)


def _label(v: RealScalar, name: str = "y") -> RawMpf:
    raw = to_raw(v, name, allow_inf=False)
    check_unit_interval(raw, name, v)
    return raw


def sigmoid(z: RealInput, *, prec: int | None = None) -> mpmath.mpf:
    """sigma(z) = 1 / (1 + e^-z); sigma(+inf) = 1, sigma(-inf) = 0."""
    return _unary(K.sigmoid, z, prec)


def log_sigmoid(z: RealInput, *, prec: int | None = None) -> mpmath.mpf:
    """log sigma(z) = -softplus(-z) (never positive)."""
    return _unary(K.log_sigmoid, z, prec)


def softplus(z: RealInput, *, prec: int | None = None) -> mpmath.mpf:
    """log(1 + e^z), computed as max(z, 0) + log1p(e^-|z|)."""
    return _unary(K.softplus, z, prec)


def sigmoid_derivative(z: RealInput, *, prec: int | None = None) -> mpmath.mpf:
    """sigma'(z) = sigma(z)(1 - sigma(z)) = e^-|z| / (1 + e^-|z|)^2."""
    return _unary(K.sigmoid_derivative, z, prec)


def loss(f: RealInput, y: RealInput, *, prec: int | None = None) -> mpmath.mpf:
    """Log-loss of probability f for label y: -y log f - (1-y) log(1-f), with 0 log 0 = 0.

    f and y must lie in [0, 1]; f = 0 with y > 0 (or f = 1 with y < 1) gives mpmath inf.
    """
    wp = check_prec(prec) + GUARD_BITS

    def one(fv: RealScalar, yv: RealScalar) -> Exact:
        fr = to_raw(fv, "f", allow_inf=False)
        check_unit_interval(fr, "f", fv)
        return to_mpf(K.loss(fr, _label(yv), wp))

    return map_elementwise(one, f, y)


def loss_from_logit(z: RealInput, y: RealInput, *, prec: int | None = None) -> mpmath.mpf:
    """softplus(z) - y z = y softplus(-z) + (1-y) softplus(z), without cancellation; y in [0, 1]."""
    wp = check_prec(prec) + GUARD_BITS

    def one(zv: RealScalar, yv: RealScalar) -> Exact:
        return to_mpf(K.loss_from_logit(to_raw(zv, "z"), _label(yv), wp))

    return map_elementwise(one, z, y)


def loss_derivative(f: RealInput, y: RealInput, *, prec: int | None = None) -> mpmath.mpf:
    """dL/df = -y/f + (1-y)/(1-f) = (f - y) / (f (1 - f)); at f = 0 or 1 the 0/0 term counts as 0.

    f = 0 with y > 0 gives -inf; f = 1 with y < 1 gives +inf.
    """
    wp = check_prec(prec) + GUARD_BITS

    def one(fv: RealScalar, yv: RealScalar) -> Exact:
        fr = to_raw(fv, "f", allow_inf=False)
        check_unit_interval(fr, "f", fv)
        return to_mpf(K.loss_derivative(fr, _label(yv), wp))

    return map_elementwise(one, f, y)


def exp(z: RealInput, *, prec: int | None = None) -> mpmath.mpf:
    """e^z (used for the overflow threshold)."""
    return _unary(K.exp, z, prec)
