"""The softmax family as targets: six row functions and the multinomial cost, gradient and both.

Row targets read rows of logits ``z`` (m, K) (or probabilities ``f``) and class labels ``yidx``; the
problem targets read ``X`` (m, n), ``yidx``, ``W`` (n, K), ``b`` (K,) and ``lam``, with the problem's
form (mean or sum, the penalty's factor; the bias is never penalized).  The gradient's components are
``dj_dw`` (n, K) and ``dj_db`` (K,), so the verifier reads them as it reads the logistic ones.  The
label-smoothed loss also reads ``smoothing``, the eps of PyTorch's, Keras' and optax's label smoothing.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

import reference
from verifier.spec import forms
from verifier.spec import softmax_envelopes as env
from verifier.spec.case import Case
from verifier.spec.formats import Format
from verifier.spec.target import Outputs, Target, _obj

ROW_TITLES = {
    "correctness.benign": "agrees with the exact value for moderate logits (|z| <= 4)",
    "correctness.shapes": "agrees for one example, one class (K = 1), two classes and many (K up to 64)",
    "correctness.labels": "agrees when the class labels are int64 or int32 arrays",
    "stability.saturated": "agrees where one class leads by a large gap (e^(z - max) below u, subnormal or 0)",
    "stability.overflow": "agrees for large logits, where the unshifted exp overflows (|z| from 709.78 up to 1e15)",
    "stability.underflow": (
        "agrees where every logit is far below 0 (the unshifted sum is 0) or a probability is subnormal"
    ),
    "stability.cancellation": "agrees for ties and near-ties of large logits, where z - max and lse - z_y cancel",
    "correctness.identities": (
        "numbering the classes in reverse order permutes the outputs alike, and every output stays in its "
        "range (probabilities in [0, 1], log-probabilities <= 0, losses >= 0)"
    ),
}
PROBLEM_TITLES = {
    **ROW_TITLES,
    "correctness.benign": "agrees with the exact value for moderate scores X W + b (|z| <= 4)",
    "correctness.shapes": "agrees for m = 1, n = 1, K = 1, K = 2 and many classes and examples",
    "stability.cancellation": "agrees where large opposing features cancel in X W + b",
}


def _row(name, inputs, title, oracle, envelope, reduces: bool) -> Target:
    def exact(case: Case) -> Outputs:
        return {"value": _obj(oracle(*(case[k] for k in inputs)))}

    def envelope_of(case: Case, exact: Outputs, fmt: Format, standard: str):
        return envelope(*(case[k] for k in inputs), exact["value"], fmt, standard)

    return Target(
        name,
        "rowwise",
        tuple(inputs),
        ("value",),
        title,
        exact,
        envelope_of,
        logistic=False,
        multiclass=True,
        reduces_rows=reduces,
        penalizes_intercept=False,
        check_titles=ROW_TITLES,
    )


def _args(case: Case) -> tuple[Any, Any, Any, Any]:
    return case.X, case.yidx, case.W, case.b


def _cost_exact(case: Case) -> Outputs:
    form = case.form
    if form.reduction == "mean":
        return {"cost": _obj(reference.softmax_cost(*_args(case), case.lam, penalty=form.penalty))}
    data = reference.softmax_cost(*_args(case), 0.0)
    pen = forms.penalty_value(form, case.lam, case.W, 0.0, case.m)
    return {"cost": _obj(forms.combine(data, form.scale(case.m), pen))}


def _gradient_exact(case: Case) -> Outputs:
    form, (n, K) = case.form, np.shape(case.W)
    if form.reduction == "mean":
        g = reference.softmax_gradient(*_args(case), case.lam, penalty=form.penalty)
        return {"dj_dw": g.W, "dj_db": g.b}
    c = form.coefficient(case.lam, case.m)
    extras = [2 * c * Fraction(float(v)) for v in np.asarray(case.W, dtype=np.float64).reshape(-1)]
    extras += [Fraction(0)] * K

    def data(prec: int) -> list[Any]:
        g = reference.softmax_gradient(*_args(case), 0.0, prec=prec)
        return [*np.asarray(g.W).reshape(-1), *np.asarray(g.b).reshape(-1)]

    values = np.empty(n * K + K, dtype=object)
    values[:] = forms.combine_cancelling(data, form.scale(case.m), extras)
    return {"dj_dw": values[: n * K].reshape(n, K), "dj_db": values[n * K :]}


def _terms(case: Case, fmt: Format) -> env.ProblemTerms:
    form = case.form
    return env.ProblemTerms(
        case.X,
        case.yidx,
        case.W,
        case.b,
        case.logits_float,
        fmt,
        form.scale(case.m),
        form.coefficient(case.lam, case.m),
    )


def _cost_envelope(case: Case, exact: Outputs, fmt: Format, standard: str):
    return env.cost(_terms(case, fmt), exact["cost"][()], fmt, standard)


def _gradient_envelope(case: Case, exact: Outputs, fmt: Format, standard: str):
    return env.gradient(_terms(case, fmt), exact["dj_dw"], exact["dj_db"], fmt, standard)


def _both_exact(case: Case) -> Outputs:
    return {**_cost_exact(case), **_gradient_exact(case)}


def _both_envelope(case: Case, exact: Outputs, fmt: Format, standard: str):
    t = _terms(case, fmt)
    return {
        **env.cost(t, exact["cost"][()], fmt, standard),
        **env.gradient(t, exact["dj_dw"], exact["dj_db"], fmt, standard),
    }


def _problem(name, components, title, exact, envelope) -> Target:
    return Target(
        name,
        "problem",
        ("X", "yidx", "W", "b"),
        components,
        title,
        exact,
        envelope,
        regularizable=True,
        logistic=False,
        multiclass=True,
        penalizes_intercept=False,
        check_titles=PROBLEM_TITLES,
    )


SOFTMAX_TARGETS: tuple[Target, ...] = (
    _row("softmax", ("z",), "p_k = e^(z_k) / sum_l e^(z_l) along each row", reference.softmax, env.softmax, False),
    _row(
        "log-softmax",
        ("z",),
        "log p_k = z_k - logsumexp(z) along each row",
        reference.log_softmax,
        env.log_softmax,
        False,
    ),
    _row("logsumexp", ("z",), "log sum_k e^(z_k) of each row", reference.logsumexp, env.logsumexp, True),
    _row(
        "softmax-loss",
        ("z", "yidx"),
        "per-example cross-entropy logsumexp(z_i) - z_(i, y_i) from logits and class labels",
        reference.softmax_cross_entropy,
        env.softmax_loss,
        True,
    ),
    _row(
        "softmax-loss-smoothed",
        ("z", "yidx", "smoothing"),
        "per-example cross-entropy from logits against smoothed labels (1 - eps) one_hot(y_i) + eps / K",
        reference.smoothed_cross_entropy,
        env.smoothed_loss,
        True,
    ),
    _row(
        "softmax-loss-from-probs",
        ("f", "yidx"),
        "per-example -log p_(i, y_i) from probabilities and class labels",
        reference.cross_entropy,
        env.loss_from_probs,
        True,
    ),
    _problem(
        "softmax-cost",
        ("cost",),
        "J = mean cross-entropy of softmax(X W + b) + lambda / (2m) ||W||^2 (the bias not penalized)",
        _cost_exact,
        _cost_envelope,
    ),
    _problem(
        "softmax-gradient",
        ("dj_dw", "dj_db"),
        "dJ/dW = X^T (P - Y) / m + lambda W / m, dJ/db = mean of P - Y (P = softmax(X W + b), Y one-hot)",
        _gradient_exact,
        _gradient_envelope,
    ),
    _problem(
        "softmax-cost-and-gradient",
        ("cost", "dj_dw", "dj_db"),
        "the softmax cost J and its gradient (dJ/dW, dJ/db) together",
        _both_exact,
        _both_envelope,
    ),
)
