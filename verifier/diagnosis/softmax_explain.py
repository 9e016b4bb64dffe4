"""The evidence and the findings for a failing function of the softmax family.

The candidate is called on the family's designed probes (verifier/diagnosis/softmax_cases.py) and on
each failing check's counterexample; then, in order: contract faults, a result that ignores its
inputs (``constant-output``: the same outputs when every value of every probe is changed), the
family's mistake models (verifier/diagnosis/softmax_models.py), a guard eps added to the true
class's probability (``clipping``, eps solved from one probe and confirmed on the others), float32
arithmetic (``reduced-precision``), and, when a stability check failed and moderate inputs are right
, the tail ladder (verifier/diagnosis/softmax_tails.py).
"""

from __future__ import annotations

import math

import numpy as np

from verifier.diagnosis import numeric as diagnose_numeric
from verifier.diagnosis import softmax_cases, softmax_models, softmax_tails
from verifier.diagnosis.contract import contract_diagnoses, nondeterministic
from verifier.diagnosis.evidence import (
    Candidate,
    Seen,
    compare_model,
    counterexamples,
    exact_outputs,
    is_right,
    look,
    observe,
    show_number,
)
from verifier.diagnosis.matching import match_models
from verifier.spec.case import Case

# The checks a finding about values explains: every failing check but the contract ones.
CONTRACT = "contract."


def _value_checks(failing: dict) -> set[str]:
    return {cid for cid in failing if not cid.startswith(CONTRACT)}


def designed(probe, cfg) -> list[Seen]:
    """The candidate and the oracle on the family's designed probes."""
    return [look(probe, cfg, label, case) for label, case in softmax_cases.designed(cfg.target, cfg.fmt, cfg.lam)]


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        np.shape(a[k]) == np.shape(b[k]) and np.array_equal(np.asarray(a[k]), np.asarray(b[k]), equal_nan=True)
        for k in a
    )


def constant_output(failing: dict, designed_seen: list[Seen], probe, cfg) -> Candidate | None:
    """Every probe gives the same outputs after all its values are changed, while the truth moves."""
    pairs = []
    for s in designed_seen:
        if s.obs.outputs is None:
            return None
        other = softmax_cases.perturbed(s.case)
        obs = observe(probe, other)
        if obs.outputs is None or not _same(s.obs.outputs, obs.outputs):
            return None
        pairs.append((s, other))
    if not pairs:
        return None
    s, other = pairs[0]
    truth_moves = any(not _same(x.exact, exact_outputs(cfg, o)) for x, o in pairs)
    if not truth_moves:
        return None
    comp = cfg.target.components[0]
    a = np.asarray(s.obs.outputs[comp], dtype=np.float64).reshape(-1)  # type: ignore[index]
    e = np.asarray(s.exact[comp], dtype=np.float64).reshape(-1)
    message = (
        f"The function returns the same thing whatever the input: on all {len(pairs)} test cases, changing every "
        f"value of the input leaves every output as it was, while the right values move (on the test case with "
        f"{s.label}, {comp}{'' if a.size == 1 else '[0]'} is {show_number(a[0])} where the right value is "
        f"{show_number(e[0])})."
    )
    return Candidate("constant-output", 0.9, message, {"cases": len(pairs), "component": comp}, _value_checks(failing))


def _true_class_probability(case: Case) -> np.ndarray | None:
    y = np.asarray(case.yidx)
    rows = np.arange(len(y))
    if case.f is not None:
        return np.asarray(case.f, dtype=np.float64)[rows, y]
    z = np.asarray(case.z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True))[rows, y]


def guard_eps(failing: dict, designed_seen: list[Seen], cfg) -> Candidate | None:
    """A per-example loss equal to -log(p_y + eps) on every probe, eps solved from the first."""
    target = cfg.target
    if target.is_problem or not target.reads_classes or not designed_seen:
        return None
    preds = []
    first = designed_seen[0]
    if first.obs.outputs is None:
        return None
    p = _true_class_probability(first.case)
    loss = np.asarray(first.obs.outputs["value"], dtype=np.float64).reshape(-1)
    if p is None or loss.shape != p.shape or not np.all(np.isfinite(loss)):
        return None
    eps = float(math.exp(-loss[0]) - p[0])
    if not eps > 0:
        return None
    for s in designed_seen:
        py = _true_class_probability(s.case)
        pred = {"value": -np.log(py + eps)}  # type: ignore[operator]
        good, only = compare_model(cfg, s, pred)
        if not good or not only:
            return None
        preds.append(pred)
    a = np.asarray(first.obs.outputs["value"], dtype=np.float64).reshape(-1)
    e = np.asarray(first.exact["value"], dtype=np.float64).reshape(-1)
    message = (
        f"The loss is -log(p_y + eps) with eps = {eps:.3g}, not -log(p_y): on all {len(designed_seen)} test cases "
        f"it equals that to 1e-9 (on the test case with {first.label}, value[0] is {show_number(a[0])} where the "
        f"right value is {show_number(e[0])}; the guard moves every loss by about eps / p_y)."
    )
    return Candidate(
        "clipping", 0.9, message, {"eps": eps, "cases_matched": len(designed_seen)}, _value_checks(failing)
    )


def reduced_precision(failing: dict, designed_seen: list[Seen], cfg) -> Candidate | None:
    pairs = [(s.obs.outputs, s.exact) for s in designed_seen if s.obs.outputs is not None]
    f = diagnose_numeric.reduced_precision(pairs, cfg.fmt)
    if f is None:
        return None
    message = f"The result is computed in a narrower format than {cfg.fmt.name}: {f.detail}."
    return Candidate(f.id, f.confidence, message, f.evidence, _value_checks(failing))


def _tail_candidates(failing: dict, probe, cfg) -> list[Candidate]:
    """The tail cause, explaining every failing check about values (moderate inputs are right, so a
    failing correctness check is the same cause met by a drawn case)."""
    out = []
    for c in softmax_tails.findings(probe, cfg):
        checks = _value_checks(failing)
        title = c.message[0].upper() + c.message[1:]
        out.append(
            Candidate(c.id, c.confidence, f"{title}. Moderate inputs give the right result.", c.evidence, checks)
        )
    return out


def _with_transposed_reads(c: Candidate, seen: list[Seen]) -> Candidate:
    """A transposed dW explains too the failing checks whose counterexample returned dW with the shape
    (K, n) of W transposed (unreadable as (n, K) when n != K)."""
    if c.id != "transposed":
        return c
    for s in seen:
        if s.check and s.obs.outputs is None and s.case.W is not None:
            n, K = np.shape(s.case.W)
            if f"shape ({K}, {n})" in (s.obs.error or ""):
                c.checks.add(s.check)
    return c


def find(result, probe, cfg, seen_out: list | None = None) -> list[Candidate]:
    """Every catalog mistake the evidence supports for a softmax-family function (unranked); the cases
    looked at are appended to ``seen_out`` when given."""
    failing = {c.id: c for c in result.failed()}
    seen = designed(probe, cfg)
    designed_seen = [s for s in seen if not s.check]
    seen += counterexamples(result, probe, cfg)
    if seen_out is not None:
        seen_out.extend(seen)
    found = contract_diagnoses(failing, seen, probe, cfg)
    nondet = nondeterministic(failing, seen, probe)
    if nondet is not None:
        return found + [nondet]
    designed_ok = all(is_right(cfg, s) for s in designed_seen)
    models: list[Candidate] = []
    if not designed_ok:
        stub = constant_output(failing, designed_seen, probe, cfg)
        if stub is not None:
            return found + [stub]
        with np.errstate(all="ignore"):  # models meet the counterexamples' tails too
            matched = match_models(softmax_models.models_for(cfg.target), seen, cfg)
        models = [_with_transposed_reads(c, seen) for c in matched]
        found += models
        if not models:
            for measure in (guard_eps, reduced_precision):
                hit = measure(failing, designed_seen, cfg)
                if hit is not None:
                    found.append(hit)
                    break
    if any(cid.startswith("stability.") for cid in failing) and designed_ok:
        found += _tail_candidates(failing, probe, cfg)
    return found
