"""What each checkable function means: canonical inputs, outputs, the oracle call and the envelope.

A *case* is a plain dict of canonical inputs: ``{"z"}``, ``{"z", "y"}``, ``{"f", "y"}`` for the
pointwise targets and ``{"X", "y", "w", "b", "lam"}`` for the problem targets (X is (m, n), y and w
are 1-d, b and lam are Python floats).  Outputs are dicts of named components (``value``, ``cost``,
``dj_dw``, ``dj_db``, ``hessian``); exact outputs are numpy object arrays of mpmath numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

import reference
from verifier import envelopes
from verifier.formats import Format

Case = dict[str, Any]
Outputs = dict[str, np.ndarray]


def _obj(value) -> np.ndarray:
    """An mpmath scalar or object array as an object ndarray."""
    if isinstance(value, np.ndarray):
        return value
    out = np.empty((), dtype=object)
    out[()] = value
    return out


@dataclass(frozen=True)
class Target:
    """A checkable function: its canonical inputs and output components, oracle and envelope."""

    name: str
    kind: str  # "pointwise" or "problem"
    inputs: tuple[str, ...]
    components: tuple[str, ...]
    title: str
    _exact: Callable[[Case], Outputs]
    _envelope: Callable[[Case, Outputs, Format, str], dict[str, np.ndarray]]
    regularizable: bool = False

    def exact(self, case: Case) -> Outputs:
        """The oracle's exact outputs for ``case``."""
        return self._exact(case)

    def envelope(self, case: Case, exact: Outputs, fmt: Format, standard: str) -> dict[str, np.ndarray]:
        """The allowed absolute error of each output component (float64 arrays)."""
        return self._envelope(case, exact, fmt, standard)

    def expected_shapes(self, case: Case) -> dict[str, tuple[int, ...]]:
        if self.kind == "pointwise":
            return {"value": np.shape(case[self.inputs[0]])}
        m, n = np.shape(case["X"])
        shapes = {"cost": (), "dj_dw": (n,), "dj_db": (), "hessian": (n + 1, n + 1)}
        return {c: shapes[c] for c in self.components}

    def logits(self, case: Case) -> np.ndarray:
        """The logits the case is about (for plots and regions), as float64."""
        if "z" in case:
            return np.asarray(case["z"], dtype=np.float64).reshape(-1)
        if "f" in case:
            f = np.asarray(case["f"], dtype=np.float64).reshape(-1)
            with np.errstate(divide="ignore"):
                return np.log(f) - np.log1p(-f)
        return np.array([float(v) for v in exact_logits(case)])


def exact_logits(case: Case) -> np.ndarray:
    """Exact z = Xw + b (object array of mpf), cached on the case."""
    if "_z" not in case:
        case["_z"] = reference.logits(case["X"], case["w"], case["b"])
    return case["_z"]


def _terms(case: Case) -> envelopes.ProblemTerms:
    z = np.array([float(v) for v in exact_logits(case)])
    return envelopes.ProblemTerms(case["X"], case["y"], case["w"], case["b"], case.get("lam", 0.0), z)


def _pointwise(name, inputs, title, oracle, envelope) -> Target:
    def exact(case: Case) -> Outputs:
        return {"value": _obj(oracle(*(case[k] for k in inputs)))}

    def env(case: Case, exact: Outputs, fmt: Format, standard: str):
        return envelope(*(case[k] for k in inputs), exact["value"], fmt, standard)

    return Target(name, "pointwise", tuple(inputs), ("value",), title, exact, env)


def _problem_args(case: Case) -> tuple:
    return case["X"], case["y"], case["w"], case["b"]


def _gradient_exact(oracle):
    def exact(case: Case) -> Outputs:
        g = oracle(*_problem_args(case), lam=case.get("lam", 0.0))
        return {"dj_dw": _obj(g.w), "dj_db": _obj(g.b)}

    return exact


def _cost_exact(oracle):
    def exact(case: Case) -> Outputs:
        return {"cost": _obj(oracle(*_problem_args(case), lam=case.get("lam", 0.0)))}

    return exact


def _cost_env(envelope):
    def env(case, exact, fmt, standard):
        return envelope(_terms(case), exact["cost"][()], fmt, standard)

    return env


def _gradient_env(envelope):
    def env(case, exact, fmt, standard):
        return envelope(_terms(case), exact["dj_dw"], exact["dj_db"][()], fmt, standard)

    return env


def _cost_and_gradient_exact(case: Case) -> Outputs:
    out = _cost_exact(reference.cost)(case)
    out.update(_gradient_exact(reference.gradient)(case))
    return out


def _cost_and_gradient_env(case, exact, fmt, standard):
    t = _terms(case)
    env = envelopes.cost(t, exact["cost"][()], fmt, standard)
    env.update(envelopes.gradient(t, exact["dj_dw"], exact["dj_db"][()], fmt, standard))
    return env


def _hessian_exact(case: Case) -> Outputs:
    return {"hessian": _obj(reference.hessian(*_problem_args(case), lam=case.get("lam", 0.0)))}


def _hessian_env(case, exact, fmt, standard):
    return envelopes.hessian(_terms(case), exact["hessian"], fmt, standard)


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
        _pointwise("loss", ("f", "y"), "-y log f - (1 - y) log(1 - f)", reference.loss, envelopes.loss),
        _pointwise(
            "loss-from-logit", ("z", "y"), "softplus(z) - y z", reference.loss_from_logit, envelopes.loss_from_logit
        ),
        _pointwise(
            "loss-derivative", ("f", "y"), "dL/df = -y / f + (1 - y) / (1 - f)", reference.loss_derivative,
            envelopes.loss_derivative,
        ),
        Target(
            "cost", "problem", ("X", "y", "w", "b"), ("cost",),
            "J = mean log-loss of sigma(Xw + b) + lambda / (2m) ||w||^2",
            _cost_exact(reference.cost), _cost_env(envelopes.cost), True,
        ),
        Target(
            "gradient", "problem", ("X", "y", "w", "b"), ("dj_dw", "dj_db"),
            "dJ/dw = X^T (sigma(Xw + b) - y) / m + lambda w / m, dJ/db = mean(sigma(Xw + b) - y)",
            _gradient_exact(reference.gradient), _gradient_env(envelopes.gradient), True,
        ),
        Target(
            "cost-and-gradient", "problem", ("X", "y", "w", "b"), ("cost", "dj_dw", "dj_db"),
            "the cost J and its gradient (dJ/dw, dJ/db) together",
            _cost_and_gradient_exact, _cost_and_gradient_env, True,
        ),
        Target(
            "hessian", "problem", ("X", "y", "w", "b"), ("hessian",),
            "the Hessian of J with respect to (w, b): [X 1]^T diag(sigma') [X 1] / m + lambda / m on w",
            _hessian_exact, _hessian_env, True,
        ),
        Target(
            "linear-cost", "problem", ("X", "y", "w", "b"), ("cost",),
            "J = ||Xw + b - y||^2 / (2m) + lambda / (2m) ||w||^2",
            _cost_exact(reference.linear_cost), _cost_env(envelopes.linear_cost), True,
        ),
        Target(
            "linear-gradient", "problem", ("X", "y", "w", "b"), ("dj_dw", "dj_db"),
            "dJ/dw = X^T (Xw + b - y) / m + lambda w / m, dJ/db = mean(Xw + b - y)",
            _gradient_exact(reference.linear_gradient), _gradient_env(envelopes.linear_gradient), True,
        ),
    ]
}


def get_target(name: str) -> Target:
    """The Target called ``name``; a ValueError listing the valid names otherwise."""
    try:
        return TARGETS[name]
    except KeyError:
        raise ValueError(f"target={name!r} is not a known target; use one of: {', '.join(TARGETS)}") from None
