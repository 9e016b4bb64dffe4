"""Explain a failing Result with the catalog of mistakes (verifier/mistakes.py, docs/diagnoses.md).

``attach(result, probe, cfg)`` is called by ``verifier.check`` at the end of a failing run while the
candidate can still be called.  It gathers evidence (the candidate on three designed benign cases,
on each failing check's counterexample and, when a tail check failed, on a ladder of logits from
moderate to far past overflow), tests every mistake model against it, and returns the Result with
``diagnoses`` filled, ordered by how many failing checks each explains.  A diagnosis is reported
only when its model reproduces the evidence; otherwise one ``unrecognized`` diagnosis states the
facts.  ``attach`` never raises.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from verifier import diagnose_cases, diagnose_models, diagnose_numeric
from verifier.candidate import Observation
from verifier.conventions import OutputError
from verifier.diagnose_cases import case_from_plain
from verifier.diagnose_models import Model, as_float
from verifier.judge import compare
from verifier.mistakes import MISTAKES, ORDER
from verifier.results import Diagnosis, Result
from verifier.targets import Case

TAIL_CHECKS = ("stability.saturated", "stability.overflow", "stability.underflow", "stability.cancellation", "stability.finite")
_SHAPE_WORDS = ("shape", "align", "broadcast", "dimension", "matmul", "size", "axis", "index", "0-d", "iteration over a 0-d")


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


# --------------------------------------------------------------------------- entry points
def attach(result: Result, probe, cfg) -> Result:
    """``result`` with its diagnoses; an ``unrecognized`` diagnosis if diagnosis itself fails."""
    if result.passed:
        return result
    try:
        diagnoses = diagnose(result, probe, cfg)
    except Exception as exc:  # diagnosis must never take a report down
        diagnoses = (_unrecognized(result, [], f" (the diagnosis could not finish: {type(exc).__name__}: {exc})"),)
    return dataclasses.replace(result, diagnoses=tuple(diagnoses))


def diagnose(result: Result, probe, cfg) -> tuple[Diagnosis, ...]:
    """The diagnoses of a failing ``result`` (empty for a passing one), best explanation first."""
    if result.passed:
        return ()
    failing = [c.id for c in result.failed()]
    setup = _setup(result)
    if setup is not None:
        return (setup.to_diagnosis(failing),)
    if probe is None or cfg is None:
        return (_unrecognized(result, []),)
    seen: list[Seen] = []
    found = find(result, probe, cfg, seen_out=seen)
    if any(c.checks for c in found):
        found = [c for c in found if c.checks]
    if not found:
        return (_unrecognized(result, _facts(cfg, seen)),)
    return tuple(c.to_diagnosis(failing) for c in found)


def find(result: Result | None, probe, cfg, ladder: bool | None = None, seen_out: list | None = None) -> list[Candidate]:
    """Every catalog mistake the evidence supports, ranked.  ``result`` may be None (then only the
    designed probes and, when ``ladder`` is true, the tail ladder are looked at).  The cases looked
    at are appended to ``seen_out`` when given."""
    failing = {c.id: c for c in result.failed()} if result is not None else {}
    seen = _designed(probe, cfg)
    seen += _counterexamples(result, probe, cfg) if result is not None else []
    if seen_out is not None:
        seen_out.extend(seen)
    found: list[Candidate] = []
    found += _contract(failing, seen, probe, cfg)
    nondet = _nondeterministic(failing, seen, probe)
    if nondet is not None:
        return _rank(found + [nondet])
    models = _models(failing, seen, probe, cfg)
    found += models
    if not models and not any(c.id in ("outputs-swapped", "wrong-shape", "raises") for c in found):
        rp = _reduced_precision(failing, seen, cfg)
        if rp is not None:
            found.append(rp)
    if ladder is None:
        ladder = any(cid in TAIL_CHECKS for cid in failing)
    designed_ok = all(_right(cfg, s) for s in seen if not s.check)
    if ladder and (designed_ok or models):  # tails are read only against a known benign behaviour
        found += _tails(failing, seen, probe, cfg, models[0] if models else None)
    return _rank(found)


def _rank(found: list[Candidate]) -> list[Candidate]:
    best: dict[str, Candidate] = {}
    for c in found:
        old = best.get(c.id)
        if old is None or (len(c.checks), c.confidence) > (len(old.checks), old.confidence):
            best[c.id] = c
    return sorted(best.values(), key=lambda c: (-len(c.checks), -c.confidence, ORDER[c.id]))


# --------------------------------------------------------------------------- evidence
def _observe(probe, case: Case) -> Observation:
    return probe.observe(diagnose_cases.with_changes(case))


def _exact(cfg, case: Case) -> dict[str, np.ndarray]:
    return as_float(cfg.target.exact(diagnose_cases.with_changes(case)))


def _designed(probe, cfg) -> list[Seen]:
    out = []
    for label, case in diagnose_cases.designed(cfg.target, cfg.fmt, cfg.lam):
        out.append(Seen(label, case, _observe(probe, case), _exact(cfg, case)))
    return out


def _counterexamples(result: Result, probe, cfg) -> list[Seen]:
    out = []
    for c in result.failed():
        ce = c.counterexample
        if ce is None or not ce.inputs or c.id == "contract.deterministic":
            continue
        try:
            case = case_from_plain(ce.inputs, cfg.fmt)
            exact = _exact(cfg, case)
        except Exception:  # an input the oracle rejects (e.g. an infinite true value) is no evidence
            continue
        out.append(Seen(f"the counterexample of {c.id}", case, _observe(probe, case), exact, c.id))
    return out


def _close(a: np.ndarray, p: np.ndarray, scale: float, rel: float) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(all="ignore"):
        near = np.abs(a - p) <= rel * scale
    return near | ((a == p) & np.isinf(a)) | (np.isnan(a) & np.isnan(p))


def _tolerance(cfg) -> float:
    return 2.0 ** (-0.55 * cfg.fmt.bits)


def _compare_model(cfg, seen: Seen, pred: dict[str, np.ndarray]) -> tuple[bool, list[str]]:
    """(every component equals the prediction or the truth, the components that equal only the prediction)."""
    outputs = seen.obs.outputs
    if outputs is None:
        return False, []
    rel = _tolerance(cfg)
    floor = 1.0 if cfg.target.kind == "problem" else 0.0
    only_model = []
    for comp in cfg.target.components:
        a = np.asarray(outputs[comp], dtype=np.float64)
        e = seen.exact[comp]
        p = pred.get(comp, e)
        if np.shape(p) != np.shape(a):
            return False, []
        with np.errstate(all="ignore"):
            scale = max(float(np.max(np.abs(e), initial=0.0)), float(np.nanmax(np.abs(p), initial=0.0))
                        if np.all(np.isfinite(p)) else 0.0) + floor * 1e-3
        near_p = _close(a, p, scale, rel)
        near_e = _close(a, e, scale, rel)
        if not np.all(near_p | near_e):
            return False, []
        if np.any(near_p & ~near_e):
            only_model.append(comp)
    return True, only_model


# --------------------------------------------------------------------------- setup and contract
def _setup(result: Result) -> Candidate | None:
    for c in result.failed():
        if c.id == "contract.loads":
            syntax = any(s in c.message for s in ("SyntaxError", "IndentationError", "TabError"))
            mid = "syntax-error" if syntax else "load-error"
            first = c.message.split("\n")[0].removeprefix("the submission could not be loaded: ")
            kind, _, rest = first.partition(": ")
            if rest.startswith(kind):
                first = rest
            return Candidate(mid, 1.0, f"The submission could not be loaded: {first}.",
                             {"error": c.message[:2000]}, {c.id})
        if c.id == "contract.function":
            return Candidate("missing-function", 1.0, c.message[0].upper() + c.message[1:] + ".", {"error": c.message}, {c.id})
    return None


def _raw_permutations(raw):
    if isinstance(raw, (tuple, list)) and len(raw) in (2, 3):
        for perm in itertools.permutations(range(len(raw))):
            if perm != tuple(range(len(raw))):
                yield perm, type(raw)(raw[i] for i in perm) if isinstance(raw, list) else tuple(raw[i] for i in perm)


def _swapped(cfg, probe, s: Seen) -> tuple | None:
    """The permutation of the returned values that makes them right, if any."""
    for perm, raw in _raw_permutations(s.obs.raw):
        try:
            outputs = probe.convention.read(cfg.target, s.case, raw)
        except (OutputError, Exception):
            continue
        trial = Seen(s.label, s.case, Observation(outputs), s.exact)
        ok, only = _compare_model(cfg, trial, s.exact)
        if ok and not only:
            return perm
    return None


def _contract(failing: dict, seen: list[Seen], probe, cfg) -> list[Candidate]:
    out: list[Candidate] = []
    target = cfg.target
    # outputs in the wrong order
    swaps = [(s, _swapped(cfg, probe, s)) for s in seen if s.obs.status in ("ok", "unreadable")]
    swapped = [(s, p) for s, p in swaps if p is not None and not _right(cfg, s)]
    designed_wrong = [s for s in seen if not s.check and not _right(cfg, s)]
    if swapped and all(any(s is t for t, _ in swapped) for s in designed_wrong):
        s, perm = swapped[0]
        checks = {s2.check for s2, _ in swapped if s2.check} | ({"contract.shapes"} & failing.keys())
        checks |= {cid for cid in failing if cid.startswith("correctness.")}
        order = ", ".join(f"position {i + 1}" for i in perm)
        out.append(Candidate(
            "outputs-swapped", 0.95,
            f"The values are right but returned in the wrong order: on the case with {s.label}, taking the returned "
            f"values in the order ({order}) gives exactly the expected {', '.join(target.components)}. "
            f"{probe.convention.description}.",
            {"case": s.label, "permutation": list(perm), "error": s.obs.error}, checks))
        return out
    # mutation of the inputs
    mutated = [s for s in seen if s.obs.mutated]
    if "contract.pure" in failing or mutated:
        msg = failing["contract.pure"].message if "contract.pure" in failing else f"the function modified its input(s) {mutated[0].obs.mutated}"
        out.append(Candidate("mutates-input", 0.95, msg[0].upper() + msg[1:] + ": the caller's data changes after the call, "
                             "so later computations (and the checks that reuse the arrays) see different inputs.",
                             {"mutated": [list(map(str, s.obs.mutated)) for s in mutated][:3]}, {"contract.pure"} & failing.keys()))
    # scalar-only code
    scalar = [s for s in seen if s.obs.scalar_fallback]
    if "contract.arrays" in failing and (scalar or "scalar at a time" in failing["contract.arrays"].message):
        err = scalar[0].obs.extra.get("array_error", "") if scalar else failing["contract.arrays"].message
        checks = {"contract.arrays"} | {cid for cid, c in failing.items() if "scalar" in c.message}
        out.append(Candidate("rejects-arrays", 0.95,
                             f"The function works on one Python number but fails when given a numpy array ({err}).",
                             {"error": err}, checks))
    # shapes
    unreadable = [s for s in seen if s.obs.status == "unreadable" and s.obs.mistake == "wrong-shape"]
    shape_raises = [s for s in seen if s.obs.status == "raised" and any(w in s.obs.error.lower() for w in _SHAPE_WORDS)]
    if unreadable or shape_raises or ("contract.shapes" in failing and not any(c.id == "outputs-swapped" for c in out)):
        bad = unreadable + shape_raises
        checks = {s.check for s in bad if s.check} | ({"contract.shapes"} & failing.keys())
        if bad:
            s = bad[0]
            where = _shape_words(s.case)
            ok_shapes = [t.label for t in seen if not t.check and t.obs.outputs is not None]
            if s.obs.status == "raised":
                msg = f"The function fails for {where}: {s.obs.error.splitlines()[0]}"
            else:
                msg = f"The result has the wrong shape for {where}: {s.obs.error}"
            if ok_shapes and len(ok_shapes) < len([t for t in seen if not t.check]):
                msg += f" (it works for {', '.join(ok_shapes)})"
            for cid, c in failing.items():
                if cid.startswith("correctness.") and c.counterexample is not None and not c.counterexample.expected:
                    checks.add(cid)
            evidence = {"case": s.label, "error": s.obs.error}
        else:
            msg = "The result does not have the documented type or shape: " + failing["contract.shapes"].message
            evidence = {"error": failing["contract.shapes"].message}
        out.append(Candidate("wrong-shape", 0.9, msg + ".", evidence, checks))
    # other exceptions and timeouts
    hit = [s for s in seen if s.obs.status in ("raised", "timeout", "exited", "killed") and s not in shape_raises]
    if hit and not any(c.id == "rejects-arrays" for c in out):
        s = hit[0]
        checks = {t.check for t in hit if t.check}
        checks |= {cid for cid, c in failing.items()
                   if any(w in c.message for w in ("raised", "time limit", "ended the process", "resource limit"))}
        what = {"raised": "raised " + s.obs.error.splitlines()[0] if s.obs.error else "raised",
                "timeout": "did not finish within the time limit"}.get(s.obs.status, f"ended the process ({s.obs.error})")
        out.append(Candidate("raises", 0.9, f"The function {what} on the case with {_shape_words(s.case)}.",
                             {"case": s.label, "error": s.obs.error, "traceback": s.obs.traceback[-2000:]}, checks))
    return out


def _nondeterministic(failing: dict, seen: list[Seen], probe) -> Candidate | None:
    """The designed probes called a second time: different outputs for the same inputs."""
    for s in seen:
        if s.check or s.obs.outputs is None:
            continue
        again = _observe(probe, s.case)
        if again.outputs is None:
            continue
        for comp, a in s.obs.outputs.items():
            b = again.outputs.get(comp)
            if b is None or not np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True):
                checks = {cid for cid in failing if not cid.startswith("contract.")} | ({"contract.deterministic"} & failing.keys())
                return Candidate("nondeterministic", 0.9,
                                 f"Two calls with the same inputs ({s.label}) returned different {comp}: the result depends "
                                 f"on something other than the inputs (random numbers, a random subset of the examples, "
                                 f"or state kept between calls).",
                                 {"case": s.label, "first": np.asarray(a).tolist(), "second": np.asarray(b).tolist()}, checks)
    if "contract.deterministic" in failing:
        msg = failing["contract.deterministic"].message
        return Candidate("nondeterministic", 0.9, msg[0].upper() + msg[1:] + ".", {}, {"contract.deterministic"})
    return None


def _right(cfg, s: Seen) -> bool:
    if s.obs.outputs is None:
        return False
    ok, only = _compare_model(cfg, s, s.exact)
    return ok


def _shape_words(case: Case) -> str:
    enc = case.get("y_encoding", "float")
    labels = f" and labels given as {enc} values" if enc != "float" else ""
    if "X" in case:
        m, n = np.shape(case["X"])
        return f"m = {m}, n = {n}{labels}"
    key = "z" if "z" in case else "f"
    return f"an input of shape {np.shape(case[key])}{labels}"


# --------------------------------------------------------------------------- mistake models
def _fmt(v: float) -> str:
    return f"{v:.6g}"


def _models(failing: dict, seen: list[Seen], probe, cfg) -> list[Candidate]:
    designed = [s for s in seen if not s.check and s.obs.outputs is not None]
    if not designed or all(_right(cfg, s) for s in designed):
        return []
    out = []
    for model in diagnose_models.models_for(cfg.target):
        hits: list[tuple[Seen, list[str], dict]] = []
        ok = True
        for s in designed:
            pred = _predict(model, cfg, s.case)
            if pred is None:
                pred = s.exact
            good, only = _compare_model(cfg, s, pred)
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
            pred = _predict(model, cfg, s.case) or s.exact
            good, _ = _compare_model(cfg, s, pred)
            if good:
                checks.add(s.check)
        out.append(_model_candidate(model, hits, len(designed), checks, cfg))
    return out


def _predict(model: Model, cfg, case: Case) -> dict[str, np.ndarray] | None:
    """The model's prediction, or None where it cannot say (an oracle domain error, an overflow)."""
    try:
        return model.predict(cfg.target, case)
    except (ArithmeticError, ValueError, OverflowError):
        return None


def _model_candidate(model: Model, hits, n_designed: int, checks: set[str], cfg) -> Candidate:
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
    message = (f"{mistake.title[0].upper() + mistake.title[1:]} (in {where}): on a test case with {s.label}, "
               f"{label} is {_fmt(a[i])} where the right value is {_fmt(e[i])}; {model.variant} gives "
               f"{_fmt(p[i])}, and it matches every one of the {n_designed} test cases.")
    evidence = {"variant": model.variant, "case": diagnose_cases_plain(s.case), "component": label,
                "actual": float(a[i]), "expected": float(e[i]), "predicted": float(p[i]),
                "cases_matched": n_designed}
    return Candidate(model.id, 0.95, message, evidence, checks)


def diagnose_cases_plain(case: Case) -> dict[str, Any]:
    from verifier.runner import plain_case

    return plain_case(case)


def _reduced_precision(failing: dict, seen: list[Seen], cfg) -> Candidate | None:
    pairs = [(s.obs.outputs, s.exact) for s in seen if not s.check and s.obs.outputs is not None]
    f = diagnose_numeric.reduced_precision(pairs, cfg.fmt)
    if f is None:
        return None
    checks = {cid for cid in failing if not cid.startswith("contract.")}
    return Candidate(f.id, f.confidence, f"The result is computed in a narrower format than {cfg.fmt.name}: {f.detail}.",
                     f.evidence, checks)


# --------------------------------------------------------------------------- numeric causes in the tails
def _tails(failing: dict, seen: list[Seen], probe, cfg, model: Candidate | None) -> list[Candidate]:
    target, fmt = cfg.target, cfg.fmt
    model_obj = None
    if model is not None:
        model_obj = next((m for m in diagnose_models.models_for(target)
                          if m.id == model.id and m.variant == model.evidence.get("variant")), None)
    points = []
    rungs = diagnose_cases.ladder(target, fmt, cfg.lam)
    batched = _batched_observations(probe, target, [case for _, case in rungs])
    for k, (z, case) in enumerate(rungs):
        try:
            exact_raw = target.exact(diagnose_cases.with_changes(case))
        except Exception:
            continue
        expected = as_float(exact_raw)
        truth_finite = all(np.all(np.isfinite(v)) for v in expected.values())
        obs = batched[k] if batched is not None else _observe(probe, case)
        if obs.outputs is None:
            points.append(diagnose_numeric.Point(z, case, None, expected, False, math.inf, truth_finite, obs.error))
            continue
        verdict = compare(target, diagnose_cases.with_changes(case), obs.outputs, exact_raw, fmt, cfg.standard)
        passed = verdict.passed
        if not passed and model_obj is not None:
            pred = _predict(model_obj, cfg, case)
            if pred is not None and _compare_model(cfg, Seen("", case, obs, expected), pred)[0]:
                passed = True  # explained by the mistake model already found
        points.append(diagnose_numeric.Point(z, case, obs.outputs, expected, passed, verdict.ulps, truth_finite))
    findings = diagnose_numeric.tail_findings(target, points, fmt)
    if not findings:
        return []
    # each failing tail check goes to the finding whose region holds its counterexample
    tail_failing = [cid for cid in failing if cid in TAIL_CHECKS or cid == "correctness.identities"]
    assigned: dict[str, set[str]] = {f.id: set() for f in findings}
    for cid in tail_failing:
        ce = failing[cid].counterexample
        zs = [abs(z) for z in (ce.z if ce is not None else []) if math.isfinite(z)]
        zc = max(zs) if zs else math.nan
        owner = None
        if cid == "stability.finite":
            owner = next((f for f in findings if f.id in ("log-of-zero", "overflow")), None)
        if owner is None and math.isfinite(zc):
            covering = [f for f in findings if zc >= 0.9 * f.zmin]
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
    None when that call does not give readable outputs (then each rung is called on its own)."""
    if target.kind != "pointwise" or not cases:
        return None
    out: list[Observation | None] = [None] * len(cases)
    groups: dict[float, list[int]] = {}
    for i, c in enumerate(cases):
        groups.setdefault(float(np.asarray(c.get("y", [0.0])).reshape(-1)[0]), []).append(i)
    for idx in groups.values():
        joined = {k: np.concatenate([np.asarray(cases[i][k]).reshape(-1) for i in idx]) for k in cases[idx[0]]}
        obs = _observe(probe, joined)
        if obs.outputs is None or "value" not in obs.outputs or np.size(obs.outputs["value"]) != len(idx):
            return None
        values = np.asarray(obs.outputs["value"]).reshape(-1)
        for j, i in enumerate(idx):
            out[i] = Observation({"value": values[j:j + 1].copy()}, warnings=obs.warnings)
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
            return [f" On a test case with {_shape_words(s.case)} the call failed: {s.obs.error.splitlines()[0] if s.obs.error else s.obs.status}."]
        ok, _ = _compare_model(cfg, s, s.exact)
        if ok:
            continue
        wrong, right = [], []
        for comp in cfg.target.components:
            a = np.asarray(s.obs.outputs[comp], dtype=np.float64).reshape(-1)
            e = np.asarray(s.exact[comp], dtype=np.float64).reshape(-1)
            if _close(a, e, float(np.max(np.abs(e), initial=0.0)) + 1e-3, _tolerance(cfg)).all():
                right.append(comp)
                continue
            i = int(np.argmax(np.abs(a - e)))
            label = comp if a.size == 1 else f"{comp}[{i}]"
            ratio = f", {a[i] / e[i]:.4g} times the right value" if e[i] != 0 and math.isfinite(a[i]) else ""
            wrong.append(f"{label} is {_fmt(a[i])} where the right value is {_fmt(e[i])}{ratio}")
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
        if c.counterexample is not None and math.isfinite(c.worst_ulps) and (worst is None or c.worst_ulps > worst.worst_ulps):
            worst = c
        elif c.counterexample is not None and worst is None:
            worst = c
    msg = f"No mistake in the catalog explains this failure{note}. Failing checks: {', '.join(parts)}."
    evidence: dict[str, Any] = {"failing": [c.id for c in failed]}
    if worst is not None and worst.counterexample is not None:
        ce = worst.counterexample
        if ce.component:
            msg += (f" The largest error is {worst.worst_ulps:.3g} ulps ({worst.worst_bits:.3g} bits) in {ce.component}"
                    f" under {worst.id}")
            zs = [z for z in ce.z if math.isfinite(z)]
            if zs:
                msg += f", on inputs whose logits reach |z| = {max(abs(z) for z in zs):.4g}"
            msg += "."
        first_line = worst.message.splitlines()[0] if worst.message else ""
        if first_line:
            msg += f" {worst.id}: {first_line.rstrip('.:')}."
        evidence.update({"check": worst.id, "inputs": ce.inputs, "expected": ce.expected, "actual": ce.actual,
                         "ulps": ce.ulps, "bits": ce.bits, "component": ce.component})
    msg += "".join(extra)
    return Diagnosis("unrecognized", 0.0, msg, MISTAKES["unrecognized"].hint, evidence, tuple(c.id for c in failed))
