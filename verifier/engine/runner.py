"""Run the checks of one target against a bound candidate and collect their outcomes.

Accuracy and identity checks are Hypothesis searches (verifier/search.py); contract checks run on a
few drawn cases (verifier/contracts.py).  ``RunConfig`` says what is judged and how.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
from hypothesis import strategies as st
from hypothesis import target as steer

from verifier import identities, strategies
from verifier.candidate import BoundCandidate
from verifier.checks import TAIL_REGIONS, Check, checks_for
from verifier.contracts import run_contract
from verifier.formats import Format
from verifier.judge import Verdict, compare
from verifier.profiles import Profile
from verifier.results import CheckResult, Counterexample, Sample, to_plain
from verifier.search import Failed, State, describe_failure, plain_case, search  # noqa: F401 (plain_case is re-exported)
from verifier.targets import Case, Target

MAX_SAMPLES = 400


@dataclass
class Perf:
    """Where a run's time goes (read by benchmarks/check.py): candidate calls, oracle and judging;
    the rest of a check's time is Hypothesis generating and shrinking.  ``first_failure_at`` is the
    perf_counter time the first failing example was seen (None until then)."""

    calls: float = 0.0
    oracle: float = 0.0
    checks: float = 0.0
    examples: int = 0
    first_failure_at: float | None = None

    def reset(self) -> None:
        self.__init__()


PERF = Perf()


@dataclass(frozen=True)
class RunConfig:
    target: Target
    fmt: Format
    standard: str
    profile: Profile
    seed: int
    lam: float = 0.0
    soft_labels: bool = False
    progress: Callable[[str], None] | None = None


def _samples_for(target: Target, case: Case, verdict: Verdict) -> list[Sample]:
    z = target.logits(case)
    if z.size == 0:
        return []
    zpick = float(z[np.argmax(np.abs(z))]) if target.kind == "problem" else float(z[0])
    return [Sample(zpick, float(verdict.bits), verdict.passed)]


def _accuracy_body(cfg: RunConfig, cand: BoundCandidate, judge_finite_only: bool):
    target, fmt = cfg.target, cfg.fmt

    def body(case: Case, state: State) -> None:
        state.examples += 1
        PERF.examples += 1
        t0 = time.perf_counter()
        obs = cand.observe(case)
        t1 = time.perf_counter()
        PERF.calls += t1 - t0
        state.note(obs)
        if obs.outputs is None:
            state.failure = (case, obs, None, describe_failure(obs))
            if PERF.first_failure_at is None:
                PERF.first_failure_at = t1
            raise Failed
        exact = target.exact(case)
        verdict = compare(target, case, obs.outputs, exact, fmt, cfg.standard)
        PERF.oracle += time.perf_counter() - t1
        if not verdict.passed and PERF.first_failure_at is None:
            PERF.first_failure_at = time.perf_counter()
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
            steer(min(verdict.bits, 1e6), label="bits of error")
            steer(math.log2(1 + min(verdict.ratio, 1e300)), label="log2 ratio to envelope")
        if not verdict.passed:
            state.failure = (case, obs, verdict, verdict.message)
            raise Failed

    return body


def _identity_body(cfg: RunConfig, cand: BoundCandidate):
    target, fmt = cfg.target, cfg.fmt
    relations = identities.relations(target)
    bounds = identities.bounds(target)

    def body(case: Case, state: State) -> None:
        state.examples += 1
        obs = cand.observe(case)
        state.note(obs)
        if obs.outputs is None:
            state.failure = (case, obs, None, describe_failure(obs))
            raise Failed
        exact = target.exact(case)
        env = target.envelope(case, exact, fmt, cfg.standard)
        if bounds is not None:
            lo, hi = bounds
            for comp, arr in obs.outputs.items():
                a = np.asarray(arr, dtype=np.float64)
                slack = np.asarray(env[comp], dtype=np.float64)
                bad = (a < lo - slack) | (a > hi + slack) | np.isnan(a)
                if np.any(bad):
                    idx = int(np.flatnonzero(bad.reshape(-1))[0])
                    state.failure = (
                        case, obs, None,
                        f"{comp} = {a.reshape(-1)[idx]!r} lies outside [{lo}, {hi}], where every value of "
                        f"{target.name} must lie",
                    )
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
            predicted = rel.predict(obs2.outputs)
            for comp in target.components:
                a = np.asarray(obs.outputs[comp], dtype=np.float64)
                p = np.asarray(predicted[comp], dtype=np.float64)
                slack = np.asarray(env[comp], dtype=np.float64) + np.asarray(env2[comp], dtype=np.float64)
                with np.errstate(invalid="ignore"):
                    diff = np.abs(a - p)
                bad = ~(diff <= slack) & ~((a == p) & np.isinf(a))
                if np.any(bad):
                    idx = int(np.flatnonzero(bad.reshape(-1))[0])
                    state.failure = (
                        case, obs, None,
                        f"{rel.description} does not hold: {comp} is {a.reshape(-1)[idx]!r} but the "
                        f"{rel.name} case predicts {p.reshape(-1)[idx]!r} (allowed difference {slack.reshape(-1)[idx]:.3g})",
                    )
                    raise Failed

    return body


def _result_from_state(check: Check, state: State, target: Target, region: str) -> CheckResult:
    ce = None
    message = f"passed {state.examples} examples; worst error {state.worst_ulps:.3g} ulps, {state.worst_ratio:.2g}x the envelope"
    if state.failure is not None:
        case, obs, verdict, message = state.failure
        if verdict is not None:
            ce = Counterexample(
                inputs=plain_case(case),
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
                inputs=plain_case(case),
                expected={},
                actual={"raw": to_plain(obs.raw) if obs is not None else None},
                z=[float(v) for v in target.logits(case)[:16]],
            )
    worst_bits = math.log2(1 + state.worst_ulps) if math.isfinite(state.worst_ulps) else math.inf
    return CheckResult(
        id=check.id,
        tier=check.tier,
        title=check.title,
        passed=state.failure is None,
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


def run_check(cfg: RunConfig, check: Check, cand: BoundCandidate) -> CheckResult:
    """Run one check of the catalog against a bound candidate."""
    target, fmt = cfg.target, cfg.fmt
    examples = cfg.profile.examples
    if check.kind == "contract":
        return run_contract(cfg, check, cand)
    if check.kind == "accuracy":
        strategy = strategies.cases(target, check.region, fmt, cfg.lam, cfg.soft_labels)
        state = search(cfg.seed, check.id, strategy, _accuracy_body(cfg, cand, False), examples)
        return _result_from_state(check, state, target, check.region)
    if check.kind == "finite":
        strategy = st.one_of(*[strategies.cases(target, r, fmt, cfg.lam, cfg.soft_labels) for r in TAIL_REGIONS])
        state = search(cfg.seed, check.id, strategy, _accuracy_body(cfg, cand, True), examples)
        return _result_from_state(check, state, target, "tails")
    if check.kind == "identity":
        strategy = strategies.cases(target, check.region, fmt, cfg.lam, cfg.soft_labels)
        state = search(cfg.seed, check.id, strategy, _identity_body(cfg, cand), max(10, examples // 2))
        return _result_from_state(check, state, target, check.region)
    raise ValueError(f"unknown check kind {check.kind!r}")


def run_checks(
    cfg: RunConfig, cand: BoundCandidate, only: list[str] | None = None, fail_fast: bool = False
) -> list[CheckResult]:
    """Run every applicable check (or those in ``only``) and return their results in catalog order;
    with ``fail_fast``, stop after the first failing check."""
    results = []
    selected = [c for c in checks_for(cfg.target) if only is None or c.id in only]
    for i, check in enumerate(selected, 1):
        if cfg.progress:
            cfg.progress(f"[{i}/{len(selected)}] {check.id}")
        start = time.perf_counter()
        results.append(run_check(cfg, check, cand))
        PERF.checks += time.perf_counter() - start
        if cfg.progress:
            cfg.progress(f"[{i}/{len(selected)}] {check.id}: {'pass' if results[-1].passed else 'FAIL'} ({time.perf_counter() - start:.1f}s)")
        if fail_fast and not results[-1].passed:
            break
    return results
