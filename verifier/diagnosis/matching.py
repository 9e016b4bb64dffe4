"""Mistake models against the evidence: which models reproduce the designed probes, and the
diagnosis each one makes (its words, the example, the checks it explains)."""

from __future__ import annotations

import numpy as np

from verifier.diagnosis.catalog import MISTAKES
from verifier.diagnosis.evidence import Candidate, Seen, compare_model, is_right, show_number
from verifier.diagnosis.models import Model
from verifier.spec.case import Case


def match_models(models: list[Model], seen: list[Seen], cfg) -> list[Candidate]:
    """A candidate for each model that reproduces every designed probe (each output component equal
    to the prediction or the truth, some to the prediction only), with the failing checks whose
    counterexamples it also reproduces."""
    designed_seen = [s for s in seen if not s.check and s.obs.outputs is not None]
    if not designed_seen or all(is_right(cfg, s) for s in designed_seen):
        return []
    out = []
    for model in models:
        hits: list[tuple[Seen, list[str], dict]] = []
        ok = True
        for s in designed_seen:
            pred = predict(model, cfg, s.case)
            if pred is None:
                pred = s.exact
            good, only = compare_model(cfg, s, pred)
            if not good:
                ok = False
                break
            if only:
                hits.append((s, only, pred))
        if not ok or not hits:
            continue
        checks = set()
        for s in seen:
            if not s.check or s.obs.outputs is None:
                continue
            pred = predict(model, cfg, s.case) or s.exact
            good, _ = compare_model(cfg, s, pred)
            if good:
                checks.add(s.check)
        out.append(model_candidate(model, hits, len(designed_seen), checks, cfg))
    return out


def predict(model: Model, cfg, case: Case) -> dict[str, np.ndarray] | None:
    """The model's prediction, or None where it cannot say (an oracle domain error, an overflow)."""
    try:
        return model.predict(cfg.target, case)
    except (ArithmeticError, ValueError, OverflowError):
        return None


def model_candidate(model: Model, hits, n_designed: int, checks: set[str], cfg) -> Candidate:
    s, comps, pred = hits[0]
    comp = comps[0]
    a = np.asarray(s.obs.outputs[comp], dtype=np.float64).reshape(-1)
    e = np.asarray(s.exact[comp], dtype=np.float64).reshape(-1)
    p = np.asarray(pred[comp], dtype=np.float64).reshape(-1)
    i = int(np.argmax(np.abs(a - e)))
    shape = np.shape(s.obs.outputs[comp])
    index = ", ".join(str(int(v)) for v in np.unravel_index(i, shape)) if shape else ""
    label = comp if a.size == 1 else f"{comp}[{index}]"
    mistake = MISTAKES[model.id]
    where = ", ".join(sorted({c for _, cs, _ in hits for c in cs}, key=cfg.target.components.index))
    message = (
        f"{mistake.title[0].upper() + mistake.title[1:]} (in {where}): on a test case with {s.label}, "
        f"{label} is {show_number(a[i])} where the right value is {show_number(e[i])}; {model.variant} gives "
        f"{show_number(p[i])}, and it matches every one of the {n_designed} test cases."
    )
    evidence = {
        "variant": model.variant,
        "case": s.case.plain(),
        "component": label,
        "actual": float(a[i]),
        "expected": float(e[i]),
        "predicted": float(p[i]),
        "cases_matched": n_designed,
    }
    return Candidate(model.id, 0.95, message, evidence, checks)
