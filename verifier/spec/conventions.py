"""Calling conventions: the function names a course uses and the signature of each target.

A convention is a table of named signatures (verifier/spec/signatures.py): for each target, the
function names to look for and how that function is called and read.  Built in: ``mls`` (Coursera
ML Specialization), ``wb`` (mls with (dj_dw, dj_db)), ``theta`` (Andrew Ng's original course: X
with a leading column of ones, theta[0] the intercept) and ``dlai`` (``propagate(w, b, X, Y)``
with X of shape (n, m)), ``cs231n`` (``softmax_loss_vectorized(W, X, y, reg)``) and ``my_softmax``
(the ML Specialization's ``my_softmax(z)`` of one example's logits).  ``Convention.with_signature``
keeps a convention's function names and calls them with any signature instead (``--signature``).

Readings are lenient where unambiguous ((n,), (n, 1), (1, n), lists and 0-d arrays all read as a
length-n vector); whether the documented shapes were returned exactly is judged separately by
``shape_problems`` (check ``contract.shapes``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from verifier.spec import signatures
from verifier.spec.case import Case
from verifier.spec.formats import Format
from verifier.spec.signatures import Signature, SignatureError, UnreadableOutput, as_array, fit_shape
from verifier.spec.targets import Target

__all__ = ["CONVENTIONS", "Convention", "UnreadableOutput", "as_array", "fit_shape", "get_convention"]

POINTWISE_NAMES = {
    "sigmoid": "sigmoid",
    "sigmoid-derivative": "sigmoid_derivative",
    "loss": "loss",
    "loss-from-logit": "loss_from_logit",
    "loss-derivative": "loss_derivative",
    "softmax": "softmax",
    "log-softmax": "log_softmax",
    "logsumexp": "logsumexp",
    "softmax-loss": "cross_entropy",
    "softmax-loss-smoothed": "smoothed_cross_entropy",
    "softmax-loss-from-probs": "cross_entropy_from_probs",
}
POINTWISE_SIGNATURES = {
    "sigmoid": "z -> value",
    "sigmoid-derivative": "z -> value",
    "loss": "f, y -> value",
    "loss-from-logit": "z, y -> value",
    "loss-derivative": "f, y -> value",
    "softmax": "z -> p",
    "log-softmax": "z -> logp",
    "logsumexp": "z -> lse",
    "softmax-loss": "z, yidx -> loss",
    "softmax-loss-smoothed": "z, yidx, smoothing -> loss",
    "softmax-loss-from-probs": "p, yidx -> loss",
}


@dataclass(frozen=True)
class Convention:
    """Function names and signatures per target.

    - ``names``: target -> the function name; with lambda the ``_reg`` name is tried first
      (``reg_names``); a pointwise or row target the convention does not name uses ``POINTWISE_NAMES``
    - ``signatures``: target -> signature text (without lambda; ``lambda_name`` is appended when
      lambda > 0); a pointwise or row target the convention does not list uses ``POINTWISE_SIGNATURES``
    - ``override``: a signature used for every target instead (``with_signature``)
    """

    name: str
    description: str
    names: dict[str, str]
    signatures: dict[str, str]
    supports_lambda: bool = True
    reg_names: bool = True
    override: Signature | None = field(default=None, compare=False)
    lambda_name: str = "lam"  # the name lambda takes in the signature (cs231n: reg)

    def functions(self, target: Target, lam: float) -> list[str]:
        """Function names to look for, in order of preference."""
        if not target.is_problem:
            return [self.names.get(target.name, POINTWISE_NAMES[target.name])]
        if target.name not in self.names:
            raise ValueError(f"convention {self.name!r} has no function for target {target.name!r}")
        base = self.names[target.name]
        if not self.reg_names:
            return [base]
        return [base + "_reg", base] if lam else [base, base + "_reg"]

    def signature(self, target: Target, lam: float) -> Signature:
        """The signature ``target`` is called with (with ``lam`` when lambda > 0 and the convention
        passes it)."""
        if self.override is not None:
            return self.override
        if not target.is_problem:
            return signatures.parse(self.signatures.get(target.name, POINTWISE_SIGNATURES[target.name]))
        if target.name not in self.signatures:
            raise ValueError(f"convention {self.name!r} has no function for target {target.name!r}")
        sig = signatures.parse(self.signatures[target.name])
        return sig.with_lambda(self.lambda_name) if lam and self.supports_lambda else sig

    def pinned(self, target: Target, lam: float) -> Convention:
        """This convention with the signature of a run at ``lam`` fixed for every case, so that a case
        with another lambda (diagnosis probes at lambda = 0) is called the same way."""
        return replace(self, override=self.signature(target, lam))

    def with_signature(self, text: str) -> Convention:
        """This convention's function names, called with the signature ``text``."""
        return replace(self, override=signatures.parse(text), supports_lambda=True)

    # -- the interface the engine calls (one case at a time)
    def make_args(self, target: Target, case: Case, fmt: Format) -> tuple[Any, ...]:
        return self.signature(target, case.lam).make_args(case, fmt)

    def calls(self, target: Target, case: Case, fmt: Format) -> list[tuple[Any, ...]]:
        """The arguments of each call ``case`` takes (one, or one per row for a per-row signature)."""
        return self.signature(target, case.lam).calls(case, fmt)

    def read(self, target: Target, case: Case, raw: Any) -> dict[str, np.ndarray]:
        return self.signature(target, case.lam).read(case, raw, target.expected_shapes(case))

    def shape_problems(self, target: Target, case: Case, raw: Any) -> list[str]:
        return self.signature(target, case.lam).shape_problems(case, raw, target.expected_shapes(case))

    def argument_names(self, target: Target, lam: float) -> tuple[str, ...]:
        """The names of the call's arguments, as the signature spells them (for messages)."""
        return self.signature(target, lam).inputs


def judged_components(target: Target, sig: Signature) -> tuple[str, ...]:
    """The components of ``target`` that ``sig`` returns (SignatureError if it cannot express it)."""
    return signatures.check_fits(sig, target.name, target.inputs, target.components)


_PROBLEM_NAMES = {
    "linear-cost": "compute_cost_linear",
    "linear-gradient": "compute_gradient_linear",
    "softmax-cost": "compute_cost_softmax",
    "softmax-gradient": "compute_gradient_softmax",
    "softmax-cost-and-gradient": "compute_cost_and_gradient_softmax",
}

MLS = Convention(
    "mls",
    "Coursera ML Specialization: compute_cost_logistic(X, y, w, b[, lambda_]) -> cost, "
    "compute_gradient_logistic(X, y, w, b[, lambda_]) -> (dj_db, dj_dw)",
    {
        "cost": "compute_cost_logistic",
        "gradient": "compute_gradient_logistic",
        "cost-and-gradient": "compute_cost_and_gradient_logistic",
        "hessian": "compute_hessian_logistic",
        "predict": "predict",
        **_PROBLEM_NAMES,
    },
    {
        "cost": "X, y, w, b -> J",
        "gradient": "X, y, w, b -> dj_db, dj_dw",
        "cost-and-gradient": "X, y, w, b -> J, dj_db, dj_dw",
        "hessian": "X, y, w, b -> H",
        "predict": "X, w, b -> p",
        "linear-cost": "X, y, w, b -> J",
        "linear-gradient": "X, y, w, b -> dj_db, dj_dw",
        "softmax-cost": "X, yidx, W, b -> J",
        "softmax-gradient": "X, yidx, W, b -> dj_db, dj_dw",
        "softmax-cost-and-gradient": "X, yidx, W, b -> J, dj_db, dj_dw",
    },
)
WB = replace(
    MLS,
    name="wb",
    description="as mls, but gradients return (dj_dw, dj_db)",
    signatures={
        **MLS.signatures,
        "gradient": "X, y, w, b -> dj_dw, dj_db",
        "cost-and-gradient": "X, y, w, b -> J, dj_dw, dj_db",
        "linear-gradient": "X, y, w, b -> dj_dw, dj_db",
        "softmax-gradient": "X, yidx, W, b -> dj_dw, dj_db",
        "softmax-cost-and-gradient": "X, yidx, W, b -> J, dj_dw, dj_db",
    },
)
THETA = Convention(
    "theta",
    "Andrew Ng's original course: cost_function(theta, X, y[, lambda_]) -> (J, grad), X with a leading "
    "column of ones, theta[0] the unregularized intercept",
    {
        "cost": "cost_function",
        "gradient": "cost_function",
        "cost-and-gradient": "cost_function",
        "hessian": "hessian",
        "predict": "predict",
        "linear-cost": "linear_cost_function",
        "linear-gradient": "linear_cost_function",
    },
    {
        "cost": "theta, X1, y -> J, grad",
        "gradient": "theta, X1, y -> J, grad",
        "cost-and-gradient": "theta, X1, y -> J, grad",
        "hessian": "theta, X1, y -> H",
        "predict": "theta, X1 -> p",
        "linear-cost": "theta, X1, y -> J, grad",
        "linear-gradient": "theta, X1, y -> J, grad",
    },
)
DLAI = Convention(
    "dlai",
    'deep learning course: propagate(w, b, X, Y) with X (n, m), Y (1, m), w (n, 1) -> ({"dw", "db"}, cost)',
    {"cost": "propagate", "gradient": "propagate", "cost-and-gradient": "propagate", "predict": "predict"},
    {
        "cost": "wcol, b, XT, yrow -> {dw, db}, J",
        "gradient": "wcol, b, XT, yrow -> {dw, db}, J",
        "cost-and-gradient": "wcol, b, XT, yrow -> {dw, db}, J",
        "predict": "wcol, b, XT -> p",
    },
    supports_lambda=False,
    reg_names=False,
)

CS231N = Convention(
    "cs231n",
    "Stanford cs231n: softmax_loss_vectorized(W, X, y, reg) -> (loss, dW), no bias, the penalty "
    "reg * sum(W^2) (gradient 2 reg W)",
    {"softmax-cost-and-gradient": "softmax_loss_vectorized"},
    {"softmax-cost-and-gradient": "W, X, yidx -> J, dW"},
    reg_names=False,
    lambda_name="reg",
)
MY_SOFTMAX = Convention(
    "my_softmax",
    "ML Specialization lab: my_softmax(z) of one example's logits, shape (K,) -> (K,)",
    {"softmax": "my_softmax"},
    {"softmax": "zrow -> p"},
    supports_lambda=False,
    reg_names=False,
)

CONVENTIONS: dict[str, Convention] = {c.name: c for c in (MLS, WB, THETA, DLAI, CS231N, MY_SOFTMAX)}


def get_convention(name: str | Convention) -> Convention:
    """The Convention called ``name`` (or ``name`` itself when it already is one)."""
    if isinstance(name, Convention):
        return name
    try:
        return CONVENTIONS[name]
    except KeyError:
        raise ValueError(f"convention={name!r} is not known; use one of: {', '.join(CONVENTIONS)}") from None


__all__ += ["SignatureError", "judged_components", "POINTWISE_NAMES"]
