"""Run the checks of one target against a bound candidate and collect their outcomes.

Accuracy and identity checks are Hypothesis searches (verifier/engine/search.py); contract checks run on a
few drawn cases (verifier/engine/contracts.py).  ``RunConfig`` says what is judged and how.
"""

from __future__ import annotations

import dataclasses
import math
import time
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis import target as steer

from verifier.engine import bank, softmax_hardcases, strategies
from verifier.engine.candidate import BoundCandidate
from verifier.engine.config import Perf, RunConfig
from verifier.engine.contracts import run_contract
from verifier.engine.judge import Verdict, compare
from verifier.engine.samples import deciding_z, plain_z
from verifier.engine.search import Failed, State, describe_failure, search
from verifier.spec import identities
from verifier.spec.case import Case
from verifier.spec.checks import TAIL_REGIONS, Check, checks_for
from verifier.spec.results import CheckResult, Counterexample, Sample, to_plain
from verifier.spec.targets import Target

MAX_SAMPLES = 400  # samples kept per check for the report's error plot
# Steering targets must be finite: an infinite error would end Hypothesis' hill-climbing at once.
STEER_BITS_CAP = 1e6  # bits of error (an inf-ulps result counts as a million bits)
STEER_RATIO_CAP = 1e300  # ratio to the envelope, before log2


def _samples_for(target: Target, case: Case, verdict: Verdict) -> list[Sample]:
    zpick = deciding_z(target, case, verdict.component)
    if math.isnan(zpick):
        return []
    return [Sample(zpick, float(verdict.bits), verdict.passed, float(verdict.ratio))]


def _accuracy_body(cfg: RunConfig, cand: BoundCandidate, judge_finite_only: bool):
    target, fmt = cfg.target, cfg.fmt
    perf = cfg.perf or Perf()

    def body(case: Case, state: State) -> None:
        if state.out_of_time():
            return
        case = cfg.adapt(case)
        state.examples += 1
        perf.examples += 1
        t0 = time.perf_counter()
        obs = cand.observe(case)
        t1 = time.perf_counter()
        perf.calls += t1 - t0
        state.note(obs)
        if obs.outputs is None:
            state.failure = (case, obs, None, describe_failure(obs))
            if perf.first_failure_at is None:
                perf.first_failure_at = t1
            raise Failed
        exact = target.exact(case)
        verdict = compare(target, case, obs.outputs, exact, fmt, cfg.standard)
        perf.oracle += time.perf_counter() - t1
        if not verdict.passed and perf.first_failure_at is None:
            perf.first_failure_at = time.perf_counter()
        if judge_finite_only:
            verdict.passed = not verdict.nonfinite
            if not verdict.passed:
                verdict.message = "returned a non-finite value where the true value is finite\n" + verdict.message
        if len(state.samples) < MAX_SAMPLES:
            state.samples.extend(_samples_for(target, case, verdict))
        if math.isfinite(verdict.ratio):
            state.worst_ratio = max(state.worst_ratio, verdict.ratio)
        else:
            state.worst_ratio = math.inf
        state.worst_ulps = max(state.worst_ulps, verdict.ulps)
        if cfg.profile.steer:
            steer(min(verdict.bits, STEER_BITS_CAP), label="bits of error")
            steer(math.log2(1 + min(verdict.ratio, STEER_RATIO_CAP)), label="log2 ratio to envelope")
        if not verdict.passed:
            state.failure = (case, obs, verdict, verdict.message)
            raise Failed

    return body


def _identity_body(cfg: RunConfig, cand: BoundCandidate):
    target, fmt = cfg.target, cfg.fmt
    relations = identities.relations(target)
    bounds = identities.bounds(target)

    def body(case: Case, state: State) -> None:
        if state.out_of_time():
            return
        case = cfg.adapt(case)
        state.examples += 1
        obs = cand.observe(case)
        state.note(obs)
        if obs.outputs is None:
            state.failure = (case, obs, None, describe_failure(obs))
            raise Failed
        exact = target.exact(case)
        env = target.envelope(case, exact, fmt, cfg.standard)
        if bounds is not None:
            message = bank.bounds_problem(target.name, bounds, obs.outputs, env)
            if message:
                state.failure = (case, obs, None, message)
                raise Failed
        for rel in relations:
            case2 = rel.transform(case)
            obs2 = cand.observe(case2)
            state.note(obs2)
            if obs2.outputs is None:
                state.failure = (case2, obs2, None, f"on the {rel.name} case: " + describe_failure(obs2))
                raise Failed
            exact2 = target.exact(case2)
            env2 = target.envelope(case2, exact2, fmt, cfg.standard)
            message = bank.relation_problem(cfg, rel, case, obs.outputs, env, obs2.outputs, env2)
            if message:
                state.failure = (case, obs, None, message)
                raise Failed

    return body


def _result_from_state(check: Check, state: State, target: Target, region: str) -> CheckResult:
    ce = None
    message = (
        f"passed {state.examples} examples; worst error {state.worst_ulps:.3g} ulps, "
        f"{state.worst_ratio:.2g}x the envelope"
    )
    if state.failure is not None:
        case, obs, verdict, message = state.failure
        if verdict is not None:
            ce = Counterexample(
                inputs=case.plain(),
                expected=verdict.expected,
                actual=verdict.actual,
                ulps=verdict.ulps,
                bits=verdict.bits,
                ratio=verdict.ratio,
                component=verdict.component,
                z=[float(v) for v in target.logits(case)[:16]],
            )
        else:
            ce = Counterexample(
                inputs=case.plain(),
                expected={},
                actual={"raw": to_plain(obs.raw) if obs is not None else None},
                z=[float(v) for v in target.logits(case)[:16]],
            )
    worst_bits = math.log2(1 + state.worst_ulps) if math.isfinite(state.worst_ulps) else math.inf
    status = "passed"
    if state.failure is not None:
        _, obs, verdict, _ = state.failure
        ran = verdict is not None or obs is None or obs.outputs is not None or obs.status == "unreadable"
        status = "failed" if ran else "error"
    return CheckResult(
        id=check.id,
        tier=check.tier,
        title=check.title_for(target),
        passed=state.failure is None,
        status=status,
        message=message,
        examples=state.examples,
        counterexample=ce,
        worst_ulps=state.worst_ulps,
        worst_bits=worst_bits,
        worst_ratio=state.worst_ratio,
        findings=tuple(state.findings),
        samples=tuple(state.samples),
        region=region,
    )


def _sampler(target: Target, state: State):
    def sample(case: Case, bits: float, passed: bool, ratio: float = math.nan, component: str = "") -> None:
        if len(state.samples) < MAX_SAMPLES:
            zpick = deciding_z(target, case, component) if component else plain_z(target, case)
            if not math.isnan(zpick):
                state.samples.append(Sample(zpick, float(bits), passed, float(ratio)))

    return sample


def _explore(cfg: RunConfig, check: Check, cand: BoundCandidate, state: State, examples: int) -> None:
    """Hypothesis on top of the bank: ``examples`` more cases from the run's own seed, within the
    profile's time for a check (target steering included)."""
    target, fmt = cfg.target, cfg.fmt
    if examples <= 0 or cand.stopped:
        return
    state.deadline = time.perf_counter() + cfg.profile.check_seconds
    if check.kind == "identity":
        strategy = strategies.cases(target, check.region, fmt, cfg.lam, cfg.soft_labels, cfg.labels)
        search(cfg.seed, check.id, strategy, _identity_body(cfg, cand), examples, state)
        return
    regions = TAIL_REGIONS if check.kind == "finite" else (check.region,)
    strategy = st.one_of(*[strategies.cases(target, r, fmt, cfg.lam, cfg.soft_labels, cfg.labels) for r in regions])
    search(cfg.seed, check.id, strategy, _accuracy_body(cfg, cand, check.kind == "finite"), examples, state)


def run_check(cfg: RunConfig, check: Check, cand: BoundCandidate, entries: bank.CheckBank | None = None) -> CheckResult:
    """Run one check of the catalog against a bound candidate: the bank's entries for it first (when
    given), then exploration (``profile.explore`` examples; without a bank, ``profile.examples``)."""
    if check.kind not in ("contract", "accuracy", "finite", "identity"):
        raise ValueError(f"unknown check kind {check.kind!r}")
    if check.kind == "contract":
        return run_contract(cfg, check, cand, [e.case for e in entries.entries] if entries is not None else None)
    state = State()
    if entries is not None:
        bank.run_entries(cfg, check, cand, entries, state, _sampler(cfg.target, state))
    if state.failure is None:
        explore = cfg.profile.explore if entries is not None else cfg.profile.examples
        if check.kind == "identity" and entries is None:
            explore = max(10, explore // 2)
        _explore(cfg, check, cand, state, explore)
    region = "tails" if check.kind == "finite" else check.region
    return _result_from_state(check, state, cfg.target, region)


def selected_checks(cfg: RunConfig, only: list[str] | None = None) -> list[Check]:
    """The checks a run makes: every applicable one, or those in ``only``, in catalog order."""
    return [c for c in checks_for(cfg.target, cfg.labels) if only is None or c.id in only]


def run_checks(
    cfg: RunConfig,
    cand: BoundCandidate,
    only: list[str] | None = None,
    fail_fast: bool = False,
    cases: bank.Bank | None = None,
) -> list[CheckResult]:
    """Run every applicable check (or those in ``only``) and return their results in catalog order;
    with ``fail_fast``, stop after the first failing check.  ``cases``: the bank the checks meet first.
    A function that hangs or is killed is not called again: the later checks are skipped with why."""
    results: list[CheckResult] = []
    selected = selected_checks(cfg, only)
    for i, check in enumerate(selected, 1):
        if cand.stopped:
            results += [_skipped(c, f"not run: {cand.stopped}") for c in selected[i - 1 :]]
            break
        if cfg.progress:
            cfg.progress(f"[{i}/{len(selected)}] {check.id}")
        start = time.perf_counter()
        entries = cases.checks.get(check.id) if cases is not None else None
        results.append(run_check(cfg, check, cand, entries))
        if cfg.perf is not None:
            cfg.perf.checks += time.perf_counter() - start
        if cfg.progress:
            cfg.progress(
                f"[{i}/{len(selected)}] {check.id}: {'pass' if results[-1].passed else 'FAIL'} "
                f"({time.perf_counter() - start:.1f}s)"
            )
        if fail_fast and not results[-1].passed:
            break
        if check.id == "correctness.benign" and not results[-1].passed and not cand.stopped:
            raised = _raising_probes(cfg, cand)
            if raised and results[-1].status != "error":
                # it returns on some moderate inputs and raises on others: it cannot be judged there
                results[-1] = dataclasses.replace(results[-1], status="error")
            if raised == len(probe_cases(cfg)):
                reason = (
                    f"not run: the function raised on every call ({_first_error(results[-1])}); "
                    "fix that first, then every check runs"
                )
                results += [_skipped(c, reason) for c in selected[i:]]
                break
    return results


def probe_cases(cfg: RunConfig) -> list[Case]:
    """Three fixed moderate cases of different shapes (seed-independent), as the candidate sees them."""
    if cfg.target.multiclass:
        return [cfg.adapt(c) for c in softmax_hardcases.probe_cases(cfg.target, cfg.fmt, cfg.lam)]
    rng = np.random.default_rng(20240917)
    out = []
    for m, n in ((5, 2), (8, 3), (3, 1)):
        if cfg.target.pointwise:
            z = np.round(rng.uniform(-2, 2, m) * 64) / 64
            y = (rng.random(m) < 0.5).astype(np.float64)
            inputs: dict[str, Any] = {"z": z.astype(cfg.fmt.dtype)} if "z" in cfg.target.inputs else {}
            if "f" in cfg.target.inputs:
                inputs["f"] = (np.round(rng.uniform(0.1, 0.9, m) * 64) / 64).astype(cfg.fmt.dtype)
            if cfg.target.reads_labels:
                inputs["y"] = y
            out.append(Case(**inputs))
            continue
        X = (np.round(rng.uniform(-1, 1, (m, n)) * 64) / 64).astype(cfg.fmt.dtype)
        w = (np.round(rng.uniform(-1, 1, n) * 64) / 64).astype(cfg.fmt.dtype)
        y = np.array([float(i % 2) for i in range(m)])
        out.append(cfg.adapt(Case(X=X, y=y, w=w, b=0.25, lam=cfg.lam)))
    return out


def _raising_probes(cfg: RunConfig, cand: BoundCandidate) -> int:
    """On how many of three fixed moderate cases of different shapes the function fails to return
    (raises, times out, ends the process): seed-independent evidence that it raises on moderate inputs."""
    raised = 0
    for case in probe_cases(cfg):
        obs = cand.observe(case)
        if obs.outputs is None and obs.status != "unreadable":
            raised += 1
    return raised


def _first_error(result: CheckResult) -> str:
    first = result.message.splitlines()[0] if result.message else ""
    return first.removeprefix("the function raised ")[:200]


def _skipped(check: Check, reason: str) -> CheckResult:
    return CheckResult(
        id=check.id,
        tier=check.tier,
        title=check.title,
        passed=False,
        message=reason,
        status="skipped",
        region=check.region,
    )
