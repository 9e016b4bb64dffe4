"""Frozen result types and their JSON form (schema documented in docs/checks.md, "The JSON result").

Every report (terminal, HTML, Gradescope, CSV, JUnit) is a view of a ``Result``.  Floats that JSON
cannot hold (inf, -inf, NaN) are written as the strings "inf", "-inf" and "nan".
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

SCHEMA_VERSION = "1.1"
TIERS = ("correctness", "stability", "contract")
# How a check ended: passed; failed on values; "error" when the calls themselves failed (raised, timed
# out, ended the process) so that nothing could be judged; skipped (not run, with the reason).
STATUSES = ("passed", "failed", "error", "skipped")
# What kind of function the checks describe (docs/checks.md, "Assessment").
ASSESSMENTS = ("correct", "fragile", "wrong", "broken")
SETUP_CHECKS = ("contract.loads", "contract.function", "contract.signature")

# How a Result shows itself (``repr`` and a notebook's HTML): views registered by the report layer
# (verifier/report/notebook.py), which this low module may not import.  Media type -> view(result).
VIEWS: dict[str, Callable[[Result], str]] = {}


def register_view(media_type: str, view: Callable[[Result], str]) -> None:
    """Show every Result as ``view(result)`` for ``media_type`` ("text/plain" or "text/html")."""
    if media_type not in ("text/plain", "text/html"):
        raise ValueError(f"media_type={media_type!r}: use 'text/plain' or 'text/html'")
    VIEWS[media_type] = view


def _plain_float(x: float) -> float | str:
    if x - x == 0.0:  # finite
        return x
    return "nan" if x != x else ("inf" if x > 0 else "-inf")


def to_plain(value: Any) -> Any:
    """Convert numbers, arrays and nested containers into JSON-ready plain data (exact floats)."""
    t = type(value)  # the common exact types first (a grade holds tens of thousands of numbers)
    if t is float:
        return _plain_float(value)
    if t is list or t is tuple:
        return [to_plain(v) for v in value]
    if t is dict:
        return {str(k): to_plain(v) for k, v in value.items()}
    if value is None or t is str or t is bool or t is int or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _plain_float(float(value))
    if isinstance(value, np.ndarray):
        return to_plain(value.tolist())
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    try:  # mpmath numbers and other real-number types
        return to_plain(float(value))
    except (TypeError, ValueError):
        return repr(value)


def from_plain_float(value: Any) -> float:
    """Inverse of ``to_plain`` for one float."""
    if isinstance(value, str):
        return float(value)
    return float(value)


@dataclass(frozen=True)
class Counterexample:
    """The minimal failing input of a check, with what was expected and what came back.

    ``ulps`` and ``bits`` measure the worst output component; ``ratio`` is its error divided by the
    envelope (above 1 means outside).  ``component`` names it, e.g. "dj_dw[2]".
    """

    inputs: dict[str, Any]
    expected: dict[str, Any]
    actual: dict[str, Any]
    ulps: float = math.nan
    bits: float = math.nan
    ratio: float = math.nan
    component: str = ""
    z: list[float] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return to_plain(asdict(self))


@dataclass(frozen=True)
class Sample:
    """One example tried by a check: the logit that decides its error (for a problem target the row
    whose term contributes most to the worst output), its error in bits, verdict and ratio to the
    envelope (NaN when not recorded)."""

    z: float
    bits: float
    passed: bool
    ratio: float = math.nan


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check (stable ``id``, ``tier``) over all the examples it tried."""

    id: str
    tier: str
    title: str
    passed: bool
    message: str
    examples: int = 0
    counterexample: Counterexample | None = None
    worst_ulps: float = 0.0
    worst_bits: float = 0.0
    worst_ratio: float = 0.0
    findings: tuple[str, ...] = ()
    samples: tuple[Sample, ...] = ()
    region: str = ""
    status: str = ""  # one of STATUSES; "" is filled from ``passed``

    def __post_init__(self) -> None:
        if not self.status:
            object.__setattr__(self, "status", "passed" if self.passed else "failed")
        if self.status not in STATUSES:
            raise ValueError(f"status={self.status!r} is not one of {STATUSES}")
        if (self.status == "passed") != self.passed:
            raise ValueError(f"a check with status {self.status!r} cannot have passed={self.passed}")

    @property
    def skipped(self) -> bool:
        return self.status == "skipped"

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("counterexample", "samples")}
        data["counterexample"] = self.counterexample.to_json() if self.counterexample else None
        data = to_plain(data)
        data["samples"] = [
            [_plain_float(float(s.z)), _plain_float(float(s.bits)), bool(s.passed), _plain_float(float(s.ratio))]
            for s in self.samples
        ]
        return data


@dataclass(frozen=True)
class Diagnosis:
    """A named mistake (catalog ``id``) that explains a failure, with its evidence."""

    id: str
    confidence: float
    message: str
    hint: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    checks: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return to_plain(asdict(self))


@dataclass(frozen=True)
class Result:
    """Everything one ``verifier check`` run found; reproducible from ``seed`` and ``profile``."""

    target: str
    convention: str
    precision: str
    standard: str
    profile: str
    seed: int
    candidate: str
    function: str
    lam: float
    checks: tuple[CheckResult, ...]
    diagnoses: tuple[Diagnosis, ...] = ()
    warnings: tuple[str, ...] = ()
    elapsed: float = 0.0  # seconds for the checks
    versions: dict[str, str] = field(default_factory=dict)
    schema: str = SCHEMA_VERSION
    signature: str = ""  # the signature the function was called with (verifier/spec/signatures.py)
    diagnosis_elapsed: float = 0.0  # seconds spent diagnosing a failure (0 for a pass)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def verdict(self) -> str:
        return "pass" if self.passed else "fail"

    @property
    def assessment(self) -> str:
        """correct, fragile, wrong or broken (see ``assess``)."""
        return assess(self.checks)

    def failed(self) -> list[CheckResult]:
        """The checks that ran and did not pass (skipped checks are not failures)."""
        return [c for c in self.checks if not c.passed and not c.skipped]

    def skipped(self) -> list[CheckResult]:
        return [c for c in self.checks if c.skipped]

    def tier_passed(self, tier: str) -> bool:
        return all(c.passed for c in self.checks if c.tier == tier)

    def to_json(self) -> dict[str, Any]:
        return to_plain(
            {
                "schema": self.schema,
                "verdict": self.verdict,
                "assessment": self.assessment,
                "target": self.target,
                "signature": self.signature,
                "convention": self.convention,
                "precision": self.precision,
                "standard": self.standard,
                "profile": self.profile,
                "seed": self.seed,
                "candidate": self.candidate,
                "function": self.function,
                "lambda": self.lam,
                "elapsed": self.elapsed,
                "diagnosis_elapsed": self.diagnosis_elapsed,
                "versions": self.versions,
                "checks": [c.to_json() for c in self.checks],
                "diagnoses": [d.to_json() for d in self.diagnoses],
                "warnings": list(self.warnings),
            }
        )

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, allow_nan=False)

    def __repr__(self) -> str:
        """The readable summary, one line per check (the registered "text/plain" view, else a short one)."""
        view = VIEWS.get("text/plain")
        if view is not None:
            try:
                return view(self)
            except Exception:  # a repr must not raise: fall back to the short form
                pass
        lines = [f"{self.function} as {self.target}: {self.assessment.upper()}"]
        lines += [f"  {_MARKS.get(c.status, 'FAIL')}  {c.id}" for c in self.checks]
        passed = sum(c.passed for c in self.checks)
        lines.append(f"{'PASSED' if self.passed else 'FAILED'}: {passed} of {len(self.checks)} checks")
        return "\n".join(lines)

    def _repr_html_(self) -> str | None:
        """Jupyter's rich display: the registered "text/html" view (None, so text, when there is none)."""
        view = VIEWS.get("text/html")
        return view(self) if view is not None else None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        checks = []
        for c in data["checks"]:
            ce = c.get("counterexample")
            checks.append(
                CheckResult(
                    id=c["id"],
                    tier=c["tier"],
                    title=c.get("title", ""),
                    passed=c["passed"],
                    message=c["message"],
                    examples=c.get("examples", 0),
                    counterexample=Counterexample(**ce) if ce else None,
                    worst_ulps=from_plain_float(c.get("worst_ulps", 0.0)),
                    worst_bits=from_plain_float(c.get("worst_bits", 0.0)),
                    worst_ratio=from_plain_float(c.get("worst_ratio", 0.0)),
                    findings=tuple(c.get("findings", ())),
                    samples=tuple(
                        Sample(from_plain_float(z), from_plain_float(b), p, *map(from_plain_float, rest))
                        for z, b, p, *rest in c.get("samples", ())
                    ),
                    region=c.get("region", ""),
                    status=c.get("status", ""),
                )
            )
        diagnoses = tuple(
            Diagnosis(
                id=d["id"],
                confidence=d["confidence"],
                message=d["message"],
                hint=d.get("hint", ""),
                evidence=d.get("evidence", {}),
                checks=tuple(d.get("checks", ())),
            )
            for d in data.get("diagnoses", ())
        )
        return cls(
            target=data["target"],
            convention=data["convention"],
            precision=data["precision"],
            standard=data["standard"],
            profile=data["profile"],
            seed=data["seed"],
            candidate=data.get("candidate", ""),
            function=data.get("function", ""),
            lam=data.get("lambda", 0.0),
            checks=tuple(checks),
            diagnoses=diagnoses,
            warnings=tuple(data.get("warnings", ())),
            elapsed=data.get("elapsed", 0.0),
            versions=data.get("versions", {}),
            schema=data.get("schema", SCHEMA_VERSION),
            signature=data.get("signature", ""),
            diagnosis_elapsed=data.get("diagnosis_elapsed", 0.0),
        )


_MARKS = {"passed": "PASS", "skipped": "SKIP"}


def assess(checks: tuple[CheckResult, ...] | list[CheckResult]) -> str:
    """What kind of function the checks describe.

    - ``broken``: it cannot be judged: it does not load, is missing, does not take the signature's
      arguments, or raises on moderate inputs (correctness.benign ended in an error);
    - ``wrong``: a correctness check fails (on values, or with an error on some inputs), or a contract
      check fails (it mutates its inputs, returns the wrong shape, ...);
    - ``fragile``: the correctness and contract checks pass, a stability check fails: right maths
      that breaks in the numeric tails;
    - ``correct``: every check passes.
    """
    by_id = {c.id: c for c in checks}
    if any(not c.passed for c in checks if c.id in SETUP_CHECKS):
        return "broken"
    benign = by_id.get("correctness.benign")
    if benign is not None and benign.status == "error":
        return "broken"
    failing = [c for c in checks if not c.passed and not c.skipped]
    if any(c.tier in ("correctness", "contract") for c in failing):
        return "wrong"
    if any(c.tier == "stability" for c in failing):
        return "fragile"
    if any(c.skipped for c in checks):
        return "broken"
    return "correct"
