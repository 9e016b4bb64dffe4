"""Reading a failed check's minimal counterexample: (actual, exact) pairs, (z, y) inputs, the worst
component, for the known-defect matchers of verifier/audit/known.py."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import reference
from verifier.spec.results import CheckResult, Counterexample


def values(mapping: dict, comp: str | None = None) -> list[float]:
    out = []
    for key, vals in (mapping or {}).items():
        if comp is not None and key != comp:
            continue
        for v in np.asarray(vals, dtype=object).reshape(-1):
            try:
                out.append(float(v))
            except (TypeError, ValueError):
                continue
    return out


def pairs(check: CheckResult) -> list[tuple[float, float]]:
    """(actual, exact) for every output component of the counterexample."""
    ce = check.counterexample
    if ce is None:
        return []
    pairs: list[tuple[float, float]] = []
    for comp, acts in (ce.actual or {}).items():
        exps = (ce.expected or {}).get(comp)
        if exps is None:
            continue
        a = values({comp: acts})
        e = values({comp: exps})
        pairs.extend(zip(a, e))
    return pairs


def with_inputs(check: CheckResult) -> Counterexample | None:
    """The counterexample of ``check`` when it records the inputs (a formula can be replayed on them)."""
    ce = check.counterexample
    return ce if ce is not None and ce.inputs else None


def against(ce: Counterexample, formula: dict[str, Any]) -> list[tuple[str, float, float, float]]:
    """(component, returned, exact, formula's value) for each element of each component of ``formula``."""
    out = []
    for comp, g in formula.items():
        acts = values({comp: (ce.actual or {}).get(comp, [])})
        exps = values({comp: (ce.expected or {}).get(comp, [])})
        out += [(comp, a, e, float(v)) for a, e, v in zip(acts, exps, np.asarray(g, dtype=np.float64).reshape(-1))]
    return out


def zy(check: CheckResult) -> list[tuple[float, float]]:
    ce = check.counterexample
    if ce is None:
        return []
    z = ce.z or values({"z": ce.inputs.get("z", [])})
    y = values({"y": ce.inputs.get("y", [])})
    return list(zip(z, y)) if len(y) == len(z) else [(v, math.nan) for v in z]


def worst(check: CheckResult) -> tuple[float, float, float, float] | None:
    """(actual, exact, z, y) of the component the counterexample reports as worst; z and y are NaN
    for a problem target (whose component is an aggregate over examples)."""
    ce = check.counterexample
    if ce is None or not ce.component:
        return None
    comp, _, rest = ce.component.partition("[")
    index = int(rest.split(",")[0].rstrip("]")) if rest else 0
    acts = values({comp: (ce.actual or {}).get(comp, [])})
    exps = values({comp: (ce.expected or {}).get(comp, [])})
    if index >= len(acts) or index >= len(exps):
        return None
    inputs = zy(check)
    z, y = inputs[index] if comp == "value" and index < len(inputs) else (math.nan, math.nan)
    return acts[index], exps[index], z, y


def examples(check: CheckResult) -> list[tuple[float, float]]:
    return [(z, y) for z, y in zy(check) if not math.isnan(y)]


def saturation(precision: str) -> float:
    return reference.thresholds(precision).exp_neg_negligible


def is_close(a: float, b: float) -> bool:
    return math.isfinite(a) and abs(a - b) <= 1e-6 * abs(b)
