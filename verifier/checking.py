"""``check``: judge one function against the oracle, from arguments to a diagnosed Result.

This is the one place that puts the parts together: the request is validated (spec), the candidate
is opened behind the trust boundary (sandbox), the checks run (engine) and a failing result is
explained while the candidate can still be called (diagnosis).  ``verifier.check`` is this function.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.about import versions
from verifier.diagnosis import attach
from verifier.engine.candidate import BoundCandidate, Executor
from verifier.engine.config import Perf, RunConfig
from verifier.engine.runner import run_checks
from verifier.errors import UsageError
from verifier.sandbox import Limits, open_executor
from verifier.sandbox.loader import is_module_spec, split_spec
from verifier.spec.checks import CHECKS
from verifier.spec.conventions import Convention, get_convention
from verifier.spec.envelopes import check_standard
from verifier.spec.formats import Format, get_format
from verifier.spec.profiles import Profile, get_profile
from verifier.spec.results import CheckResult, Result
from verifier.spec.targets import Target, get_target


@dataclass(frozen=True)
class Request:
    """A validated request: what is judged, how, and with which seed."""

    target: Target
    convention: Convention
    fmt: Format
    standard: str
    profile: Profile
    seed: int
    lam: float


def _describe(candidate: Any) -> str:
    if isinstance(candidate, (str, os.PathLike)):
        return os.fspath(candidate)
    if isinstance(candidate, dict):
        return ", ".join(
            f"{k}={getattr(v, '__module__', '?')}.{getattr(v, '__qualname__', '?')}" for k, v in candidate.items()
        )
    return f"{getattr(candidate, '__module__', '?')}.{getattr(candidate, '__qualname__', repr(candidate))}"


def _validate_lambda(lam: Any) -> float:
    try:
        value = float(lam)
    except (TypeError, ValueError):
        raise UsageError(f"lam={lam!r} is not a number; pass a non-negative float such as 1.0") from None
    if not value >= 0 or value == float("inf"):
        raise UsageError(f"lam={lam!r} must be a finite number >= 0")
    return value


def _validate(
    target: str,
    convention: str | Convention,
    lam: Any,
    precision: str,
    standard: str,
    profile: str,
    seed: int | None,
    only: list[str] | None,
) -> Request:
    """The request, or UsageError naming the argument that is wrong and what to pass instead."""
    try:
        tgt = get_target(target)
        conv = get_convention(convention)
        fmt = get_format(precision)
        std = check_standard(standard)
        prof = get_profile(profile)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    value = _validate_lambda(lam)
    if value and not (tgt.regularizable and conv.supports_lambda):
        raise UsageError(f"target {tgt.name!r} under convention {conv.name!r} takes no lambda; drop --lambda")
    if only is not None:
        unknown = [c for c in only if c not in CHECKS]
        if unknown:
            raise UsageError(f"unknown check id(s) {unknown}; known: {', '.join(CHECKS)}")
    if seed is None:
        seed = secrets.randbits(32)
    elif not isinstance(seed, int) or seed < 0:
        raise UsageError(f"seed={seed!r} must be a non-negative integer")
    return Request(tgt, conv, fmt, std, prof, seed, value)


def _resolve_candidate(candidate: Any, function: str | None) -> tuple[Any, str | None]:
    """(what the executor opens, the function name asked for): a path is checked to exist and to be a
    .py or .ipynb file; a callable becomes a one-entry dict named by its ``__name__``."""
    name = function
    if isinstance(candidate, (str, os.PathLike)):
        path, spec_name = split_spec(os.fspath(candidate))
        name = name or spec_name
        if not is_module_spec(path):
            p = Path(path)
            if not p.exists():
                raise UsageError(f"{path}: no such file")
            if p.is_dir():
                raise UsageError(f"{path} is a folder; pass a .py or .ipynb file")
            if p.suffix not in (".py", ".ipynb"):
                raise UsageError(f"{path}: expected a .py or .ipynb file, got {p.suffix or 'no extension'!r}")
            candidate = path
    elif callable(candidate) and not isinstance(candidate, dict):
        name = name or getattr(candidate, "__name__", None)
        candidate = {name: candidate}
    return candidate, name


def _failed_setup(check_id: str, title: str, message: str) -> CheckResult:
    return CheckResult(id=check_id, tier="contract", title=title, passed=False, message=message)


def _load_failure(executor: Executor) -> CheckResult | None:
    loaded = executor.load()
    if loaded.ok:
        return None
    err = loaded.error
    text = f"{err.type}: {err.message}" if err else loaded.status
    tb = f"\n{err.traceback.strip()}" if err and err.traceback else ""
    return _failed_setup(
        "contract.loads", "the submission imports without errors", f"the submission could not be loaded: {text}{tb}"
    )


def _missing_function(executor: Executor, names: list[str]) -> CheckResult:
    available = ", ".join(executor.functions()) or "none"
    return _failed_setup(
        "contract.function",
        "the submission defines the function",
        f"no function named {' or '.join(repr(n) for n in names)} was found (functions defined: {available})",
    )


def check(
    candidate: Any,
    target: str = "gradient",
    convention: str | Convention = "mls",
    lam: float = 0.0,
    precision: str = "float64",
    standard: str = "robust",
    profile: str = "default",
    seed: int | None = None,
    function: str | None = None,
    call_timeout: float = 5.0,
    limits: Limits | None = None,
    only: list[str] | None = None,
    soft_labels: bool = False,
    fail_fast: bool = False,
    progress: Callable[[str], None] | None = None,
    perf: Perf | None = None,
) -> Result:
    """Judge ``candidate`` as ``target`` under ``convention`` and return a Result.

    - ``candidate``: a callable (run in this process: trusted code), a dict name -> callable, or a
      string: ``path.py``, ``path.ipynb``, ``path::NAME`` or ``module:attr`` (run in a worker process).
    - ``function``: the function to call; by default the convention's name for the target.
    - ``lam``: the L2 regularization strength lambda (>= 0); ``precision``: "float64" or "float32";
      ``standard``: "robust" or "strict"; ``profile``: "quick", "default" or "thorough".
    - ``only``: check ids to run (default: every check that applies); ``fail_fast``: stop at the
      first failing check (for CI gates that only need the verdict); ``perf``: where the time goes.
    Raises UsageError for arguments the verifier cannot act on (unknown target, missing file, ...);
    everything the candidate does wrong is a failed check in the Result instead.
    """
    start = time.perf_counter()
    req = _validate(target, convention, lam, precision, standard, profile, seed, only)
    source, name = _resolve_candidate(candidate, function)
    try:
        names = req.convention.functions(req.target, req.lam)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    in_worker = isinstance(source, (str, os.PathLike))
    executor_kw: dict[str, Any] = {"call_timeout": call_timeout} if in_worker else {}
    if limits is not None and in_worker:
        executor_kw["limits"] = limits
    run = _Run(req, _describe(source), start)
    with open_executor(source, **executor_kw) as executor:
        failed = _load_failure(executor)
        if failed is not None:
            return run.finish([failed], name or names[0])
        if name is None:
            name = next((n for n in names if executor.has_function(n)), None)
            if name is None:
                return run.finish([_missing_function(executor, names)], names[0])
        elif not executor.has_function(name):
            return run.finish([_missing_function(executor, [name])], name)
        bound = BoundCandidate(executor, name, req.target, req.convention, req.fmt)
        cfg = RunConfig(req.target, req.fmt, req.standard, req.profile, req.seed, req.lam, soft_labels, progress, perf)
        checks = run_checks(cfg, bound, only, fail_fast)
        load_warnings = tuple(f"{w.category}: {w.message}" for w in executor.load().warnings)
        return run.finish(checks, name, load_warnings, bound, cfg)


@dataclass(frozen=True)
class _Run:
    """Builds the Result of one request."""

    req: Request
    candidate: str
    start: float

    def finish(
        self,
        checks: list[CheckResult],
        function_name: str,
        warnings: tuple[str, ...] = (),
        probe: BoundCandidate | None = None,
        cfg: RunConfig | None = None,
    ) -> Result:
        req = self.req
        result = Result(
            target=req.target.name,
            convention=req.convention.name,
            precision=req.fmt.name,
            standard=req.standard,
            profile=req.profile.name,
            seed=req.seed,
            candidate=self.candidate,
            function=function_name,
            lam=req.lam,
            checks=tuple(checks),
            warnings=warnings,
            elapsed=time.perf_counter() - self.start,
            versions=versions(),
        )
        # Diagnosis may call the candidate again through ``probe`` (the executor is still open).
        return result if result.passed else attach(result, probe, cfg)
