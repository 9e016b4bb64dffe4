"""Explain a failing Result with the catalog of mistakes (verifier/diagnosis/catalog.py, docs/diagnoses.md).

``attach(result, probe, cfg)`` is called by ``verifier.check`` at the end of a failing run while the
candidate can still be called.  It gathers evidence (the candidate on three designed benign cases,
on each failing check's counterexample and, when a tail check failed, on a ladder of logits from
moderate to far past overflow), tests every mistake model against it, and returns the Result with
``diagnoses`` filled, ordered by how many failing checks each explains.  A diagnosis is reported
only when its model reproduces the evidence; otherwise one ``unrecognized`` diagnosis states the
facts.  ``attach`` never raises.  The evidence types live in verifier/diagnosis/evidence.py, the
setup and contract diagnoses in verifier/diagnosis/contract.py, the mistake models in
verifier/diagnosis/models.py and the numeric causes in verifier/diagnosis/numeric.py.
"""

from __future__ import annotations

import dataclasses
import math
import time
from typing import Any

import numpy as np

from verifier.diagnosis import fixed, softmax_explain
from verifier.diagnosis import measured as diagnose_measured
from verifier.diagnosis import models as diagnose_models
from verifier.diagnosis import numeric as diagnose_numeric
from verifier.diagnosis import onset as diagnose_onset
from verifier.diagnosis.catalog import MISTAKES, ORDER
from verifier.diagnosis.contract import contract_diagnoses, nondeterministic, setup
from verifier.diagnosis.evidence import (
    PROBLEM_SCALE_FLOOR,
    Candidate,
    Seen,
    close,
    compare_model,
    counterexamples,
    designed,
    is_right,
    observe,
    observe_each,
    shape_words,
    show_number,
    tolerance,
)
from verifier.diagnosis.matching import match_models, predict
from verifier.engine.candidate import Observation
from verifier.engine.judge import compare
from verifier.spec.case import Case
from verifier.spec.results import Diagnosis, Result

# A failing check's counterexample belongs to a numeric cause when its largest |z| is at least this
# fraction of where the cause starts on the ladder (rungs are coarse; counterexamples fall between).
ZMIN_SLACK = 0.9
# The families with their own probes and mistake models, by ``Target.multiclass`` (the logistic family
# is ``find`` below).
FAMILY_FINDERS = {True: softmax_explain.find}
TAIL_CHECKS = (
    "stability.saturated",
    "stability.overflow",
    "stability.underflow",
    "stability.cancellation",
    "stability.finite",
)


# --------------------------------------------------------------------------- entry points
def attach(result: Result, probe, cfg) -> Result:
    """``result`` with its diagnoses; an ``unrecognized`` diagnosis if diagnosis itself fails."""
    if result.passed:
        return result
    start = time.perf_counter()
    try:
        diagnoses = diagnose(result, probe, cfg)
    except Exception as exc:  # diagnosis must never take a report down
        diagnoses = (_unrecognized(result, [], f" (the diagnosis could not finish: {type(exc).__name__}: {exc})"),)
    return dataclasses.replace(result, diagnoses=tuple(diagnoses), diagnosis_elapsed=time.perf_counter() - start)


def diagnose(result: Result, probe, cfg) -> tuple[Diagnosis, ...]:
    """The diagnoses of a failing ``result`` (empty for a passing one), best explanation first."""
    if result.passed:
        return ()
    failing = [c.id for c in result.failed()]
    failed_setup = setup(result)
    if failed_setup is not None:
        return (failed_setup.to_diagnosis(failing),)
    if probe is None or cfg is None:
        return (_unrecognized(result, []),)
    seen: list[Seen] = []
    family_find = FAMILY_FINDERS.get(cfg.target.multiclass)
    if family_find is not None:
        found = _rank(family_find(result, probe, cfg, seen))
    else:
        found = find(result, probe, cfg, seen_out=seen)
    if any(c.checks for c in found):
        found = [c for c in found if c.checks]
    if not found:
        return (_unrecognized(result, _facts(cfg, seen)),)
    out = tuple(c.to_diagnosis(failing) for c in found)
    wrong_maths = [cid for cid in failing if cid.startswith("correctness.") and cid != "correctness.identities"]
    if wrong_maths and not any(cid.startswith("correctness.") for c in found for cid in c.checks):
        # the values are wrong and no finding explains it: that heads the list, not a contract finding
        return (_unrecognized(result, _facts(cfg, seen)),) + out
    return out


def find(
    result: Result | None, probe, cfg, ladder: bool | None = None, seen_out: list | None = None
) -> list[Candidate]:
    """Every catalog mistake the evidence supports, ranked.  ``result`` may be None (then only the
    designed probes and, when ``ladder`` is true, the tail ladder are looked at).  The cases looked
    at are appended to ``seen_out`` when given."""
    failing = {c.id: c for c in result.failed()} if result is not None else {}
    seen = designed(probe, cfg)
    seen += counterexamples(result, probe, cfg) if result is not None else []
    if seen_out is not None:
        seen_out.extend(seen)
    found: list[Candidate] = []
    found += contract_diagnoses(failing, seen, probe, cfg)
    nondet = nondeterministic(failing, seen, probe)
    if nondet is not None:
        return _rank(found + [nondet])
    models = _models(failing, seen, probe, cfg)
    found += models
    if not models and not any(c.id in ("outputs-swapped", "wrong-shape", "raises") for c in found):
        found += _general(failing, seen, probe, cfg)
    if ladder is None:
        ladder = any(cid in TAIL_CHECKS for cid in failing)
    designed_ok = all(is_right(cfg, s) for s in seen if not s.check)
    if ladder and (designed_ok or models):  # tails are read only against a known benign behaviour
        found += _tails(failing, seen, probe, cfg, models[0] if models else None)
    return _rank(found)


def _rank(found: list[Candidate]) -> list[Candidate]:
    """One candidate per id; those explaining correctness failures first, then stability, then the
    rest (a contract finding never heads the list when the maths is wrong); then by checks explained."""
    best: dict[str, Candidate] = {}
    for c in found:
        old = best.get(c.id)
        if old is None or (len(c.checks), c.confidence) > (len(old.checks), old.confidence):
            best[c.id] = c
    return sorted(best.values(), key=lambda c: (_tier(c), -len(c.checks), -c.confidence, ORDER[c.id]))


def _tier(c: Candidate) -> int:
    if any(cid.startswith("correctness.") and cid != "correctness.identities" for cid in c.checks):
        return 0
    if any(cid.startswith(("stability.", "correctness.")) for cid in c.checks):
        return 1
    return 2


def _general(failing: dict, seen: list[Seen], probe, cfg) -> list[Candidate]:
    """No mistake model fits: float32-sized rounding when every value is a narrow-format number, else the
    general mechanisms (verifier/diagnosis/measured.py), else reduced precision judged by size alone."""
    rp = _reduced_precision(failing, seen, cfg)
    if rp is not None and rp.confidence >= 0.9:
        return [rp]
    designed_seen = [s for s in seen if not s.check]
    if designed_seen and not all(is_right(cfg, s) for s in designed_seen):
        measured = diagnose_measured.measure(failing, seen, probe, cfg)
        if measured:
            return measured
    return [rp] if rp is not None else []


# --------------------------------------------------------------------------- mistake models
def _models(failing: dict, seen: list[Seen], probe, cfg) -> list[Candidate]:
    return match_models(diagnose_models.models_for(cfg.target), seen, cfg)


def _reduced_precision(failing: dict, seen: list[Seen], cfg) -> Candidate | None:
    pairs = [(s.obs.outputs, s.exact) for s in seen if not s.check and s.obs.outputs is not None]
    f = diagnose_numeric.reduced_precision(pairs, cfg.fmt)
    if f is None:
        return None
    checks = {cid for cid in failing if not cid.startswith("contract.")}
    return Candidate(
        f.id,
        f.confidence,
        f"The result is computed in a narrower format than {cfg.fmt.name}: {f.detail}.",
        f.evidence,
        checks,
    )


# --------------------------------------------------------------------------- numeric causes in the tails
def _tails(failing: dict, seen: list[Seen], probe, cfg, model: Candidate | None) -> list[Candidate]:
    target, fmt = cfg.target, cfg.fmt
    model_obj = None
    if model is not None:
        model_obj = next(
            (
                m
                for m in diagnose_models.models_for(target)
                if m.id == model.id and m.variant == model.evidence.get("variant")
            ),
            None,
        )
    points = []
    rungs = fixed.ladder(cfg)
    batched = _batched_observations(probe, target, [rung.case for rung in rungs])
    for k, rung in enumerate(rungs):
        z, case, exact_raw, expected = rung.z, rung.case, rung.exact, rung.expected
        if exact_raw is None:  # a rung whose truth the oracle cannot give: no evidence
            continue
        truth_finite = all(np.all(np.isfinite(v)) for v in expected.values())
        obs = batched[k] if batched is not None else observe(probe, case)
        if obs.outputs is None:
            points.append(diagnose_numeric.Point(z, case, None, expected, False, math.inf, truth_finite, obs.error))
            continue
        verdict = compare(target, case, obs.outputs, exact_raw, fmt, cfg.standard, rung.envelope)
        passed = verdict.passed
        if not passed and model_obj is not None:
            pred = predict(model_obj, cfg, case)
            if pred is not None and compare_model(cfg, Seen("", case, obs, expected), pred)[0]:
                passed = True  # explained by the mistake model already found
        points.append(diagnose_numeric.Point(z, case, obs.outputs, expected, passed, verdict.ulps, truth_finite))
    findings = diagnose_onset.tail_findings(cfg, probe, points)
    if not findings:
        return []
    # each failing tail check goes to the finding whose region holds its counterexample
    tail_failing = [cid for cid in failing if cid in TAIL_CHECKS or cid == "correctness.identities"]
    if model is None:  # right on the benign probes: a correctness failure is the tail cause's small error
        tail_failing += [cid for cid in failing if cid.startswith("correctness.") and cid not in tail_failing]
    assigned: dict[str, set[str]] = {f.id: set() for f in findings}
    for cid in tail_failing:
        ce = failing[cid].counterexample
        zs = [abs(z) for z in (ce.z if ce is not None else []) if math.isfinite(z)]
        zc = max(zs) if zs else math.nan
        owner = None
        if cid == "stability.finite":
            owner = next((f for f in findings if f.id in ("log-of-zero", "overflow")), None)
        if owner is None and math.isfinite(zc):
            covering = [f for f in findings if zc >= ZMIN_SLACK * f.zmin]
            owner = max(covering, key=lambda f: f.zmin) if covering else None
        if owner is None and cid != "correctness.identities":
            owner = findings[0]
        if owner is not None:
            assigned[owner.id].add(cid)
    out = []
    for f in findings:
        out.append(Candidate(f.id, f.confidence, _tail_message(f), f.evidence, assigned[f.id]))
    return out


def _batched_observations(probe, target, cases: list[Case]) -> list[Observation] | None:
    """For a pointwise target, the ladder in one call per label (the function works element-wise);
    None when that call does not give readable outputs (then each rung is called on its own).  For
    the other targets, one call per rung, made in one batch where the probe can batch them."""
    if not cases:
        return None
    if not target.pointwise:
        return observe_each(probe, cases)
    out: list[Observation | None] = [None] * len(cases)
    groups: dict[float, list[int]] = {}
    for i, c in enumerate(cases):
        groups.setdefault(float(np.asarray(c.y if c.y is not None else [0.0]).reshape(-1)[0]), []).append(i)
    for idx in groups.values():
        first = cases[idx[0]]
        joined = first.replace(
            **{k: np.concatenate([np.asarray(cases[i][k]).reshape(-1) for i in idx]) for k in target.inputs}
        )
        obs = observe(probe, joined)
        if obs.outputs is None or "value" not in obs.outputs or np.size(obs.outputs["value"]) != len(idx):
            return None
        values = np.asarray(obs.outputs["value"]).reshape(-1)
        for j, i in enumerate(idx):
            out[i] = Observation({"value": values[j : j + 1].copy()}, warnings=obs.warnings)
    return out  # type: ignore[return-value]


def _tail_message(f: diagnose_numeric.Finding) -> str:
    title = MISTAKES[f.id].title
    return f"{title[0].upper() + title[1:]}: {f.detail}. Moderate inputs give the right result."


# --------------------------------------------------------------------------- fallback
def _facts(cfg, seen: list[Seen]) -> list[str]:
    """What the designed cases show, in words: which components are wrong, by how much."""
    for s in seen:
        if s.check:
            continue
        if s.obs.outputs is None:
            return [
                f" On a test case with {shape_words(s.case)} the call failed: "
                f"{s.obs.error.splitlines()[0] if s.obs.error else s.obs.status}."
            ]
        ok, _ = compare_model(cfg, s, s.exact)
        if ok:
            continue
        wrong, right = [], []
        for comp in cfg.target.components:
            a = np.asarray(s.obs.outputs[comp], dtype=np.float64).reshape(-1)
            e = np.asarray(s.exact[comp], dtype=np.float64).reshape(-1)
            if close(a, e, float(np.max(np.abs(e), initial=0.0)) + PROBLEM_SCALE_FLOOR, tolerance(cfg)).all():
                right.append(comp)
                continue
            i = int(np.argmax(np.abs(a - e)))
            label = comp if a.size == 1 else f"{comp}[{i}]"
            ratio = f", {a[i] / e[i]:.4g} times the right value" if e[i] != 0 and math.isfinite(a[i]) else ""
            wrong.append(f"{label} is {show_number(a[i])} where the right value is {show_number(e[i])}{ratio}")
        text = f" Already on moderate inputs (a test case with {s.label}) " + "; ".join(wrong) + "."
        if right:
            text += f" {', '.join(right)} {'is' if len(right) == 1 else 'are'} right."
        return [text]
    return [" Moderate inputs give the right result; the failures are in the regions named above."]


def _unrecognized(result: Result, extra: list[str], note: str = "") -> Diagnosis:
    failed = result.failed()
    parts = []
    worst = None
    for c in failed:
        region = f" ({c.region})" if c.region else ""
        parts.append(f"{c.id}{region}")
        if (
            c.counterexample is not None
            and math.isfinite(c.worst_ulps)
            and (worst is None or c.worst_ulps > worst.worst_ulps)
        ):
            worst = c
        elif c.counterexample is not None and worst is None:
            worst = c
    msg = f"No mistake in the catalog explains this failure{note}. Failing checks: {', '.join(parts)}."
    evidence: dict[str, Any] = {"failing": [c.id for c in failed]}
    if worst is not None and worst.counterexample is not None:
        ce = worst.counterexample
        if ce.component:
            msg += (
                f" The largest error is {worst.worst_ulps:.3g} ulps ({worst.worst_bits:.3g} bits) in {ce.component}"
                f" under {worst.id}"
            )
            zs = [z for z in ce.z if math.isfinite(z)]
            if zs:
                msg += f", on inputs whose logits reach |z| = {max(abs(z) for z in zs):.4g}"
            msg += "."
        first_line = worst.message.splitlines()[0] if worst.message else ""
        if first_line:
            msg += f" {worst.id}: {first_line.rstrip('.:')}."
        evidence.update(
            {
                "check": worst.id,
                "inputs": ce.inputs,
                "expected": ce.expected,
                "actual": ce.actual,
                "ulps": ce.ulps,
                "bits": ce.bits,
                "component": ce.component,
            }
        )
    msg += "".join(extra)
    return Diagnosis("unrecognized", 0.0, msg, MISTAKES["unrecognized"].hint, evidence, tuple(c.id for c in failed))
