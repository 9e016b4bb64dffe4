"""Identities and metamorphic relations each target must satisfy.

A relation transforms a case into a second case whose outputs, mapped back, must equal the first
case's outputs (label flip, row permutation, duplicated data set, sigma(-z) = 1 - sigma(z)).  Both
outputs carry their own envelope, so two outputs may differ by at most the sum of the envelopes.
Bounds (sigma in [0, 1], a loss >= 0, sigma' in [0, 1/4]) are judged with the envelope of the
exact value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from verifier.spec.case import Case
from verifier.spec.targets import Target

Outputs = dict[str, np.ndarray]


@dataclass(frozen=True)
class Relation:
    """``transform(case)`` gives the second case; ``predict(outputs2)`` the first case's outputs."""

    name: str
    description: str
    transform: Callable[[Case], Case]
    predict: Callable[[Outputs], Outputs]
    envelope: Callable[[Outputs], Outputs] | None = None  # the second case's envelope mapped back (None: as is)
    exempt: Callable[[Case], np.ndarray] | None = None  # elements where the relation need not hold
    ratio: Callable[[Case], float] | None = None  # the second case's outputs are this many times the first's


def _same(o: Outputs) -> Outputs:
    return {k: np.asarray(v) for k, v in o.items()}


def _negate(o: Outputs, keys=("dj_dw", "dj_db")) -> Outputs:
    return {k: (-np.asarray(v) if k in keys else np.asarray(v)) for k, v in o.items()}


def _one_minus(o: Outputs) -> Outputs:
    return {"value": 1.0 - np.asarray(o["value"], dtype=np.float64)}


def _perm(case: Case) -> Case:
    order = np.arange(case.m)[::-1]
    return case.replace(X=np.asarray(case.X)[order], y=np.asarray(case.y)[order])


def _dup_ratio(case: Case) -> float:
    """Stacking the data twice doubles a sum of losses (a mean stays); the penalty keeps pace with a
    lambda scaled by ``_dup``."""
    return 2.0 if case.form.reduction == "sum" else 1.0


def _dup(case: Case) -> Case:
    k = _dup_ratio(case)
    lam_scale = 2 * k if case.form.penalty == "lam/(2m)" else k  # c(lam', 2m) = k c(lam, m)
    return case.replace(X=np.vstack([case.X, case.X]), y=np.concatenate([case.y, case.y]), lam=lam_scale * case.lam)


def _flip(case: Case) -> Case:
    return case.replace(y=1.0 - np.asarray(case.y, dtype=np.float64), w=-np.asarray(case.w), b=-case.b)


PERMUTE = Relation("row-order", "reversing the order of the examples changes nothing", _perm, _same)
DUPLICATE = Relation(
    "duplicated-data",
    "stacking the data set twice (lambda scaled to match) changes nothing, or doubles a sum",
    _dup,
    _same,
    ratio=_dup_ratio,
)
FLIP_COST = Relation("label-flip", "J(X, 1 - y, -w, -b) = J(X, y, w, b)", _flip, _same)
FLIP_GRAD = Relation("label-flip", "g(X, 1 - y, -w, -b) = -g(X, y, w, b)", _flip, _negate)
FLIP_BOTH = Relation(
    "label-flip", "J is unchanged and g changes sign under y -> 1 - y, (w, b) -> -(w, b)", _flip, _negate
)

SIGMOID_SYMMETRY = Relation("symmetry", "sigma(-z) = 1 - sigma(z)", lambda c: c.replace(z=-np.asarray(c.z)), _one_minus)
DERIVATIVE_SYMMETRY = Relation("symmetry", "sigma'(-z) = sigma'(z)", lambda c: c.replace(z=-np.asarray(c.z)), _same)
LOGIT_FLIP = Relation(
    "label-flip",
    "L(z, y) = L(-z, 1 - y)",
    lambda c: c.replace(z=-np.asarray(c.z), y=1.0 - np.asarray(c.y, dtype=np.float64)),
    _same,
)


def _unreverse(o: Outputs) -> Outputs:
    return {k: np.asarray(v)[::-1] for k, v in o.items()}


def _first_half(o: Outputs) -> Outputs:
    return {k: np.asarray(v)[: len(np.asarray(v)) // 2] for k, v in o.items()}


def _complement(o: Outputs) -> Outputs:
    return {k: 1.0 - np.asarray(v, dtype=np.float64) for k, v in o.items()}


PERMUTE_ROWS = Relation(
    "row-order", "reversing the order of the examples reverses the predictions", _perm, _unreverse, _unreverse
)
DUPLICATE_ROWS = Relation(
    "duplicated-data", "stacking the data set twice repeats the predictions", _dup, _first_half, _first_half
)
FLIP_DECISION = Relation(
    "label-flip",
    "predict(X, -w, -b) = 1 - predict(X, w, b) (away from z = 0)",
    lambda c: c.replace(w=-np.asarray(c.w), b=-c.b),
    _complement,
    None,
    lambda c: np.array([z == 0 for z in c.exact_logits], dtype=bool),  # p(0) = 1 on both sides
)


def _reverse_classes(case: Case) -> Case:
    """The same case with the classes numbered in reverse order (columns of z, f, W and b; labels)."""
    changes = {k: np.asarray(case[k])[..., ::-1].copy() for k in ("z", "f", "W", "b") if k in case}
    if "yidx" in case:
        changes["yidx"] = case.K - 1 - np.asarray(case.yidx)
    return case.replace(**changes)


def _classes_back(o: Outputs) -> Outputs:
    return {k: np.asarray(v)[..., ::-1] if np.ndim(v) else np.asarray(v) for k, v in o.items()}


CLASS_ORDER = Relation(
    "class-order",
    "numbering the classes in reverse order reverses the outputs' classes",
    _reverse_classes,
    _classes_back,
    _classes_back,
)
CLASS_ORDER_SAME = Relation(
    "class-order", "numbering the classes in reverse order changes nothing", _reverse_classes, _same
)

# The relations and bounds of each target, by target name (a target with no entry has none).
RELATIONS: dict[str, tuple[Relation, ...]] = {
    "sigmoid": (SIGMOID_SYMMETRY,),
    "sigmoid-derivative": (DERIVATIVE_SYMMETRY,),
    "loss-from-logit": (LOGIT_FLIP,),
    "cost": (PERMUTE, DUPLICATE, FLIP_COST),
    "gradient": (PERMUTE, DUPLICATE, FLIP_GRAD),
    "cost-and-gradient": (PERMUTE, DUPLICATE, FLIP_BOTH),
    "hessian": (PERMUTE, DUPLICATE, FLIP_COST),
    "linear-cost": (PERMUTE, DUPLICATE),
    "linear-gradient": (PERMUTE, DUPLICATE),
    "predict": (PERMUTE_ROWS, DUPLICATE_ROWS, FLIP_DECISION),
    "softmax": (CLASS_ORDER,),
    "log-softmax": (CLASS_ORDER,),
    "logsumexp": (CLASS_ORDER_SAME,),
    "softmax-loss": (CLASS_ORDER_SAME,),
    "softmax-loss-smoothed": (CLASS_ORDER_SAME,),
    "softmax-loss-from-probs": (CLASS_ORDER_SAME,),
    "softmax-cost": (CLASS_ORDER,),
    "softmax-gradient": (CLASS_ORDER,),
    "softmax-cost-and-gradient": (CLASS_ORDER,),
}
BOUNDS: dict[str, tuple[float, float]] = {
    "sigmoid": (0.0, 1.0),
    "sigmoid-derivative": (0.0, 0.25),
    "loss": (0.0, np.inf),
    "loss-from-logit": (0.0, np.inf),
    "cost": (0.0, np.inf),
    "linear-cost": (0.0, np.inf),
    "predict": (0.0, 1.0),
    "softmax": (0.0, 1.0),
    "log-softmax": (-np.inf, 0.0),
    "softmax-loss": (0.0, np.inf),
    "softmax-loss-smoothed": (0.0, np.inf),
    "softmax-loss-from-probs": (0.0, np.inf),
    "softmax-cost": (0.0, np.inf),
}


def relations(target: Target) -> list[Relation]:
    """The relations that apply to ``target``."""
    return list(RELATIONS.get(target.name, ()))


def bounds(target: Target) -> tuple[float, float] | None:
    """The closed interval every output of ``target`` lies in, if it has one."""
    return BOUNDS.get(target.name)
