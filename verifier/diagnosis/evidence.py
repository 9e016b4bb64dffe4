"""The evidence a diagnosis is built from: the candidate's outputs on cases, next to the exact ones.

``Seen`` is one case looked at (a designed probe or a failing check's counterexample); ``Candidate``
a diagnosis being assembled.  ``compare_model`` tells whether outputs equal a mistake model's
prediction (or the truth) within a tolerance far above rounding and far below any real mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from verifier.diagnosis import fixed
from verifier.diagnosis.cases import adapt, case_from_plain
from verifier.diagnosis.catalog import MISTAKES
from verifier.diagnosis.models import as_float
from verifier.engine.candidate import Observation
from verifier.spec.case import Case
from verifier.spec.results import Diagnosis, Result

SHAPE_WORDS = (
    "shape",
    "align",
    "broadcast",
    "dimension",
    "matmul",
    "size",
    "axis",
    "index",
    "0-d",
    "iteration over a 0-d",
)


@dataclass
class Seen:
    """The candidate on one case: where the case came from, the observation and the exact outputs."""

    label: str
    case: Case
    obs: Observation
    exact: dict[str, np.ndarray]
    check: str = ""  # the failing check whose counterexample this is; "" for designed probes


@dataclass
class Candidate:
    """A diagnosis being assembled: catalog id, confidence, the words and the checks it explains."""

    id: str
    confidence: float
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    checks: set[str] = field(default_factory=set)

    def to_diagnosis(self, failing_order: list[str]) -> Diagnosis:
        mistake = MISTAKES[self.id]
        checks = tuple(c for c in failing_order if c in self.checks)
        return Diagnosis(self.id, round(self.confidence, 3), self.message, mistake.hint, self.evidence, checks)


def observe(probe, case: Case) -> Observation:
    return probe.observe(case)


def exact_outputs(cfg, case: Case) -> dict[str, np.ndarray]:
    return as_float(cfg.target.exact(case))


def look(probe, cfg, label: str, case: Case) -> Seen:
    """The candidate and the oracle on one designed case (adapted to the run's problem form)."""
    case = adapt(cfg, case)
    return Seen(label, case, observe(probe, case), exact_outputs(cfg, case))


def observe_each(probe, cases: list[Case]) -> list[Observation]:
    """The candidate on each case: the calls made in one batch where the probe can batch them."""
    many = getattr(probe, "observe_many", None)
    return list(many(cases)) if many is not None else [observe(probe, case) for case in cases]


def seen_fixed(probe, cfg, cases: tuple[fixed.Fixed, ...]) -> list[Seen]:
    """The candidate on fixed cases whose exact outputs are known (computed here where they are not),
    called in one batch."""
    observed = observe_each(probe, [f.case for f in cases])
    return [
        Seen(f.label, f.case, obs, f.expected if f.exact is not None else exact_outputs(cfg, f.case))
        for f, obs in zip(cases, observed, strict=True)
    ]


def designed(probe, cfg) -> list[Seen]:
    return seen_fixed(probe, cfg, fixed.designed(cfg))


def counterexamples(result: Result, probe, cfg) -> list[Seen]:
    """The candidate on the counterexample of each failing check (the calls made in one batch)."""
    found = []
    for c in result.failed():
        ce = c.counterexample
        if ce is None or not ce.inputs or c.id == "contract.deterministic":
            continue
        try:
            case = case_from_plain(ce.inputs, cfg.fmt)
            exact = exact_outputs(cfg, case)
        except (ArithmeticError, ValueError, TypeError):  # an input the oracle rejects is no evidence
            continue
        found.append((c.id, case, exact))
    cases = [case for _, case, _ in found]
    observed = observe_each(probe, cases)
    return [
        Seen(f"the counterexample of {cid}", case, obs, exact, cid)
        for (cid, case, exact), obs in zip(found, observed, strict=True)
    ]


def close(a: np.ndarray, p: np.ndarray, scale: float, rel: float) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(all="ignore"):
        near = np.abs(a - p) <= rel * scale
    return near | ((a == p) & np.isinf(a)) | (np.isnan(a) & np.isnan(p))


# A model "equals" the candidate within 2^(-0.55 p) relative (p the format's precision; about 2e-9 in
# float64): far above the rounding of any stable evaluation (a few 2^-p, even summed over hundreds of
# terms) and far below any real mistake (a factor, a term, a row: at least 1e-3 relative on the probes).
MODEL_TOLERANCE_EXPONENT = 0.55
# Problem outputs near 0 are compared on a scale at least this large (features are O(1), so a gradient
# component of 1e-12 is cancellation noise, not a value to match relatively).
PROBLEM_SCALE_FLOOR = 1e-3


def tolerance(cfg) -> float:
    return 2.0 ** (-MODEL_TOLERANCE_EXPONENT * cfg.fmt.bits)


def compare_model(cfg, seen: Seen, pred: dict[str, np.ndarray]) -> tuple[bool, list[str]]:
    """(every component equals the prediction or the truth, the components that equal only the prediction)."""
    outputs = seen.obs.outputs
    if outputs is None:
        return False, []
    rel = tolerance(cfg)
    floor = 0.0 if cfg.target.pointwise else 1.0
    only_model = []
    for comp in cfg.target.components:
        a = np.asarray(outputs[comp], dtype=np.float64)
        e = seen.exact[comp]
        p = pred.get(comp, e)
        if np.shape(p) != np.shape(a):
            return False, []
        with np.errstate(all="ignore"):
            scale = (
                max(
                    float(np.max(np.abs(e), initial=0.0)),
                    float(np.nanmax(np.abs(p), initial=0.0)) if np.all(np.isfinite(p)) else 0.0,
                )
                + floor * PROBLEM_SCALE_FLOOR
            )
        near_p = close(a, p, scale, rel)
        near_e = close(a, e, scale, rel)
        if not np.all(near_p | near_e):
            return False, []
        if np.any(near_p & ~near_e):
            only_model.append(comp)
    return True, only_model


def is_right(cfg, s: Seen) -> bool:
    if s.obs.outputs is None:
        return False
    ok, only = compare_model(cfg, s, s.exact)
    return ok


def shape_words(case: Case) -> str:
    enc = case.y_encoding
    labels = f" and labels given as {enc} values" if enc != "float" else ""
    if case.is_problem:
        return f"m = {case.m}, n = {case.n}{labels}"
    key = "z" if "z" in case else "f"
    return f"an input of shape {np.shape(case[key])}{labels}"


def show_number(v: float) -> str:
    return f"{v:.6g}"


# --------------------------------------------------------------------------- per component, in words
def component_right(cfg, s: Seen, comp: str) -> bool:
    """Whether one output component equals the exact one (within the model tolerance)."""
    if s.obs.outputs is None or comp not in s.obs.outputs:
        return False
    a = np.asarray(s.obs.outputs[comp], dtype=np.float64)
    e = np.asarray(s.exact[comp], dtype=np.float64)
    if a.shape != e.shape:
        return False
    floor = 0.0 if cfg.target.pointwise else PROBLEM_SCALE_FLOOR
    return bool(close(a, e, float(np.max(np.abs(e), initial=0.0)) + floor, tolerance(cfg)).all())


def correctness_checks(failing: dict) -> set[str]:
    return {cid for cid in failing if cid.startswith("correctness.")}


def worst_element(s: Seen, comp: str) -> tuple[str, float, float]:
    """(label of the element with the largest error, candidate value, exact value)."""
    a = np.asarray(s.obs.outputs[comp], dtype=np.float64).reshape(-1)  # type: ignore[index]
    e = np.asarray(s.exact[comp], dtype=np.float64).reshape(-1)
    with np.errstate(invalid="ignore"):
        diff = np.where(np.isfinite(a), np.abs(a - e), np.inf)
    i = int(np.argmax(diff))
    return (comp if a.size == 1 else f"{comp}[{i}]"), float(a[i]), float(e[i])


def example_text(s: Seen, comp: str) -> str:
    """ "on the test case with m = 40, n = 3, dj_dw[0] is 0.001 where the right value is 0.1"."""
    label, a, e = worst_element(s, comp)
    return f"on the test case with {s.label}, {label} is {show_number(a)} where the right value is {show_number(e)}"


def sizes_of(s: Seen) -> tuple[int, int]:
    return (s.case.m, s.case.n) if s.case.is_problem else (1, 1)


def join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
