"""What each checkable function means: canonical inputs, outputs, the oracle call and the envelope.

A target reads a ``Case`` (verifier/spec/case.py): ``z``, ``z, y`` or ``f, y`` for the pointwise
targets and ``X, y, w, b, lam`` for the problem targets; the softmax family is in
``verifier/spec/softmax_targets.py``.  Outputs are dicts of named components
(``value``, ``cost``, ``dj_dw``, ``dj_db``, ``hessian``); exact outputs are numpy object arrays of
mpmath numbers.  What the rest of the verifier needs to know about a target is data on it
(``kind``, ``components``, ``takes_log``, ``logistic``), never a test of its name.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

import reference
from verifier.spec import envelopes, forms
from verifier.spec.case import Case
from verifier.spec.formats import Format
from verifier.spec.softmax_targets import SOFTMAX_TARGETS
from verifier.spec.target import Outputs, Target, _obj

__all__ = ["TARGETS", "Outputs", "Target", "get_target"]


def _terms(case: Case) -> envelopes.ProblemTerms:
    z = case.logits_float
    lam = case.lam if case.form.is_default else case.form.equivalent_lambda(case.lam, case.m)
    return envelopes.ProblemTerms(case.X, case.y, case.w, case.b, lam, z)


def _pointwise(name, inputs, title, oracle, envelope, takes_log: bool = False) -> Target:
    def exact(case: Case) -> Outputs:
        return {"value": _obj(oracle(*(case[k] for k in inputs)))}

    def env(case: Case, exact: Outputs, fmt: Format, standard: str):
        return envelope(*(case[k] for k in inputs), exact["value"], fmt, standard)

    return Target(name, "pointwise", tuple(inputs), ("value",), title, exact, env, takes_log=takes_log)


def _problem_args(case: Case) -> tuple[Any, Any, Any, Any]:
    return case.X, case.y, case.w, case.b


def _gradient_exact(oracle):
    def exact(case: Case) -> Outputs:
        if case.form.is_default:
            g = oracle(*_problem_args(case), lam=case.lam)
            return {"dj_dw": _obj(g.w), "dj_db": _obj(g.b)}
        form, m = case.form, case.m
        extras = forms.penalty_gradient(form, case.lam, case.w, case.b, m)

        def data(prec: int) -> list[Any]:
            g = oracle(*_problem_args(case), lam=0.0, prec=prec)
            return [*np.asarray(g.w).reshape(-1), g.b]

        values = forms.combine_cancelling(data, form.scale(m), extras)
        w = np.empty(len(values) - 1, dtype=object)
        w[:] = values[:-1]
        return {"dj_dw": w, "dj_db": _obj(values[-1])}

    return exact


def _cost_exact(oracle):
    def exact(case: Case) -> Outputs:
        if case.form.is_default:
            return {"cost": _obj(oracle(*_problem_args(case), lam=case.lam))}
        form, m = case.form, case.m
        data = oracle(*_problem_args(case), lam=0.0)
        penalty = forms.penalty_value(form, case.lam, case.w, case.b, m)
        return {"cost": _obj(forms.combine(data, form.scale(m), penalty))}

    return exact


def _scaled_envelope(case: Case, exact: Outputs, compute) -> dict[str, np.ndarray]:
    """The envelope of a form: the default form's envelope of exact / R, times R, plus the rounding of
    an intercept penalty when the form has one."""
    if case.form.is_default:
        return compute(exact)
    R = case.form.scale(case.m)
    inner = {k: np.asarray(np.asarray(v, dtype=object) / R, dtype=object) for k, v in exact.items()}
    return {k: np.asarray(v, dtype=np.float64) * R for k, v in compute(inner).items()}


def _intercept_allowance(case: Case, env: dict[str, np.ndarray], fmt: Format, standard: str) -> dict[str, np.ndarray]:
    if case.form.is_default or not case.form.penalize_intercept or not case.lam:
        return env
    c = float(case.form.coefficient(case.lam, case.m))
    few = envelopes.FEW + (envelopes.ROBUST_FEW * (case.n + 2) if standard == "robust" else 0.0)
    out = dict(env)
    if "dj_db" in out:
        out["dj_db"] = np.asarray(out["dj_db"]) + few * fmt.u * abs(2 * c * float(case.b))
    if "cost" in out:
        out["cost"] = np.asarray(out["cost"]) + few * fmt.u * c * float(case.b) ** 2
    if "hessian" in out:
        H = np.array(out["hessian"], dtype=np.float64)
        H[-1, -1] += few * fmt.u * 2 * c
        out["hessian"] = H
    return out


def _cost_env(envelope):
    def env(case, exact, fmt, standard):
        out = _scaled_envelope(case, exact, lambda e: envelope(_terms(case), e["cost"][()], fmt, standard))
        return _intercept_allowance(case, out, fmt, standard)

    return env


def _gradient_env(envelope):
    def env(case, exact, fmt, standard):
        out = _scaled_envelope(case, exact, lambda e: envelope(_terms(case), e["dj_dw"], e["dj_db"][()], fmt, standard))
        return _intercept_allowance(case, out, fmt, standard)

    return env


def _cost_and_gradient_exact(case: Case) -> Outputs:
    out = _cost_exact(reference.cost)(case)
    out.update(_gradient_exact(reference.gradient)(case))
    return out


def _cost_and_gradient_env(case, exact, fmt, standard):
    def compute(e: Outputs) -> dict[str, np.ndarray]:
        t = _terms(case)
        env = envelopes.cost(t, e["cost"][()], fmt, standard)
        env.update(envelopes.gradient(t, e["dj_dw"], e["dj_db"][()], fmt, standard))
        return env

    return _intercept_allowance(case, _scaled_envelope(case, exact, compute), fmt, standard)


def _hessian_exact(case: Case) -> Outputs:
    if case.form.is_default:
        return {"hessian": _obj(reference.hessian(*_problem_args(case), lam=case.lam))}
    form, m = case.form, case.m
    H0 = reference.hessian(*_problem_args(case), lam=0.0)
    c = form.coefficient(case.lam, m)
    n = case.n
    H = np.empty(H0.shape, dtype=object)
    for i in range(n + 1):
        for j in range(n + 1):
            extra = 2 * c if i == j and (i < n or form.penalize_intercept) else Fraction(0)
            H[i, j] = forms.combine(H0[i, j], form.scale(m), extra)
    return {"hessian": H}


def _hessian_env(case, exact, fmt, standard):
    out = _scaled_envelope(case, exact, lambda e: envelopes.hessian(_terms(case), e["hessian"], fmt, standard))
    return _intercept_allowance(case, out, fmt, standard)


def _predict_exact(case: Case) -> Outputs:
    """1 where the exact z = Xw + b is >= 0 (sigma(z) >= 1/2), else 0."""
    p = np.empty(case.m, dtype=object)
    p[:] = [mpmath.mpf(1) if z >= 0 else mpmath.mpf(0) for z in case.exact_logits]
    return {"p": p}


def _predict_env(case, exact, fmt, standard):
    return envelopes.predict(_terms(case), fmt, standard)


TARGETS: dict[str, Target] = {
    t.name: t
    for t in [
        _pointwise("sigmoid", ("z",), "sigma(z) = 1 / (1 + exp(-z))", reference.sigmoid, envelopes.sigmoid),
        _pointwise(
            "sigmoid-derivative",
            ("z",),
            "sigma'(z) = sigma(z) (1 - sigma(z))",
            reference.sigmoid_derivative,
            envelopes.sigmoid_derivative,
        ),
        _pointwise("loss", ("f", "y"), "-y log f - (1 - y) log(1 - f)", reference.loss, envelopes.loss, True),
        _pointwise(
            "loss-from-logit",
            ("z", "y"),
            "softplus(z) - y z",
            reference.loss_from_logit,
            envelopes.loss_from_logit,
            True,
        ),
        _pointwise(
            "loss-derivative",
            ("f", "y"),
            "dL/df = -y / f + (1 - y) / (1 - f)",
            reference.loss_derivative,
            envelopes.loss_derivative,
        ),
        Target(
            "cost",
            "problem",
            ("X", "y", "w", "b"),
            ("cost",),
            "J = mean log-loss of sigma(Xw + b) + lambda / (2m) ||w||^2",
            _cost_exact(reference.cost),
            _cost_env(envelopes.cost),
            True,
            takes_log=True,
        ),
        Target(
            "gradient",
            "problem",
            ("X", "y", "w", "b"),
            ("dj_dw", "dj_db"),
            "dJ/dw = X^T (sigma(Xw + b) - y) / m + lambda w / m, dJ/db = mean(sigma(Xw + b) - y)",
            _gradient_exact(reference.gradient),
            _gradient_env(envelopes.gradient),
            True,
        ),
        Target(
            "cost-and-gradient",
            "problem",
            ("X", "y", "w", "b"),
            ("cost", "dj_dw", "dj_db"),
            "the cost J and its gradient (dJ/dw, dJ/db) together",
            _cost_and_gradient_exact,
            _cost_and_gradient_env,
            True,
            takes_log=True,
        ),
        Target(
            "hessian",
            "problem",
            ("X", "y", "w", "b"),
            ("hessian",),
            "the Hessian of J with respect to (w, b): [X 1]^T diag(sigma') [X 1] / m + lambda / m on w",
            _hessian_exact,
            _hessian_env,
            True,
        ),
        Target(
            "predict",
            "problem",
            ("X", "w", "b"),
            ("p",),
            "p = 1 where sigma(Xw + b) >= 1/2, else 0",
            _predict_exact,
            _predict_env,
        ),
        Target(
            "linear-cost",
            "problem",
            ("X", "y", "w", "b"),
            ("cost",),
            "J = ||Xw + b - y||^2 / (2m) + lambda / (2m) ||w||^2",
            _cost_exact(reference.linear_cost),
            _cost_env(envelopes.linear_cost),
            True,
            logistic=False,
        ),
        Target(
            "linear-gradient",
            "problem",
            ("X", "y", "w", "b"),
            ("dj_dw", "dj_db"),
            "dJ/dw = X^T (Xw + b - y) / m + lambda w / m, dJ/db = mean(Xw + b - y)",
            _gradient_exact(reference.linear_gradient),
            _gradient_env(envelopes.linear_gradient),
            True,
            logistic=False,
        ),
        *SOFTMAX_TARGETS,
    ]
}


def get_target(name: str) -> Target:
    """The Target called ``name``; a ValueError listing the valid names otherwise."""
    try:
        return TARGETS[name]
    except KeyError:
        raise ValueError(f"target={name!r} is not a known target; use one of: {', '.join(TARGETS)}") from None
