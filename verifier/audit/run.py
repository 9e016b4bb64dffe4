"""``verifier audit``: judge library functions through their adapters, under both standards.

An audit runs ``verifier.check`` for every adapted library function, every precision and both
standards (robust and strict), and keeps per check (region): passed or failed, the worst error in
ulps and bits, the minimal counterexample, the diagnoses, and the known documented defects that
explain a failure (``verifier.audit.known``).  ``AuditRow.to_json`` is one record of the JSON
list; ``to_markdown`` renders the table of docs/accuracy.md.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from verifier.audit import adapters as _adapters
from verifier.audit import known
from verifier.audit.adapters import LibraryFunction
from verifier.spec.results import Result, to_plain

STANDARDS = ("robust", "strict")
AUDIT_SCHEMA = "1.0"


@dataclass(frozen=True)
class AuditRow:
    """One library function, in one precision, under one standard."""

    library: str
    version: str
    function: LibraryFunction
    precision: str
    standard: str
    result: Result
    defects: tuple[tuple[str, str, str], ...] = ()  # (defect id, check id, evidence)

    @property
    def passed(self) -> bool:
        return self.result.passed

    @property
    def worst_ulps(self) -> float:
        return max((c.worst_ulps for c in self.result.checks if c.tier != "contract"), default=0.0)

    @property
    def worst_check(self) -> str:
        checks = [c for c in self.result.checks if c.tier != "contract"]
        return max(checks, key=lambda c: c.worst_ulps).id if checks else ""

    def unexplained(self) -> list[str]:
        """Failed checks that no known defect explains."""
        explained = {cid for _, cid, _ in self.defects}
        return [c.id for c in self.result.failed() if c.id not in explained]

    def to_json(self) -> dict[str, Any]:
        regions = {}
        for c in self.result.checks:
            worst_z = max(c.samples, key=lambda s: s.bits).z if c.samples else None
            regions[c.id] = {
                "region": c.region,
                "tier": c.tier,
                "passed": c.passed,
                "examples": c.examples,
                "worst_ulps": c.worst_ulps,
                "worst_bits": c.worst_bits,
                "worst_ratio": c.worst_ratio,
                "worst_z": worst_z,
                "message": c.message,
                "counterexample": c.counterexample.to_json() if c.counterexample else None,
            }
        fn = self.function
        return to_plain(
            {
                "library": self.library,
                "version": self.version,
                "function": fn.function,
                "variant": fn.variant,
                "target": fn.target,
                "how": fn.how,
                "lambda": fn.lam,
                "precision": self.precision,
                "standard": self.standard,
                "passed": self.passed,
                "worst_ulps": self.worst_ulps,
                "worst_bits": math.log2(1 + self.worst_ulps) if math.isfinite(self.worst_ulps) else math.inf,
                "regions": regions,
                "diagnoses": [d.to_json() for d in self.result.diagnoses],
                "known_defects": [
                    {
                        "id": d,
                        "check": cid,
                        "evidence": ev,
                        "title": known.KNOWN[d].title,
                        "references": list(known.KNOWN[d].references),
                        "doc": known.KNOWN[d].anchor,
                    }
                    for d, cid, ev in self.defects
                ],
                "unexplained": self.unexplained(),
                "seed": self.result.seed,
                "profile": self.result.profile,
            }
        )


@dataclass
class Audit:
    """Every row of one audit, the libraries it skipped and how it was run."""

    rows: list[AuditRow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    profile: str = "quick"
    seed: int = 0
    date: str = ""
    elapsed: float = 0.0
    versions: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self.rows]

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, allow_nan=False)

    def pairs(self) -> list[tuple[AuditRow | None, AuditRow | None]]:
        """Rows grouped as (robust, strict) per library function and precision, in audit order."""
        grouped: dict[tuple, dict[str, AuditRow]] = {}
        for r in self.rows:
            key = (r.library, r.function.label, r.function.target, r.precision)
            grouped.setdefault(key, {})[r.standard] = r
        return [(g.get("robust"), g.get("strict")) for g in grouped.values()]


def _defects(fn: LibraryFunction, precision: str, result: Result) -> tuple[tuple[str, str, str], ...]:
    found = []
    for check in result.failed():
        for defect, evidence in known.explain(fn, precision, check):
            found.append((defect.id, check.id, evidence))
    # float32 arithmetic where float64 was asked explains every failure of the function
    f32 = next((ev for d, _, ev in found if d == "float32-default"), None)
    if f32 is not None:
        explained = {cid for _, cid, _ in found}
        found += [("float32-default", c.id, f32) for c in result.failed() if c.id not in explained]
    return tuple(found)


def run_function(
    fn: LibraryFunction,
    version: str,
    precision: str,
    standard: str,
    profile: str = "quick",
    seed: int = 0,
    only: list[str] | None = None,
) -> AuditRow:
    """Audit one library function in one precision under one standard."""
    from verifier.checking import check

    name = fn.function
    result = check(
        {name: fn.build(precision)},
        fn.target,
        function=name,
        lam=fn.lam,
        precision=precision,
        standard=standard,
        profile=profile,
        seed=seed,
        only=only,
    )
    return AuditRow(fn.library, version, fn, precision, standard, result, _defects(fn, precision, result))


def audit(
    libraries: list[str] | None = None,
    precisions: tuple[str, ...] = ("float64", "float32"),
    standards: tuple[str, ...] = STANDARDS,
    profile: str = "quick",
    seed: int = 0,
    only: list[str] | None = None,
    functions: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Audit:
    """Audit the adapted functions of ``libraries`` (default: every installed one).

    - ``functions``: keep only library functions whose name contains one of these strings
    - ``only``: check ids to run (default: all that apply)
    A library that is not installed is skipped with a note in ``Audit.skipped``.
    """
    start = time.perf_counter()
    loaded, skipped = _adapters.load(libraries)
    out = Audit(
        skipped=skipped,
        profile=profile,
        seed=seed,
        date=_dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d"),
        versions={"python": platform.python_version()},
    )
    for adapter in loaded:
        out.versions[adapter.library] = adapter.version
        for fn in adapter.functions:
            if functions and not any(f.lower() in fn.label.lower() for f in functions):
                continue
            for precision in precisions:
                if precision not in fn.precisions:
                    continue
                for standard in standards:
                    t0 = time.perf_counter()
                    row = run_function(fn, adapter.version, precision, standard, profile, seed, only)
                    out.rows.append(row)
                    if progress:
                        progress(
                            f"{adapter.library:<11} {fn.label:<52} {precision} {standard:<6} "
                            f"{'pass' if row.passed else 'FAIL'}  worst {_ulps(row.worst_ulps)} ulps "
                            f"({time.perf_counter() - t0:.1f}s)"
                        )
    if out.rows:
        out.versions.update(out.rows[0].result.versions)
    out.elapsed = time.perf_counter() - start
    return out


# ------------------------------------------------------------------ text views
def _ulps(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if math.isinf(v):
        return "inf"
    if v >= 1e4:
        return f"{v:.2e}"
    return f"{v:.3g}"


def verdict_cell(row: AuditRow | None) -> str:
    """'pass, 1.2 ulps' or 'FAIL (stability.saturated, ...), 3.1e+15 ulps'."""
    if row is None:
        return "-"
    if row.passed:
        return f"pass, {_ulps(row.worst_ulps)}"
    ids = [c.id for c in row.result.failed()]
    short = [i.split(".", 1)[1] for i in ids]
    failed = [s if short.count(s) == 1 else i for s, i in zip(short, ids)]
    return f"**FAIL** ({', '.join(failed)}), {_ulps(row.worst_ulps)}"


def defect_cell(robust: AuditRow | None, strict: AuditRow | None) -> str:
    ids = []
    for row in (robust, strict):
        if row is None:
            continue
        for d, _, _ in row.defects:
            if d not in ids:
                ids.append(d)
        if row.unexplained():
            ids.append(f"unexplained under {row.standard}: " + ", ".join(row.unexplained()))
    return ", ".join(f"[{d}](library-defects.md#{d})" if d in known.KNOWN else d for d in ids) or ""


def to_markdown(result: Audit, command: str = "verifier audit --markdown docs/accuracy.md") -> str:
    """The accuracy table of docs/accuracy.md."""
    libs = ", ".join(f"{k} {v}" for k, v in result.versions.items())
    lines = [
        "# Accuracy of library implementations",
        "",
        f"Generated on {result.date} by `{command}` (profile `{result.profile}`, seed {result.seed}, "
        f"{result.elapsed:.0f}s). Versions: {libs}.",
        "",
        "Each cell: the verdict under that standard (the failing checks in brackets) and the worst error "
        "over the accuracy checks in ulps of the judged format. A pass can still show a large number of "
        "ulps where the exact value is subnormal (the robust standard has an absolute floor at the smallest "
        "normal number) or tiny next to the terms the formula adds. The defects are explained, with the "
        "oracle's evidence, in [library-defects.md](library-defects.md).",
        "",
    ]
    if result.skipped:
        lines += ["Skipped: " + "; ".join(result.skipped) + ".", ""]
    lines += [
        "| library | function | target | precision | robust | strict | known defects |",
        "|---|---|---|---|---|---|---|",
    ]
    for robust, strict in result.pairs():
        row = robust or strict
        assert row is not None  # pairs() never yields two Nones
        fn = row.function
        name = fn.label.replace("|", "\\|")
        lam = f", lambda={fn.lam:g}" if fn.lam else ""
        lines.append(
            f"| {row.library} | `{name}` | {fn.target}{lam} | {row.precision} | {verdict_cell(robust)} | "
            f"{verdict_cell(strict)} | {defect_cell(robust, strict)} |"
        )
    return "\n".join(lines) + "\n"


def summary_lines(result: Audit) -> list[str]:
    """Terminal summary: one line per library function and precision."""
    out = []
    for robust, strict in result.pairs():
        row = robust or strict
        assert row is not None  # pairs() never yields two Nones
        cells = "  ".join(
            f"{s}: {verdict_cell(r).replace('**', '')}" for s, r in (("robust", robust), ("strict", strict)) if r
        )
        out.append(f"{row.library:<11} {row.function.label:<52} {row.precision}  {cells}")
    return out
