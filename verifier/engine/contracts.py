"""Contract checks: array inputs, boolean labels, documented shapes, purity and determinism.

They run on a few benign cases drawn with the check's seed (no search: a contract either holds on
ordinary inputs or it does not).  A function that never returns is not judged as passing them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from hypothesis import HealthCheck, Phase, Verbosity, given, seed as hseed, settings

from verifier import strategies
from verifier.candidate import BoundCandidate, Observation
from verifier.checks import Check
from verifier.judge import compare
from verifier.results import CheckResult, Counterexample, to_plain
from verifier.search import State, check_seed, describe_failure, plain_case, reproducible_generation
from verifier.targets import Case

if TYPE_CHECKING:
    from verifier.runner import RunConfig


def run_contract(cfg: RunConfig, check: Check, cand: BoundCandidate) -> CheckResult:
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

    with reproducible_generation():
        collect()
    state = State()
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
                problem = "with labels given as a boolean array, " + describe_failure(got)
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
        problem = "could not be judged: on every case " + describe_failure(first_failure)
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
    return to_plain(raw)


