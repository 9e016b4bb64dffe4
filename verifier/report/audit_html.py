"""The HTML accuracy table of ``verifier audit``: robust and strict side by side, one row per
library function and precision, the regions, counterexamples and known defects underneath.

jinja2 with autoescaping on; the page is self-contained (inline CSS, no scripts).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from verifier.audit import known
from verifier.audit.run import Audit, AuditRow
from verifier.grading.store import atomic_write
from verifier.report.render import render as render_template


def _ulps(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if math.isinf(v):
        return "inf"
    return f"{v:.3g}"


def _cell(row: AuditRow | None) -> dict[str, Any] | None:
    if row is None:
        return None
    regions = []
    for c in row.result.checks:
        ce = c.counterexample
        regions.append(
            {
                "id": c.id,
                "passed": c.passed,
                "examples": c.examples,
                "ulps": _ulps(c.worst_ulps),
                "bits": f"{c.worst_bits:.1f}" if math.isfinite(c.worst_bits) else "inf",
                "message": c.message if not c.passed else "",
                "inputs": ", ".join(f"{k}={v!r}" for k, v in ce.inputs.items())[:400] if ce is not None else "",
            }
        )
    return {
        "passed": row.passed,
        "ulps": _ulps(row.worst_ulps),
        "failed": [c.id for c in row.result.failed()],
        "regions": regions,
        "defects": [
            {
                "id": d,
                "check": cid,
                "evidence": ev,
                "title": known.KNOWN[d].title,
                "references": known.KNOWN[d].references,
            }
            for d, cid, ev in row.defects
        ],
        "unexplained": row.unexplained(),
        "diagnoses": [{"id": d.id, "message": d.message} for d in row.result.diagnoses],
    }


def render(result: Audit) -> str:
    """The audit as one HTML page."""
    rows = []
    for robust, strict in result.pairs():
        row = robust or strict
        assert row is not None  # pairs() never yields two Nones
        rows.append(
            {
                "library": row.library,
                "version": row.version,
                "function": row.function.label,
                "how": row.function.how,
                "target": row.function.target + (f", lambda={row.function.lam:g}" if row.function.lam else ""),
                "precision": row.precision,
                "robust": _cell(robust),
                "strict": _cell(strict),
            }
        )
    return render_template(
        "audit.html",
        audit=result,
        rows=rows,
        versions=result.versions,
        skipped=result.skipped,
    )


def write(result: Audit, folder: str | Path) -> Path:
    """Write ``audit.html`` into ``folder`` (created if missing); returns its path."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "audit.html"
    atomic_write(path, render(result))
    return path
