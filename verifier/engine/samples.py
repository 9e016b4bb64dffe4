"""Where an example sits on the report's error plot: the logit that decides its error.

``deciding_z(target, case, component)`` is z itself for a pointwise target and, for a problem target,
the z of the row whose term contributes most to the output component that decides the verdict.  The
answer for no particular component (an example judged inside its envelope in numpy) depends on the
case alone, so it is remembered per case; ``remember_cases`` computes it for a bank's cases once,
before grading processes fork and share it.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Iterable

import numpy as np

from verifier.spec.case import Case
from verifier.spec.targets import Target

_COMPONENT = re.compile(r"^(\w+)(?:\[(\d+)(?:, *\d+)*\])?$")


def deciding_z(target: Target, case: Case, component: str = "") -> float:
    """The logit that decides a case's error: z itself for a pointwise target; for a problem target
    the z of the row whose term contributes most to ``component`` (the worst output, e.g. "dj_dw[1]"):
    the largest loss for the cost, |sigma(z_i) - y_i| |X_ij| for dj_dw[j], the residual for dj_db."""
    z = target.logits(case)
    if z.size == 0:
        return math.nan
    if target.pointwise:
        return float(z[0])
    if target.multiclass:  # the largest logit (or score) in magnitude
        return float(z[int(np.argmax(np.where(np.isfinite(z), np.abs(z), 0.0)))])
    m = _COMPONENT.match(component or "")
    name, index = (m.group(1), m.group(2)) if m else ("", None)
    y = np.asarray(case.y, dtype=np.float64).reshape(-1) if case.y is not None else np.zeros_like(z)
    X = np.asarray(case.X, dtype=np.float64).reshape(z.size, -1) if case.X is not None else np.ones((z.size, 1))
    with np.errstate(over="ignore", invalid="ignore"):
        r = np.abs(np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z))) - y)
        if name == "cost" or (not name and not target.has_gradient):
            terms = np.abs(np.logaddexp(0.0, z) - y * z)
        elif name == "dj_dw" and index is not None and int(index) < X.shape[1]:
            terms = r * np.abs(X[:, int(index)])
        elif name == "dj_db":
            terms = r
        elif index is not None and int(index) < z.size and name != "dj_dw":
            return float(z[int(index)])  # a per-row output (predictions): that row
        else:
            terms = r * (1 + np.max(np.abs(X), axis=1))
    terms = np.nan_to_num(terms, nan=0.0, posinf=np.finfo(np.float64).max)
    return float(z[int(np.argmax(terms))])


_PLAIN: weakref.WeakKeyDictionary[Case, dict[str, float]] = weakref.WeakKeyDictionary()


def plain_z(target: Target, case: Case) -> float:
    """``deciding_z`` for no particular component, remembered per case and target."""
    known = _PLAIN.setdefault(case, {})
    if target.name not in known:
        known[target.name] = deciding_z(target, case)
    return known[target.name]


def remember_cases(target: Target, cases: Iterable[Case]) -> None:
    """Compute ``plain_z`` for ``cases`` now (processes forked later inherit the answers)."""
    for case in cases:
        plain_z(target, case)
