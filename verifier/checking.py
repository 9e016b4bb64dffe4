"""The Python entry point: ``verifier.check`` judges one function against the oracle."""

from __future__ import annotations

import os
import platform
import secrets
import time
from pathlib import Path
from typing import Any, Callable

from verifier.candidate import BoundCandidate
from verifier.checks import CHECKS
from verifier.conventions import Convention, get_convention
from verifier.envelopes import check_standard
from verifier.formats import get_format
from verifier.loader import is_module_spec, split_spec
from verifier.profiles import get_profile
from verifier.results import CheckResult, Result
from verifier.runner import RunConfig, run_checks
from verifier.sandbox import Limits, open_executor
from verifier.targets import get_target


class UsageError(ValueError):
    """The verifier cannot do what was asked (bad argument, missing file): not a finding about code."""


def versions() -> dict[str, str]:
    import hypothesis
    import mpmath
    import numpy

    from verifier import __version__

    return {
        "verifier": __version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "mpmath": mpmath.__version__,
        "hypothesis": hypothesis.__version__,
    }


def _describe(candidate: Any) -> str:
    if isinstance(candidate, (str, os.PathLike)):
        return os.fspath(candidate)
    if isinstance(candidate, dict):
        return ", ".join(f"{k}={getattr(v, '__module__', '?')}.{getattr(v, '__qualname__', '?')}" for k, v in candidate.items())
    return f"{getattr(candidate, '__module__', '?')}.{getattr(candidate, '__qualname__', repr(candidate))}"


def _validate_lambda(lam: Any) -> float:
    try:
        value = float(lam)
    except (TypeError, ValueError):
        raise UsageError(f"lam={lam!r} is not a number; pass a non-negative float such as 1.0") from None
    if not value >= 0 or value == float("inf"):
        raise UsageError(f"lam={lam!r} must be a finite number >= 0")
    return value


def _failed_setup(check_id: str, title: str, message: str) -> CheckResult:
    return CheckResult(id=check_id, tier="contract", title=title, passed=False, message=message)


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
) -> Result:
    """Judge ``candidate`` as ``target`` under ``convention`` and return a Result.

    - ``candidate``: a callable (run in this process: trusted code), a dict name -> callable, or a
      string: ``path.py``, ``path.ipynb``, ``path::NAME`` or ``module:attr`` (run in a worker process).
    - ``function``: the function to call; by default the convention's name for the target.
    - ``lam``: the L2 regularization strength lambda (>= 0); ``precision``: "float64" or "float32";
      ``standard``: "robust" or "strict"; ``profile``: "quick", "default" or "thorough".
    - ``only``: check ids to run (default: every check that applies); ``fail_fast``: stop at the
      first failing check (for CI gates that only need the verdict).
    Raises UsageError for arguments the verifier cannot act on (unknown target, missing file, ...);
    everything the candidate does wrong is a failed check in the Result instead.
    """
    start = time.perf_counter()
    try:
        tgt = get_target(target)
        conv = get_convention(convention)
        fmt = get_format(precision)
        std = check_standard(standard)
        prof = get_profile(profile)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    lam = _validate_lambda(lam)
    if lam and not (tgt.regularizable and conv.supports_lambda):
        raise UsageError(f"target {tgt.name!r} under convention {conv.name!r} takes no lambda; drop --lambda")
    if only is not None:
        unknown = [c for c in only if c not in CHECKS]
        if unknown:
            raise UsageError(f"unknown check id(s) {unknown}; known: {', '.join(CHECKS)}")
    if seed is None:
        seed = secrets.randbits(32)
    elif not isinstance(seed, int) or seed < 0:
        raise UsageError(f"seed={seed!r} must be a non-negative integer")

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

    executor_kw = {"call_timeout": call_timeout} if isinstance(candidate, (str, os.PathLike)) else {}
    if limits is not None and executor_kw:
        executor_kw["limits"] = limits
    try:
        names = conv.functions(tgt, lam)
    except ValueError as exc:
        raise UsageError(str(exc)) from None

    def finish(checks: list[CheckResult], function_name: str, warnings: tuple[str, ...] = (), probe=None, cfg=None) -> Result:
        result = Result(
            target=tgt.name,
            convention=conv.name,
            precision=fmt.name,
            standard=std,
            profile=prof.name,
            seed=seed,
            candidate=_describe(candidate),
            function=function_name,
            lam=lam,
            checks=tuple(checks),
            warnings=warnings,
            elapsed=time.perf_counter() - start,
            versions=versions(),
        )
        return _with_diagnoses(result, probe, cfg)

    with open_executor(candidate, **executor_kw) as executor:
        loaded = executor.load()
        if not loaded.ok:
            err = loaded.error
            text = f"{err.type}: {err.message}" if err else loaded.status
            tb = f"\n{err.traceback.strip()}" if err and err.traceback else ""
            return finish([_failed_setup("contract.loads", "the submission imports without errors", f"the submission could not be loaded: {text}{tb}")], name or names[0])
        if name is None:
            name = next((n for n in names if executor.has_function(n)), None)
            if name is None:
                available = ", ".join(executor.functions()) or "none"
                return finish(
                    [_failed_setup("contract.function", "the submission defines the function",
                                   f"no function named {' or '.join(repr(n) for n in names)} was found (functions defined: {available})")],
                    names[0],
                )
        elif not executor.has_function(name):
            available = ", ".join(executor.functions()) or "none"
            return finish(
                [_failed_setup("contract.function", "the submission defines the function",
                               f"no function named {name!r} was found (functions defined: {available})")],
                name,
            )
        bound = BoundCandidate(executor, name, tgt, conv, fmt)
        cfg = RunConfig(tgt, fmt, std, prof, seed, lam, soft_labels, progress)
        checks = run_checks(cfg, bound, only, fail_fast)
        load_warnings = tuple(f"{w.category}: {w.message}" for w in getattr(loaded, "warnings", ()))
        return finish(checks, name, load_warnings, bound, cfg)


def _with_diagnoses(result: Result, probe: BoundCandidate | None, cfg: RunConfig | None) -> Result:
    """Fill ``result.diagnoses``: the diagnosis module may call the candidate again through
    ``probe`` (still open) on the counterexamples and on cases of its own."""
    if result.passed:
        return result
    try:
        from verifier import diagnose
    except ImportError:
        return result
    return diagnose.attach(result, probe, cfg)
