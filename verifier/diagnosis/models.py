"""Mistake models: what a candidate with one known mistake returns, computed with the oracle.

A model maps a canonical case to predicted outputs (a dict of component -> float64 array), or
None where the model says nothing about that case (e.g. "first 32 rows" when m <= 32).  Most
models are the oracle evaluated on a transformed case (b = 0, y -> 1 - y, lambda = 0, some rows),
or a transformed oracle answer (negated, times m, penalty rescaled); a few use the oracle's
sibling maths (squared error, linear regression, the chain rule stopped half-way).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import numpy as np

import reference
from verifier.spec.case import Case
from verifier.spec.targets import Target

Prediction = dict[str, np.ndarray]


@dataclass(frozen=True)
class Model:
    """Mistake ``id`` in one ``variant`` (said in words in messages) and its prediction."""

    id: str
    variant: str
    predict: Callable[[Target, Case], Prediction | None]


def as_float(outputs: dict[str, np.ndarray]) -> Prediction:
    """Exact (mpf object arrays) or float outputs as float64 arrays."""
    out = {}
    for k, v in outputs.items():
        arr = np.asarray(v)
        out[k] = np.array([float(x) for x in arr.reshape(-1)], dtype=np.float64).reshape(arr.shape)
    return out


_EXACT_CACHE: dict[tuple, Prediction] = {}
_CACHE_SIZE = 4096  # the models' variants of every task's designed probes, and more


def _fingerprint(target: Target, case: Case) -> tuple:
    parts: list = [target.name]
    for k, v in sorted(case.plain().items()):
        v = case[k] if k in case else v
        if isinstance(v, np.ndarray):
            parts.append((k, v.dtype.str, v.shape, v.tobytes()))
        else:
            parts.append((k, repr(v)))
    return tuple(parts)


def exact(target: Target, case: Case) -> Prediction:
    """The oracle's outputs as floats, remembered for the cases the models share (b = 0, lambda = 0, ...)."""
    key = _fingerprint(target, case)
    hit = _EXACT_CACHE.get(key)
    if hit is None:
        hit = as_float(target.exact(case.replace()))
        if len(_EXACT_CACHE) >= _CACHE_SIZE:
            _EXACT_CACHE.pop(next(iter(_EXACT_CACHE)))
        _EXACT_CACHE[key] = hit
    return {k: v.copy() for k, v in hit.items()}


# Working precision (bits) of the few models computed with mpmath directly: far above float64's 53,
# so their own rounding is invisible next to the model tolerance.
MODEL_PREC = 160


def _m(case: Case) -> int:
    return case.m


def _n(case: Case) -> int:
    return case.n


def _scaled(factor: Callable[[Case], float | None], comps: tuple[str, ...] | None = None):
    def predict(target: Target, case: Case) -> Prediction | None:
        c = factor(case)
        if c is None or c == 1:
            return None
        base = exact(target, case)
        with np.errstate(invalid="ignore"):
            return {k: (v * c if comps is None or k in comps else v) for k, v in base.items()}

    return predict


def _data_and_penalty(target: Target, case: Case) -> tuple[Prediction, Prediction]:
    full = exact(target, case)
    data = exact(target, case.replace(lam=0.0))
    return data, {k: full[k] - data[k] for k in full}


def _penalty_scaled(k: Callable[[Case], float]):
    def predict(target: Target, case: Case) -> Prediction | None:
        if not case.lam:
            return None
        data, pen = _data_and_penalty(target, case)
        return {c: data[c] + k(case) * pen[c] for c in data}

    return predict


def _data_scaled(c: float):
    def predict(target: Target, case: Case) -> Prediction | None:
        data, pen = _data_and_penalty(target, case) if case.lam else (exact(target, case), None)
        out = {}
        for comp, v in data.items():
            keep = not target.pointwise and comp != "cost"
            out[comp] = v if keep else v * c
            if pen is not None:
                out[comp] = out[comp] + pen[comp]
        return out

    return predict


def _transformed(change: Callable[[Case], dict | None]):
    def predict(target: Target, case: Case) -> Prediction | None:
        changes = change(case)
        if changes is None:
            return None
        return exact(target, case.replace(**changes))

    return predict


def _rows(select: Callable[[int], slice | None], by_m: bool):
    """The oracle on some rows only, divided by their count (or by m when ``by_m``)."""

    def predict(target: Target, case: Case) -> Prediction | None:
        m = _m(case)
        sl = select(m)
        if sl is None:
            return None
        k = len(range(m)[sl])
        if k == m:
            return None
        if k == 0:  # nothing left: an empty sum (divided by m), or 0/0
            data, pen = _data_and_penalty(target, case) if case.lam else (exact(target, case), None)
            return {
                c: (np.zeros_like(v) if by_m else np.full_like(v, np.nan)) + (pen[c] if pen else 0.0)
                for c, v in data.items()
            }
        sub = exact(target, case.replace(X=case.X[sl], y=np.asarray(case.y)[sl]))
        return {c: v * (k / m) if by_m else v for c, v in sub.items()}

    return predict


def _bias_regularized(target: Target, case: Case) -> Prediction | None:
    lam = case.lam
    if not lam or target.pointwise:
        return None
    m, b = _m(case), float(case.b)
    out = exact(target, case)
    if "cost" in out:
        out["cost"] = out["cost"] + lam / (2 * m) * b * b
    if "dj_db" in out:
        out["dj_db"] = out["dj_db"] + lam / m * b
    if "hessian" in out:
        out["hessian"] = out["hessian"].copy()
        out["hessian"][-1, -1] += lam / m
    return out


def _gradient_from_residuals(case: Case, residual) -> Prediction:
    """dJ/dw = X^T r / m + lam w / m and dJ/db = mean(r), exactly for residuals r(z_i, y_i)."""
    X, y, w = case.X, np.asarray(case.y, dtype=np.float64), case.w
    m, n = X.shape
    lam = case.lam
    with mpmath.workprec(MODEL_PREC):
        z = reference.logits(X, w, case.b)
        r = [residual(z[i], mpmath.mpf(float(y[i]))) for i in range(m)]
        dw = [
            mpmath.fsum(mpmath.mpf(float(X[i, j])) * r[i] for i in range(m)) / m + mpmath.mpf(lam) * float(w[j]) / m
            for j in range(n)
        ]
        db = mpmath.fsum(r) / m
        return {"dj_dw": np.array([float(v) for v in dw]), "dj_db": np.array(float(db))}


def _chain_rule(target: Target, case: Case) -> Prediction | None:
    def residual(z, y):
        f = 1 / (1 + mpmath.exp(-z))
        return (f - y) * (mpmath.exp(z) + 2 + mpmath.exp(-z))  # 1/(f(1 - f)) without dividing by 0

    return _gradient_from_residuals(case, residual)


def _squared_error_gradient(factor: float):
    def predict(target: Target, case: Case) -> Prediction | None:
        g = reference.squared_error_gradient(case.X, case.y, case.w, case.b, lam=0.0)
        out = as_float({"dj_dw": g.w, "dj_db": g.b})
        _, pen = _data_and_penalty(target, case) if case.lam else ({}, {})
        return {c: factor * v + pen.get(c, 0.0) for c, v in out.items()}

    return predict


def _squared_error_cost(factor: float):
    def predict(target: Target, case: Case) -> Prediction | None:
        c = reference.squared_error_cost(case.X, case.y, case.w, case.b, lam=case.lam)
        pen = _data_and_penalty(target, case)[1]["cost"] if case.lam else 0.0
        return {"cost": np.array(factor * (float(c) - pen) + pen)}

    return predict


def _missing_sigmoid(target: Target, case: Case) -> Prediction | None:
    X, y, w, b, lam = case.X, case.y, case.w, case.b, case.lam
    out: Prediction = {}
    if target.has_gradient:
        g = reference.linear_gradient(X, y, w, b, lam=lam)
        out.update(as_float({"dj_dw": g.w, "dj_db": g.b}))
    if target.has_cost:
        out["cost"] = np.array(float(reference.linear_cost(X, y, w, b, lam=lam)))
    if "hessian" in target.components:
        m, n = X.shape
        A = np.hstack([np.asarray(X, dtype=np.float64), np.ones((m, 1))])
        with mpmath.workprec(MODEL_PREC):
            rows = [
                [float(mpmath.fsum(mpmath.mpf(A[i, p]) * A[i, q] for i in range(m)) / m) for q in range(n + 1)]
                for p in range(n + 1)
            ]
        H = np.array(rows)
        H[np.arange(n), np.arange(n)] += lam / m
        out["hessian"] = H
    return out or None


def _zero_component(index: int):
    def predict(target: Target, case: Case) -> Prediction | None:
        out = exact(target, case)
        if "dj_dw" not in out:
            return None
        out["dj_dw"] = out["dj_dw"].copy()
        out["dj_dw"][index] = 0.0
        return out

    return predict


def _flip_labels(case: Case) -> dict:
    return {"y": 1.0 - np.asarray(case.y, dtype=np.float64)}


def _count_models(target: Target) -> list[Model]:
    """The result scaled by a count: summed, or divided by the wrong count."""
    return [
        Model("not-averaged", "the sum over the examples, not divided by m", _scaled(lambda c: float(_m(c)))),
        Model("wrong-divisor", "divided by the number of features n instead of m", _scaled(lambda c: _m(c) / _n(c))),
        Model(
            "wrong-divisor",
            "divided by m - 1 instead of m",
            _scaled(lambda c: _m(c) / (_m(c) - 1) if _m(c) > 1 else math.inf),
        ),
        _half_or_twice(target),
        Model("wrong-divisor", "divided by m twice", _scaled(lambda c: 1.0 / _m(c))),
    ]


def _formula_models(target: Target) -> list[Model]:
    """Another formula of the logistic problem: squared error, no sigmoid, the chain rule stopped."""
    if not (target.logistic and not target.pointwise):
        return []
    out: list[Model] = []
    if target.has_gradient:
        out += [
            Model(
                "squared-error-gradient",
                f"the gradient of {k}the squared error of sigma(z)",
                _squared_error_gradient(f),
            )
            for k, f in (("", 1.0), ("twice ", 2.0))
        ]
    if target.has_cost:
        out += [
            Model("squared-error-cost", f"{k} sum of (sigma(z) - y)^2", _squared_error_cost(f))
            for k, f in (("1/(2m) times the", 1.0), ("the mean of the", 2.0))
        ]
    if target.has_gradient or "hessian" in target.components:
        out.append(Model("missing-sigmoid", "the linear-regression result (no sigmoid)", _missing_sigmoid))
    return out


_PENALTY_FACTORS = (
    ("twice", lambda c: 2.0),
    ("half", lambda c: 0.5),
    ("m times", lambda c: float(_m(c))),
    ("2m times", lambda c: 2.0 * _m(c)),
    ("1/m times", lambda c: 1.0 / _m(c)),
)
_ROW_SELECTIONS = (
    ("the last example left out", lambda m: slice(0, m - 1)),
    ("the first example left out", lambda m: slice(1, m)),
    ("only the first 32 examples used", lambda m: slice(0, 32) if m > 32 else None),
    ("the examples after the last full chunk of 32 left out", lambda m: slice(0, 32 * (m // 32)) if m > 32 else None),
)


def _part_models() -> list[Model]:
    """One part of the problem handled wrongly: the bias, the penalty, some rows."""
    out = [
        Model("missing-bias", "z computed without b", _transformed(lambda c: {"b": 0.0} if c.b else None)),
        Model("bias-regularized", "b included in the penalty", _bias_regularized),
    ]
    out += [
        Model("regularization-scale", f"the penalty term is {word} what it should be", _penalty_scaled(k))
        for word, k in _PENALTY_FACTORS
    ]
    out.append(
        Model("regularization-missing", "lambda ignored", _transformed(lambda c: {"lam": 0.0} if c.lam else None))
    )
    for word, sel in _ROW_SELECTIONS:
        out.append(Model("rows-dropped", word + ", divided by m", _rows(sel, True)))
        out.append(Model("rows-dropped", word + ", divided by their count", _rows(sel, False)))
    return out


def models_for(target: Target) -> list[Model]:
    """The mistake models that apply to ``target``, in catalog order."""
    out: list[Model] = [Model("sign-flipped", "the result negated", _scaled(lambda c: -1.0))]
    if not target.pointwise:
        out += _count_models(target)
    out += _formula_models(target)
    if not target.pointwise:
        out += _part_models()
    if target.has_gradient:
        out += [
            Model("off-by-one", "the last weight's gradient left at 0", _zero_component(-1)),
            Model("off-by-one", "the first weight's gradient left at 0", _zero_component(0)),
        ]
    if target.reads_labels and target.logistic:
        out.append(Model("labels-swapped", "y and 1 - y exchanged", _transformed(_flip_labels)))
    if target.takes_log:
        out += [
            Model("log-base", "log10 instead of the natural log", _data_scaled(1 / math.log(10))),
            Model("log-base", "log2 instead of the natural log", _data_scaled(1 / math.log(2))),
        ]
    if target.logistic and not target.pointwise and target.has_gradient:
        out.append(
            Model("chain-rule-denominator", "residual (f - y)/(f(1 - f)) without the factor f(1 - f)", _chain_rule)
        )
    out += POINTWISE_MODELS.get(target.name, [])
    return out


def _half_or_twice(target: Target) -> Model:
    """The linear cost is halved by convention (1/(2m)); every other problem output is divided by m."""
    if not target.logistic and target.has_cost and not target.has_gradient:
        return Model("wrong-divisor", "divided by m instead of 2m", _scaled(lambda c: 2.0))
    return Model("wrong-divisor", "divided by 2m instead of m", _scaled(lambda c: 0.5))


# Models of one pointwise target only, by target name.
POINTWISE_MODELS: dict[str, list[Model]] = {
    "sigmoid": [
        Model("sigmoid-formula", "1/(1 + e^z), i.e. sigma(-z)", _transformed(lambda c: {"z": -np.asarray(c.z)}))
    ],
}
