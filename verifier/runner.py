"""Drive Hypothesis over the checks of one target and collect their outcomes.

Every check runs its own Hypothesis search, seeded from the run's seed and the check's id, with no
example database, so a run is reproducible from (seed, profile).  A failure is shrunk by Hypothesis
to a minimal counterexample; the last failing example Hypothesis replays is the one reported.
"""

from __future__ import annotations

import contextlib
import math
import time
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from hypothesis import HealthCheck, Phase, Verbosity, given, seed as hseed, settings
from hypothesis import strategies as st
from hypothesis import target as steer
from hypothesis.errors import Flaky, HypothesisException

from verifier import identities, strategies
from verifier.candidate import BoundCandidate, Observation
from verifier.checks import TAIL_REGIONS, Check, checks_for
from verifier.formats import Format
from verifier.judge import Verdict, compare, show_exact
from verifier.profiles import Profile
from verifier.results import CheckResult, Counterexample, Sample
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


@contextlib.contextmanager
def _reproducible_generation():
    """Make generation depend on the seed alone.

    Hypothesis mixes constants found in the source of locally imported modules into generated
    values, so the same seed draws different examples depending on which modules (test files,
    lazily imported parts of this package) happen to be loaded.  A run must be reproducible from
    its recorded seed in any process (the CLI, the grader, pytest), so those local constants are
    left out while a check runs; Hypothesis' built-in constants are still used.
    """
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - a future Hypothesis without this internal module
        yield
        return
    original = getattr(providers, "_get_local_constants", None)
    if original is None or not hasattr(providers, "Constants"):  # pragma: no cover
        yield
        return
    empty = providers.Constants()
    providers._get_local_constants = lambda: empty
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = original
        providers.CONSTANTS_CACHE.cache.clear()


class _Failed(Exception):
    """Raised inside a Hypothesis example to mark it failing."""


@dataclass
class _State:
    examples: int = 0
    samples: list[Sample] = field(default_factory=list)
    findings: dict[str, None] = field(default_factory=dict)
    worst_ratio: float = 0.0
    worst_ulps: float = 0.0
    failure: tuple[Case, Observation | None, Verdict | None, str] | None = None

    def note(self, obs: Observation | None) -> None:
        if obs is None:
            return
        for w in obs.warnings:
            self.findings.setdefault(w, None)
        if obs.stdout.strip():
            self.findings.setdefault("the function printed output: " + obs.stdout.strip().splitlines()[0][:120], None)


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


def check_seed(seed: int, check_id: str) -> int:
    """The seed of one check: stable across runs, different for each check."""
    return (int(seed) * 1_000_003 + zlib.crc32(check_id.encode())) % (2**32)


def plain_case(case: Case) -> dict[str, Any]:
    """The inputs of a case as plain data for reports (exact floats)."""
    out = {}
    for k, v in case.items():
        if k.startswith("_"):
            continue
        out[k] = v.tolist() if isinstance(v, np.ndarray) else v
    return out


def _describe_failure(obs: Observation) -> str:
    if obs.status == "timeout":
        return f"the call did not finish within the time limit ({obs.error})"
    if obs.status == "raised":
        tb = ("\n" + obs.traceback.strip()) if obs.traceback else ""
        return f"the function raised {obs.error}{tb}"
    if obs.status == "exited":
        return f"the function ended the process ({obs.error})"
    if obs.status == "killed":
        return f"the call was stopped by a resource limit ({obs.error})"
    if obs.status == "bad-output":
        return f"the function returned something that is not a number or array ({obs.error})"
    if obs.status == "unreadable":
        return f"the result cannot be read: {obs.error}"
    return obs.error or obs.status


def _samples_for(target: Target, case: Case, verdict: Verdict) -> list[Sample]:
    z = target.logits(case)
    if z.size == 0:
        return []
    zpick = float(z[np.argmax(np.abs(z))]) if target.kind == "problem" else float(z[0])
    return [Sample(zpick, float(verdict.bits), verdict.passed)]


def _settings(cfg: RunConfig, examples: int) -> settings:
    return settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=False,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
        report_multiple_bugs=False,
        print_blob=False,
    )


def _search(cfg: RunConfig, check: Check, strategy, body: Callable[[Case, _State], None], examples: int) -> _State:
    state = _State()

    @hseed(check_seed(cfg.seed, check.id))
    @_settings(cfg, examples)
    @given(strategy)
    def run(case):
        body(case, state)

    try:
        with _reproducible_generation():
            run()
    except _Failed:
        pass
    except Flaky:
        if state.failure is not None:
            state.findings.setdefault("the failure did not reproduce on replay (the function is not deterministic)", None)
    except HypothesisException as exc:  # pragma: no cover - reported, never raised to the user
        state.findings.setdefault(f"search stopped early: {type(exc).__name__}: {exc}", None)
    return state


def _accuracy_body(cfg: RunConfig, cand: BoundCandidate, judge_finite_only: bool):
    target, fmt = cfg.target, cfg.fmt

    def body(case: Case, state: _State) -> None:
        state.examples += 1
        PERF.examples += 1
        t0 = time.perf_counter()
        obs = cand.observe(case)
        t1 = time.perf_counter()
        PERF.calls += t1 - t0
        state.note(obs)
        if obs.outputs is None:
            state.failure = (case, obs, None, _describe_failure(obs))
            if PERF.first_failure_at is None:
                PERF.first_failure_at = t1
            raise _Failed
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
            raise _Failed

    return body


def _identity_body(cfg: RunConfig, cand: BoundCandidate):
    target, fmt = cfg.target, cfg.fmt
    relations = identities.relations(target)
    bounds = identities.bounds(target)

    def body(case: Case, state: _State) -> None:
        state.examples += 1
        obs = cand.observe(case)
        state.note(obs)
        if obs.outputs is None:
            state.failure = (case, obs, None, _describe_failure(obs))
            raise _Failed
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
                    raise _Failed
        for rel in relations:
            case2 = rel.transform(case)
            obs2 = cand.observe(case2)
            state.note(obs2)
            if obs2.outputs is None:
                state.failure = (case2, obs2, None, f"on the {rel.name} case: " + _describe_failure(obs2))
                raise _Failed
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
                    raise _Failed

    return body


def _contract(cfg: RunConfig, check: Check, cand: BoundCandidate) -> CheckResult:
    """Contract checks run on a few benign cases drawn with the check's seed."""
    strategy = strategies.cases(cfg.target, "benign", cfg.fmt, cfg.lam, cfg.soft_labels)
    rng_cases: list[Case] = []

    @hseed(check_seed(cfg.seed, check.id))
    @settings(
        max_examples=cfg.profile.contract_cases, database=None, deadline=None, verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck), phases=(Phase.generate,),
    )
    @given(strategy)
    def collect(case):
        rng_cases.append(case)

    with _reproducible_generation():
        collect()
    state = _State()
    problem = ""
    bad_case: Case | None = None
    bad_obs: Observation | None = None
    judged = 0
    first_failure: Observation | None = None
    for case in rng_cases:
        state.examples += 1
        obs = cand.observe(case)
        state.note(obs)
        if obs.outputs is None and obs.status != "unreadable" and not obs.scalar_fallback:
            first_failure = first_failure or obs
        else:
            judged += 1
        if check.id == "contract.arrays":
            if obs.scalar_fallback:
                problem = (
                    "the function fails when given a numpy array "
                    f"({obs.extra.get('array_error', obs.error)}); it only works one scalar at a time"
                )
            elif obs.outputs is not None:
                scalar = cand.call_raw(tuple(float(np.asarray(a, dtype=np.float64).reshape(-1)[0]) for a in cand.convention.make_args(cand.target, case, cand.fmt)))
                if scalar.status == "ok" and np.ndim(scalar.value) != 0:
                    problem = f"a scalar input gave a result of shape {np.shape(scalar.value)}, not a scalar"
        elif check.id == "contract.labels":
            bool_case = dict(case, y_encoding="bool")
            if not np.all(np.isin(np.asarray(case["y"]), (0.0, 1.0))):
                continue
            got = cand.observe(bool_case)
            state.note(got)
            if got.outputs is None and obs.outputs is not None:
                problem = "with labels given as a boolean array, " + _describe_failure(got)
            elif got.outputs is not None:
                verdict = compare(cfg.target, bool_case, got.outputs, cfg.target.exact(bool_case), cfg.fmt, cfg.standard)
                if not verdict.passed:
                    problem = "with labels given as a boolean array the result is wrong:\n" + verdict.message
            if problem:
                case = bool_case
        elif obs.outputs is None and obs.status not in ("unreadable",):
            continue  # failures to run are reported by the other checks
        elif check.id == "contract.pure":
            if obs.mutated:
                names = _argument_names(cfg, obs.mutated)
                problem = f"the function modified its input {names} in place"
        elif check.id == "contract.shapes":
            issues = cand.convention.shape_problems(cand.target, case, obs.raw)
            if obs.status == "unreadable":
                issues = [obs.error] + issues
            if issues:
                problem = "; ".join(issues)
        elif check.id == "contract.deterministic":
            again = cand.observe(case)
            if again.outputs is not None and obs.outputs is not None:
                for comp in obs.outputs:
                    if not np.array_equal(np.asarray(obs.outputs[comp]), np.asarray(again.outputs[comp]), equal_nan=True):
                        problem = f"two calls with the same inputs returned different {comp}"
                        break
        if problem:
            bad_case, bad_obs = case, obs
            break
    if not problem and judged == 0 and first_failure is not None:
        # a contract cannot hold for a function that never returned: it is not judged as passed
        problem = "could not be judged: on every case " + _describe_failure(first_failure)
    ce = None
    if bad_case is not None:
        ce = Counterexample(inputs=plain_case(bad_case), expected={}, actual={"raw": _plain_raw(bad_obs.raw)})
    return CheckResult(
        id=check.id,
        tier=check.tier,
        title=check.title,
        passed=not problem,
        message=problem or f"held on {state.examples} cases",
        examples=state.examples,
        counterexample=ce,
        findings=tuple(state.findings),
    )


def _argument_names(cfg: RunConfig, mutated) -> str:
    names = list(cfg.target.inputs) if cfg.target.kind == "pointwise" else ["X", "y", "w", "b", "lambda"]
    out = []
    for m in mutated:
        out.append(names[m] if isinstance(m, int) and m < len(names) else str(m))
    return ", ".join(out)


def _plain_raw(raw: Any) -> Any:
    from verifier.results import to_plain

    return to_plain(raw)


def _result_from_state(check: Check, state: _State, target: Target, region: str) -> CheckResult:
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
                actual={"raw": _plain_raw(obs.raw) if obs is not None else None},
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
        return _contract(cfg, check, cand)
    if check.kind == "accuracy":
        strategy = strategies.cases(target, check.region, fmt, cfg.lam, cfg.soft_labels)
        state = _search(cfg, check, strategy, _accuracy_body(cfg, cand, False), examples)
        return _result_from_state(check, state, target, check.region)
    if check.kind == "finite":
        strategy = st.one_of(*[strategies.cases(target, r, fmt, cfg.lam, cfg.soft_labels) for r in TAIL_REGIONS])
        state = _search(cfg, check, strategy, _accuracy_body(cfg, cand, True), examples)
        return _result_from_state(check, state, target, "tails")
    if check.kind == "identity":
        strategy = strategies.cases(target, check.region, fmt, cfg.lam, cfg.soft_labels)
        state = _search(cfg, check, strategy, _identity_body(cfg, cand), max(10, examples // 2))
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
