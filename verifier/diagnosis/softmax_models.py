"""Mistake models of the softmax family: what a candidate with one known mistake returns.

Each model is the oracle on a transformed case (labels shifted, lambda = 0), a transformed oracle
answer (negated, times m, the penalty rescaled, dW transposed), or the family's sibling maths in
float64 (a normalization down the examples, labels read as numbers, the true class's term added);
on the benign designed probes float64 is exact far beyond the model tolerance (2e-9 relative).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from verifier.diagnosis.models import Model, Prediction, exact
from verifier.spec.case import Case
from verifier.spec.targets import Target


def _data_and_penalty(target: Target, case: Case) -> tuple[Prediction, Prediction]:
    full = exact(target, case)
    data = exact(target, case.replace(lam=0.0)) if case.lam else {k: v.copy() for k, v in full.items()}
    return data, {k: full[k] - data[k] for k in full}


def _combine(data_factor: Callable[[Case], float], penalty_factor: Callable[[Case], float], need_lam: bool = False):
    """The data term times one factor plus the penalty times another."""

    def predict(target: Target, case: Case) -> Prediction | None:
        if need_lam and not case.lam:
            return None
        data, pen = _data_and_penalty(target, case)
        d, p = data_factor(case), penalty_factor(case)
        return {k: d * data[k] + p * pen[k] for k in data}

    return predict


def _relabelled(shift: int):
    def predict(target: Target, case: Case) -> Prediction | None:
        if case.yidx is None:
            return None
        return exact(target, case.replace(yidx=(np.asarray(case.yidx) + shift) % case.K))

    return predict


def _transposed(target: Target, case: Case) -> Prediction | None:
    out = exact(target, case)
    if "dj_dw" not in out:
        return None
    dW = out["dj_dw"]
    out["dj_dw"] = np.ascontiguousarray(dW.T).reshape(dW.shape)
    return out


def _scores(case: Case) -> np.ndarray:
    return np.asarray(case.logits_float if case.W is not None else case.z, dtype=np.float64)


def _probs(z: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _wrong_axis(shift_axis: int):
    """softmax, log-softmax or logsumexp with the sum (and the shift on ``shift_axis``) down axis 0."""

    def predict(target: Target, case: Case) -> Prediction | None:
        if case.z is None or np.ndim(case.z) != 2 or "yidx" in target.inputs:
            return None
        z = np.asarray(case.z, dtype=np.float64)
        with np.errstate(all="ignore"):  # a counterexample's tails may make a column's sum 0 or inf
            shifted = z - z.max(axis=shift_axis, keepdims=True)
            logp = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
        reading = AXIS_READINGS.get(target.name)
        if reading is None:  # logsumexp down the examples has K values, not m: no reading of it
            return None
        return {"value": reading(logp)}

    return predict


# The row targets whose output is read from log-probabilities normalized along some axis, by name.
AXIS_READINGS: dict[str, Callable[[np.ndarray], np.ndarray]] = {"softmax": np.exp, "log-softmax": lambda v: v}


def _one_hot(case: Case) -> np.ndarray:
    Y = np.zeros((case.m, case.K))
    Y[np.arange(case.m), np.asarray(case.yidx)] = 1.0
    return Y


def _gradient_from_residual(target: Target, case: Case, residual: np.ndarray) -> Prediction | None:
    """dW = R X^T residual / m plus the right penalty, db = R mean of the residual (R the form's scale)."""
    if case.W is None:
        return None
    data, pen = _data_and_penalty(target, case)
    X = np.asarray(case.X, dtype=np.float64)
    R = case.form.scale(case.m)
    out = dict(data)
    for k, v in data.items():
        out[k] = v + pen[k]
    if "dj_dw" in out:
        out["dj_dw"] = R * (X.T @ residual) / case.m + pen["dj_dw"]
    if "dj_db" in out:
        out["dj_db"] = R * residual.sum(axis=0) / case.m + pen["dj_db"]
    return out


def _labels_as_numbers(target: Target, case: Case) -> Prediction | None:
    """The label's number used where the one-hot vector belongs: the loss -y_i sum_k log p_ik, the
    residual p_ik - y_i in every class."""
    if case.yidx is None:
        return None
    y = np.asarray(case.yidx, dtype=np.float64)
    if case.W is not None:
        if not target.has_gradient:
            return None
        return _gradient_from_residual(target, case, _probs(_scores(case)) - y[:, None])
    if case.z is None or "f" in target.inputs:
        return None
    z = np.asarray(case.z, dtype=np.float64)
    logp = z - z.max(axis=-1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=-1, keepdims=True))
    return {"value": -y * logp.sum(axis=-1)}


def _true_class_added(target: Target, case: Case) -> Prediction | None:
    """The true class's term of the gradient added instead of subtracted: residual P + Y."""
    if case.W is None or not target.has_gradient:
        return None
    return _gradient_from_residual(target, case, _probs(_scores(case)) + _one_hot(case))


def _bias_regularized(target: Target, case: Case) -> Prediction | None:
    if not case.lam or case.W is None or case.b is None:
        return None
    b = np.asarray(case.b, dtype=np.float64)
    if not np.any(b):
        return None
    c = float(case.form.coefficient(case.lam, case.m))
    out = exact(target, case)
    if "cost" in out:
        out["cost"] = out["cost"] + c * float(np.sum(b * b))
    if "dj_db" in out:
        out["dj_db"] = out["dj_db"] + 2 * c * b
    return out


def _m(case: Case) -> float:
    return float(case.m)


def _one(case: Case) -> float:
    return 1.0


def _constant(k: float) -> Callable[[Case], float]:
    return lambda case: k


def _smoothed_as(change: Callable[[float, int], float | None]):
    """The smoothed loss at another eps (``change(eps, K)``; None where the model does not apply)."""

    def predict(target: Target, case: Case) -> Prediction | None:
        eps = change(float(case.smoothing), case.K)
        if eps is None or not 0.0 <= eps <= 1.0 or eps == case.smoothing:
            return None
        return exact(target, case.replace(smoothing=eps))

    return predict


def _divided_by_classes(target: Target, case: Case) -> Prediction | None:
    return {k: v / case.K for k, v in exact(target, case).items()}


def _uniform_part_missing(target: Target, case: Case) -> Prediction | None:
    if not case.smoothing:
        return None
    plain = exact(target, case.replace(smoothing=0.0))
    return {k: (1.0 - float(case.smoothing)) * v for k, v in plain.items()}


def _smoothing_models() -> list[Model]:
    return [
        Model(
            "label-smoothing-misapplied",
            "the smoothing ignored (the plain cross-entropy)",
            _smoothed_as(lambda e, K: 0.0),
        ),
        Model(
            "label-smoothing-misapplied",
            "eps spread over the other K - 1 classes only (eps / (K - 1) each, 1 - eps at the label)",
            _smoothed_as(lambda e, K: e * K / (K - 1) if K > 1 else None),
        ),
        Model(
            "label-smoothing-misapplied",
            "the uniform part eps / K left out ((1 - eps) times the plain loss)",
            _uniform_part_missing,
        ),
        Model(
            "label-smoothing-misapplied",
            "averaged over the classes instead of summed (the loss divided by K)",
            _divided_by_classes,
        ),
    ]


_PENALTY_FACTORS = (("twice", 2.0), ("half", 0.5))


def models_for(target: Target) -> list[Model]:
    """The mistake models of the softmax family that apply to ``target``, in catalog order."""
    out = [
        Model("sign-flipped", "the result negated", _combine(lambda c: -1.0, lambda c: -1.0)),
        Model("sign-flipped", "the data term negated (Y - P for P - Y)", _combine(lambda c: -1.0, lambda c: 1.0, True)),
        Model("sign-flipped", "the true class's term added instead of subtracted", _true_class_added),
    ]
    if target.is_problem:
        out += [
            Model("not-averaged", "the sum over the examples, not divided by m", _combine(_m, _m)),
            Model(
                "not-averaged", "the data term summed over the examples, not divided by m", _combine(_m, lambda c: 1.0)
            ),
            Model("bias-regularized", "b included in the penalty", _bias_regularized),
        ]
        out += [
            Model(
                "regularization-scale",
                f"the penalty term is {word} what it should be",
                _combine(_one, _constant(k), True),
            )
            for word, k in _PENALTY_FACTORS
        ]
        out.append(Model("regularization-missing", "lambda ignored", _combine(lambda c: 1.0, lambda c: 0.0, True)))
        out.append(Model("transposed", "dW transposed (one row per class)", _transposed))
    out += [
        Model("wrong-axis", "normalized down the examples (axis 0) instead of along each row", _wrong_axis(0)),
        Model("wrong-axis", "shifted per row but summed down the examples (axis 0)", _wrong_axis(-1)),
    ]
    if "smoothing" in target.inputs:
        out += _smoothing_models()
    if target.reads_classes:
        out += [
            Model("index-vs-onehot", "the label's number used in place of its one-hot vector", _labels_as_numbers),
            Model("label-off-by-one", "the classes counted from 1 (z[i, y - 1])", _relabelled(-1)),
            Model("label-off-by-one", "the label plus one (z[i, y + 1])", _relabelled(1)),
        ]
    return out
