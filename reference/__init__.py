"""Exact high-precision oracle for the maths of logistic regression.

Scalar maths (``sigmoid``, ``loss``, ...), problem maths (``cost``, ``gradient``, ``hessian``,
``logits`` and the linear / squared-error twins), error measures (``round_to_format``,
``ulp_distance``, ...) and the float thresholds of the logistic functions.  Results are mpmath
mpf values accurate to ``prec`` bits (128 by default), far beyond float64.
The softmax family (``softmax``, ``log_softmax``, ``logsumexp``, ``softmax_cross_entropy``,
``smoothed_cross_entropy``, ``softmax_cost``, ``softmax_gradient``, ...) and its thresholds
(``softmax_thresholds``) likewise.
"""

from .measures import abs_error, bits_of_error, rel_error, round_to_format, ulp, ulp_distance
from .multiclass import (
    PENALTIES,
    SoftmaxGradient,
    cross_entropy,
    log_softmax,
    logsumexp,
    smoothed_cross_entropy,
    softmax,
    softmax_cost,
    softmax_cross_entropy,
    softmax_gradient,
    softmax_hessian_vector_product,
    softmax_logits,
)
from .precision import DEFAULT_PREC, GUARD_BITS, MAX_PREC, correctly_rounded
from .problem import (
    Gradient,
    cost,
    gradient,
    hessian,
    linear_cost,
    linear_gradient,
    logits,
    squared_error_cost,
    squared_error_gradient,
)
from .scalar import (
    log_sigmoid,
    loss,
    loss_derivative,
    loss_from_logit,
    sigmoid,
    sigmoid_derivative,
    softplus,
)
from .thresholds import SoftmaxThresholds, Thresholds, softmax_thresholds, thresholds

__all__ = [
    "sigmoid",
    "log_sigmoid",
    "softplus",
    "sigmoid_derivative",
    "loss",
    "loss_from_logit",
    "loss_derivative",
    "Gradient",
    "logits",
    "cost",
    "gradient",
    "hessian",
    "linear_cost",
    "linear_gradient",
    "squared_error_cost",
    "squared_error_gradient",
    "softmax",
    "log_softmax",
    "logsumexp",
    "softmax_cross_entropy",
    "smoothed_cross_entropy",
    "cross_entropy",
    "SoftmaxGradient",
    "softmax_logits",
    "softmax_cost",
    "softmax_gradient",
    "softmax_hessian_vector_product",
    "PENALTIES",
    "round_to_format",
    "ulp",
    "ulp_distance",
    "bits_of_error",
    "abs_error",
    "rel_error",
    "Thresholds",
    "thresholds",
    "SoftmaxThresholds",
    "softmax_thresholds",
    "FLOAT64",
    "FLOAT32",
    "correctly_rounded",
    "DEFAULT_PREC",
    "GUARD_BITS",
    "MAX_PREC",
]


def __getattr__(name: str) -> Thresholds:
    # The float thresholds are computed on first use so that importing stays fast.
    if name in ("FLOAT64", "FLOAT32"):
        import importlib
        from typing import cast

        _t = importlib.import_module(__name__ + ".thresholds")

        return cast(Thresholds, getattr(_t, name))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
