"""Contract checks: array inputs, boolean labels, documented shapes, purity and determinism.

They run on a few benign cases drawn with the check's seed (no search: a contract either holds on
ordinary inputs or it does not).  Each check is one function of the ``CONTRACTS`` registry that looks
at one case and says what is wrong with it, if anything.  A function that never returns is not
judged as passing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hseed

from verifier.engine import strategies
from verifier.engine.candidate import BoundCandidate, Observation
from verifier.engine.config import RunConfig
from verifier.engine.judge import compare
from verifier.engine.search import State, check_seed, describe_failure, reproducible_generation
from verifier.spec.case import Case
from verifier.spec.checks import Check
from verifier.spec.results import CheckResult, Counterexample, to_plain


@dataclass(frozen=True)
class Finding:
    """What a contract check found on one case: the problem in words and the case to report."""

    problem: str
    case: Case


# A contract check: (config, candidate, case, its observation, state) -> a Finding or None.
ContractCheck = Callable[[RunConfig, BoundCandidate, Case, Observation, State], "Finding | None"]


def _arrays(cfg: RunConfig, cand: BoundCandidate, case: Case, obs: Observation, state: State) -> Finding | None:
    if obs.scalar_fallback:
        return Finding(
            "the function fails when given a numpy array "
            f"({obs.extra.get('array_error', obs.error)}); it only works one scalar at a time",
            case,
        )
    if obs.outputs is not None:
        args = cand.convention.make_args(cand.target, case, cand.fmt)
        scalar = cand.call_raw(tuple(float(np.asarray(a, dtype=np.float64).reshape(-1)[0]) for a in args))
        if scalar.status == "ok" and np.ndim(scalar.value) != 0:
            return Finding(f"a scalar input gave a result of shape {np.shape(scalar.value)}, not a scalar", case)
    return None


def _labels(cfg: RunConfig, cand: BoundCandidate, case: Case, obs: Observation, state: State) -> Finding | None:
    if not np.all(np.isin(np.asarray(case.y), (0.0, 1.0))):
        return None  # soft labels have no boolean form
    bool_case = case.replace(y_encoding="bool")
    got = cand.observe(bool_case)
    state.note(got)
    if got.outputs is None and obs.outputs is not None:
        return Finding("with labels given as a boolean array, " + describe_failure(got), bool_case)
    if got.outputs is not None:
        verdict = compare(cfg.target, bool_case, got.outputs, cfg.target.exact(bool_case), cfg.fmt, cfg.standard)
        if not verdict.passed:
            return Finding("with labels given as a boolean array the result is wrong:\n" + verdict.message, bool_case)
    return None


def _pure(cfg: RunConfig, cand: BoundCandidate, case: Case, obs: Observation, state: State) -> Finding | None:
    if obs.mutated:
        return Finding(f"the function modified its input {_argument_names(cfg, cand, obs.mutated)} in place", case)
    return None


def _shapes(cfg: RunConfig, cand: BoundCandidate, case: Case, obs: Observation, state: State) -> Finding | None:
    issues = cand.convention.shape_problems(cand.target, case, obs.raw)
    if obs.status == "unreadable":
        issues = [obs.error] + issues
    return Finding("; ".join(issues), case) if issues else None


def _deterministic(cfg: RunConfig, cand: BoundCandidate, case: Case, obs: Observation, state: State) -> Finding | None:
    again = cand.observe(case)
    if again.outputs is None or obs.outputs is None:
        return None
    for comp in obs.outputs:
        if not np.array_equal(np.asarray(obs.outputs[comp]), np.asarray(again.outputs[comp]), equal_nan=True):
            return Finding(f"two calls with the same inputs returned different {comp}", case)
    return None


@dataclass(frozen=True)
class Contract:
    """A contract check and whether it needs the call to have returned (``judges_failures`` False:
    a case where the call raised is left to the other checks)."""

    check: ContractCheck
    judges_failures: bool


CONTRACTS: dict[str, Contract] = {
    "contract.arrays": Contract(_arrays, True),
    "contract.labels": Contract(_labels, True),
    "contract.pure": Contract(_pure, False),
    "contract.shapes": Contract(_shapes, False),
    "contract.deterministic": Contract(_deterministic, False),
}


def _draw_cases(cfg: RunConfig, check: Check) -> list[Case]:
    strategy = strategies.cases(cfg.target, "benign", cfg.fmt, cfg.lam, cfg.soft_labels, cfg.labels)
    drawn: list[Case] = []

    @hseed(check_seed(cfg.seed, check.id))
    @settings(
        max_examples=cfg.profile.contract_cases,
        database=None,
        deadline=None,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.generate,),
    )
    @given(strategy)
    def collect(case: Case) -> None:
        drawn.append(cfg.adapt(case))

    with reproducible_generation():
        collect()
    return drawn


def run_contract(cfg: RunConfig, check: Check, cand: BoundCandidate, cases: list[Case] | None = None) -> CheckResult:
    """Run the contract check ``check.id`` on ``cases`` (the bank's), or on a few benign cases drawn
    with the check's seed."""
    contract = CONTRACTS[check.id]
    state = State()
    found: Finding | None = None
    bad_obs: Observation | None = None
    judged = 0
    first_failure: Observation | None = None
    for case in cases if cases is not None else _draw_cases(cfg, check):
        state.examples += 1
        obs = cand.observe(case)
        state.note(obs)
        returned = obs.outputs is not None or obs.status == "unreadable"
        if returned or obs.scalar_fallback:
            judged += 1
        else:
            first_failure = first_failure or obs
        if not returned and not contract.judges_failures:
            continue  # failures to run are reported by the other checks
        found = contract.check(cfg, cand, case, obs, state)
        if found is not None:
            bad_obs = obs
            break
    problem = found.problem if found is not None else ""
    if not problem and judged == 0 and first_failure is not None:
        # a contract cannot hold for a function that never returned: it is not judged as passed
        problem = "could not be judged: on every case " + describe_failure(first_failure)
    ce = None
    if found is not None and bad_obs is not None:
        ce = Counterexample(inputs=found.case.plain(), expected={}, actual={"raw": to_plain(bad_obs.raw)})
    unjudged = found is None and bool(problem)  # never returned: nothing could be judged
    return CheckResult(
        id=check.id,
        tier=check.tier,
        title=check.title,
        passed=not problem,
        status="passed" if not problem else ("error" if unjudged else "failed"),
        message=problem or f"held on {state.examples} cases",
        examples=state.examples,
        counterexample=ce,
        findings=tuple(state.findings),
    )


def _argument_names(cfg: RunConfig, cand: BoundCandidate, mutated: tuple) -> str:
    """The mutated arguments named as the signature names them (theta, X1, ycol, ...)."""
    names = list(cand.convention.argument_names(cand.target, cfg.lam))
    return ", ".join(names[m] if isinstance(m, int) and m < len(names) else str(m) for m in mutated)
