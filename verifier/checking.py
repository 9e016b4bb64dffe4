"""``check``: judge one function against the oracle, from arguments to a diagnosed Result.

This is the one place that puts the parts together: the request is validated (spec), the candidate
is opened behind the trust boundary (sandbox), the checks run (engine) and a failing result is
explained while the candidate can still be called (diagnosis).  ``verifier.check`` is this function.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.about import versions
from verifier.diagnosis import attach
from verifier.engine.bank import Bank, bank_for, bank_key
from verifier.engine.candidate import BoundCandidate, Executor
from verifier.engine.config import DEFAULT_LABELS, Perf, RunConfig
from verifier.engine.runner import probe_cases, run_checks, selected_checks
from verifier.errors import UsageError
from verifier.sandbox import Limits, open_executor
from verifier.sandbox.loader import is_module_spec, split_spec
from verifier.sandbox.sources import source_for, sources_in
from verifier.spec import signatures
from verifier.spec.case import ENCODINGS
from verifier.spec.checks import CHECKS, Check
from verifier.spec.conventions import Convention, get_convention, judged_components
from verifier.spec.envelopes import check_standard
from verifier.spec.formats import Format, get_format
from verifier.spec.forms import DEFAULT_FORM, ProblemForm, parse_form
from verifier.spec.profiles import Profile, get_profile
from verifier.spec.results import CheckResult, Result
from verifier.spec.signatures import Signature
from verifier.spec.targets import Target, get_target

_CALL_ERROR = re.compile(r"(positional argument|required .*argument|unexpected keyword|takes \d+|takes no|argument)")


@dataclass(frozen=True)
class Request:
    """A validated request: what is judged (the target restricted to what the signature returns),
    how it is called, the problem's form, the label encodings, and with which seed."""

    target: Target
    convention: Convention
    signature: Signature
    fmt: Format
    standard: str
    profile: Profile
    seed: int
    lam: float
    form: ProblemForm = DEFAULT_FORM
    labels: tuple[str, ...] = DEFAULT_LABELS


@dataclass(frozen=True)
class Source:
    """What the executor opens: a path, module spec or callables; the student's folder; support files;
    the preamble; and the function name asked for."""

    opened: Any
    name: str | None = None
    root: str | None = None
    support: tuple[str, ...] = ()
    preamble: str = ""


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


def _validate_labels(labels: Sequence[str] | None) -> tuple[str, ...]:
    if labels is None:
        return DEFAULT_LABELS
    out = tuple(dict.fromkeys(labels))
    bad = [e for e in out if e not in ENCODINGS]
    if bad or not out:
        raise UsageError(f"labels={list(labels)!r}: use one or more of {', '.join(ENCODINGS)}")
    return out


def _resolve_signature(target: Target, conv: Convention, signature: str | None, lam: float) -> tuple[Target, Signature]:
    """The target restricted to what the signature returns, and the signature (UsageError if it cannot
    express the target, or lambda is given to a signature without lam)."""
    try:
        if signature is not None:
            conv = conv.with_signature(signature)
        sig = conv.signature(target, lam)
        judged = judged_components(target, sig)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if lam and not sig.takes_lambda:
        raise UsageError(
            f"lambda = {lam:g} was given but the signature {sig.text!r} has no lam; add lam where the "
            "function takes lambda, or drop lambda"
        )
    return target.restricted(judged), sig


def _validate(
    target: str,
    convention: str | Convention,
    lam: Any,
    precision: str,
    standard: str,
    profile: str,
    seed: int | None,
    only: list[str] | None,
    signature: str | None = None,
    form: ProblemForm = DEFAULT_FORM,
    labels: Sequence[str] | None = None,
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
    if value and not (tgt.regularizable and (conv.supports_lambda or signature is not None)):
        raise UsageError(f"target {tgt.name!r} under convention {conv.name!r} takes no lambda; drop --lambda")
    if not form.is_default and not tgt.regularizable:
        raise UsageError(f"reduction and penalty describe a cost, gradient or Hessian; target {tgt.name!r} has none")
    if only is not None:
        unknown = [c for c in only if c not in CHECKS]
        if unknown:
            raise UsageError(f"unknown check id(s) {unknown}; known: {', '.join(CHECKS)}")
    if seed is None:
        seed = secrets.randbits(32)
    elif not isinstance(seed, int) or seed < 0:
        raise UsageError(f"seed={seed!r} must be a non-negative integer")
    judged, sig = _resolve_signature(tgt, conv, signature, value)
    if sig.penalty is not None and tgt.regularizable and form.penalty == DEFAULT_FORM.penalty:
        form = dataclasses.replace(form, penalty=sig.penalty)  # reg: cs231n's reg * sum(W^2)
    if form.penalize_intercept and not tgt.penalizes_intercept:
        raise UsageError(f"target {tgt.name!r} never penalizes the bias; drop penalize_intercept")
    if signature is not None:
        conv = conv.with_signature(signature)
    return Request(judged, conv, sig, fmt, std, prof, seed, value, form, _validate_labels(labels))


def _resolve_candidate(
    candidate: Any, function: str | None, names: list[str], support: Sequence[Any], preamble: str
) -> Source:
    """What the executor opens.  A path is checked to exist and to be a .py / .ipynb file or a folder
    (then the file that defines the function is graded, with its folder beside it); a callable becomes
    a one-entry dict named by its ``__name__``."""
    name = function
    support_paths = tuple(_support_path(p) for p in support)
    if isinstance(candidate, (str, os.PathLike)):
        path, spec_name = split_spec(os.fspath(candidate))
        name = name or spec_name
        if is_module_spec(path):
            return Source(path, name)
        p = Path(path)
        if not p.exists():
            raise UsageError(f"{path}: no such file or folder")
        if p.is_dir():
            found = sources_in(p)
            if not found:
                raise UsageError(f"{path}: the folder has no .py or .ipynb file")
            main = source_for(found, [name] if name else names)
            return Source(str(main), name, str(p), support_paths, preamble)
        if p.suffix not in (".py", ".ipynb"):
            raise UsageError(f"{path}: expected a .py or .ipynb file or a folder, got {p.suffix or 'no extension'!r}")
        return Source(path, name, None, support_paths, preamble)
    if support or preamble:
        raise UsageError("support files and a preamble apply to submissions read from files, not to callables")
    if callable(candidate) and not isinstance(candidate, dict):
        name = name or getattr(candidate, "__name__", None)
        return Source({name: candidate}, name)
    return Source(candidate, name)


def _support_path(path: Any) -> str:
    p = Path(os.fspath(path))
    if not p.exists():
        raise UsageError(f"support file {p}: no such file or folder")
    return str(p.resolve())


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
    for skipped in executor.load().skipped:
        if "SyntaxError" in skipped.error or "IndentationError" in skipped.error:
            if any(re.search(rf"^\s*def\s+{re.escape(n)}\s*\(", skipped.error, re.M) for n in names) or any(
                f"def {n}(" in skipped.statement for n in names
            ):
                return _failed_setup(
                    "contract.loads",
                    "the submission imports without errors",
                    f"the submission could not be loaded: {skipped.error}",
                )
    available = ", ".join(executor.functions()) or "none"
    return _failed_setup(
        "contract.function",
        "the submission defines the function",
        f"no function named {' or '.join(repr(n) for n in names)} was found (functions defined: {available})",
    )


def _signature_mismatch(bound: BoundCandidate, cfg: RunConfig, sig: Signature) -> CheckResult | None:
    """A TypeError raised by the call itself (the number or names of the arguments) on a fixed moderate
    case: the function does not take the signature's arguments.  The message says how to fix it."""
    obs = bound.observe(probe_cases(cfg)[0])
    if obs.status != "raised":
        return None
    params = bound.executor.parameters(bound.function)
    call_error = obs.error.startswith("TypeError") and not obs.traceback.strip() and _CALL_ERROR.search(obs.error)
    reordered = params is not None and signatures.suggest(params, sig) not in ("", sig.text)
    if not (call_error or reordered):
        return None
    takes = f"takes ({', '.join(params)})" if params is not None else "does not take these arguments"
    message = f"the function {bound.function} {takes}; the assignment calls it as {sig.call_text()} ({obs.error})."
    suggestion = signatures.suggest(params, sig) if params is not None else ""
    if suggestion:
        message += f' If that is the order the course asks for, declare signature = "{suggestion}".'
    else:
        message += f" Change the function to take {sig.call_text()}."
    return _failed_setup("contract.signature", "the function takes the arguments of the signature", message)


def _load_notes(executor: Executor) -> tuple[str, ...]:
    loaded = executor.load()
    notes = [f"{w.category}: {w.message}" for w in loaded.warnings]
    notes += [f"skipped while loading: {s}" for s in loaded.skipped]
    notes += [f"submission: {n}" for n in loaded.notes]
    return tuple(notes)


def _request(
    target: str,
    convention: str | Convention,
    lam: float,
    precision: str,
    standard: str,
    profile: str,
    seed: int | None,
    only: list[str] | None,
    signature: str | None,
    reduction: str,
    penalty: str,
    penalize_intercept: bool,
    labels: Sequence[str] | None,
) -> Request:
    """The validated Request of ``check``'s (and ``bank_request``'s) arguments."""
    try:
        form = parse_form(reduction, penalty, bool(penalize_intercept))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return _validate(target, convention, lam, precision, standard, profile, seed, only, signature, form, labels)


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
    signature: str | None = None,
    reduction: str = "mean",
    penalty: str = "lam/(2m)",
    penalize_intercept: bool = False,
    labels: Sequence[str] | None = None,
    support: Sequence[str | os.PathLike[str]] = (),
    preamble: str = "",
    root: str | os.PathLike[str] | None = None,
    cases: Bank | None = None,
    bank_seed: int | None = None,
) -> Result:
    """Judge ``candidate`` as ``target`` under ``convention`` and return a Result.

    - ``candidate``: a callable (run in this process: trusted code), a dict name -> callable, or a
      string: ``path.py``, ``path.ipynb``, ``FOLDER`` (a folder submission), each optionally
      ``::NAME``, or ``module:attr`` (run in a worker process).
    - ``function``: the function to call; by default the convention's name for the target.
    - ``signature``: how the function is called and read (``"theta, X1, y, lam -> J, grad"``,
      docs/signatures.md); by default the convention's.  ``reduction`` ("mean" | "sum"), ``penalty``
      ("lam/(2m)" | "lam/2" | "lam") and ``penalize_intercept`` give the problem's form.
    - ``labels``: the label encodings the candidate is given ("float", "int", "bool"; default float
      and int).  ``support``: course files copied next to the submission; ``preamble``: code run first;
      ``root``: the student's folder when ``candidate`` is one file of a folder submission.
    - ``lam``: the L2 regularization strength lambda (>= 0); ``precision``: "float64" or "float32";
      ``standard``: "robust" or "strict"; ``profile``: "quick", "default" or "thorough".
    - ``only``: check ids to run (default: every check that applies); ``fail_fast``: stop at the
      first failing check (for CI gates that only need the verdict); ``perf``: where the time goes.
    - ``cases``: the case bank every check meets first (see ``bank_request``; built here from
      ``bank_seed``, default ``seed``, when not given).  Inside ``shared_workers()`` the calls of one
      submission share one worker per source file instead of starting one each.
    Raises UsageError for arguments the verifier cannot act on (unknown target, missing file, ...);
    everything the candidate does wrong is a failed check in the Result instead.
    """
    start = time.perf_counter()
    req = _request(
        target,
        convention,
        lam,
        precision,
        standard,
        profile,
        seed,
        only,
        signature,
        reduction,
        penalty,
        penalize_intercept,
        labels,
    )
    try:
        names = req.convention.functions(get_target(target), req.lam)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    src = _resolve_candidate(candidate, function, names, support, preamble)
    if root is not None:
        if not isinstance(src.opened, str) or not Path(root).is_dir():
            raise UsageError(f"root={root!r}: pass the folder of a submission together with one of its files")
        src = Source(src.opened, src.name, str(root), src.support, src.preamble)
    in_worker = isinstance(src.opened, (str, os.PathLike))
    executor_kw: dict[str, Any] = {}
    if in_worker:
        executor_kw = {"call_timeout": call_timeout, "root": src.root, "support": src.support, "preamble": src.preamble}
        if limits is not None:
            executor_kw["limits"] = limits
    run = _Run(req, _describe(src.opened), start)
    judge = functools.partial(_judge, run, src, names, only, fail_fast, soft_labels, progress, perf, cases, bank_seed)
    pool = _SHARED.get()
    if pool is not None and in_worker:
        key = (str(src.opened), repr(sorted(executor_kw.items())))
        if key not in pool:
            pool[key] = open_executor(src.opened, **executor_kw)
        return judge(pool[key])
    with open_executor(src.opened, **executor_kw) as opened:
        return judge(opened)


_SHARED: contextvars.ContextVar[dict[tuple[str, str], Executor] | None] = contextvars.ContextVar(
    "shared_workers", default=None
)


@contextlib.contextmanager
def shared_workers() -> Iterator[None]:
    """Within this block ``check`` reuses one worker per source file and options (a submission's tasks
    share the worker that loaded it once); the workers are closed when the block ends."""
    pool: dict[tuple[str, str], Executor] = {}
    token = _SHARED.set(pool)
    try:
        yield
    finally:
        _SHARED.reset(token)
        for executor in pool.values():
            executor.close()


def _judge(
    run: _Run,
    src: Source,
    names: list[str],
    only: list[str] | None,
    fail_fast: bool,
    soft_labels: bool,
    progress: Callable[[str], None] | None,
    perf: Perf | None,
    cases: Bank | None,
    bank_seed: int | None,
    executor: Executor,
) -> Result:
    """Load, find the function, check its signature, run the checks (bank first) and diagnose."""
    req = run.req
    failed = _load_failure(executor)
    if failed is not None:
        return run.finish([failed], src.name or names[0], _load_notes(executor))
    name = src.name or next((n for n in names if executor.has_function(n)), None)
    if name is None or not executor.has_function(name):
        return run.finish(
            [_missing_function(executor, [name] if name else names)], name or names[0], _load_notes(executor)
        )
    bound = BoundCandidate(executor, name, req.target, req.convention.pinned(req.target, req.lam), req.fmt)
    cfg = run_config(req, soft_labels, progress, perf)
    mismatch = _signature_mismatch(bound, cfg, req.signature)
    if mismatch is not None:
        return run.finish([mismatch], name, _load_notes(executor))
    checks = run_checks(
        cfg, bound, only, fail_fast, _bank(cfg, only, cases, req.seed if bank_seed is None else bank_seed)
    )
    return run.finish(checks, name, _load_notes(executor), bound, cfg)


def run_config(
    req: Request, soft_labels: bool = False, progress: Callable[[str], None] | None = None, perf: Perf | None = None
) -> RunConfig:
    """The RunConfig of a validated request."""
    return RunConfig(
        req.target,
        req.fmt,
        req.standard,
        req.profile,
        req.seed,
        req.lam,
        soft_labels,
        progress,
        perf,
        req.form,
        req.signature.bias,
        req.labels,
    )


def bank_request(
    target: str = "gradient",
    convention: str | Convention = "mls",
    lam: float = 0.0,
    precision: str = "float64",
    standard: str = "robust",
    profile: str = "default",
    seed: int = 0,
    only: list[str] | None = None,
    signature: str | None = None,
    reduction: str = "mean",
    penalty: str = "lam/(2m)",
    penalize_intercept: bool = False,
    labels: Sequence[str] | None = None,
) -> tuple[RunConfig, list[Check]]:
    """The RunConfig and checks of a ``check`` call with these arguments (the ones its bank depends
    on), so that a grader can build one bank per task: ``bank_for(cfg, checks, seed)``."""
    req = _request(
        target,
        convention,
        lam,
        precision,
        standard,
        profile,
        seed,
        only,
        signature,
        reduction,
        penalty,
        penalize_intercept,
        labels,
    )
    cfg = run_config(req)
    return cfg, selected_checks(cfg, only)


def _bank(cfg: RunConfig, only: list[str] | None, given: Bank | None, seed: int) -> Bank:
    selected = selected_checks(cfg, only)
    if given is not None and given.key == bank_key(cfg, selected, seed):
        return given
    return bank_for(cfg, selected, seed)


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
            signature=req.signature.text,
        )
        # Diagnosis may call the candidate again through ``probe`` (the executor is still open).
        return result if result.passed else attach(result, probe, cfg)
