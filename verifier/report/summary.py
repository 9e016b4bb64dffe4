"""The short readable terminal summary of a Result."""

from __future__ import annotations

from verifier.spec.results import Diagnosis, Result


def _indent(text: str, pad: str = "      ") -> str:
    return "\n".join(pad + line for line in text.splitlines())


ASSESSMENT_WORDS = {
    "correct": "every check passes",
    "fragile": "right on moderate inputs, fails in the numeric tails",
    "wrong": "wrong results (or a broken contract) on ordinary inputs",
    "broken": "could not be judged",
}


def _explaining(result: Result) -> dict[str, Diagnosis]:
    """For each failing check, the first diagnosis that names it (a diagnosis naming no check explains
    every failure)."""
    out: dict[str, Diagnosis] = {}
    for diag in result.diagnoses:
        for cid in diag.checks or [c.id for c in result.failed()]:
            out.setdefault(cid, diag)
    return out


def summarize(result: Result, max_failures: int = 6) -> str:
    """A summary: the assessment, one line per check, details (and the diagnosis that explains it)
    under failures, notes on what was skipped while loading."""
    lines = [
        f"{result.function} as {result.target}: {result.assessment.upper()} ({ASSESSMENT_WORDS[result.assessment]})",
        f"  called as {result.signature or result.convention}; {result.convention}, {result.precision}, "
        f"{result.standard}, lambda={result.lam:g}, profile {result.profile}, seed {result.seed}",
    ]
    explaining = _explaining(result)
    shown = 0
    told: set[str] = set()
    for c in result.checks:
        mark = {"passed": "PASS", "skipped": "SKIP"}.get(c.status, "FAIL")
        detail = f"{c.examples} examples" if c.examples else ""
        if c.passed and c.worst_ulps:
            detail += (
                f", worst {c.worst_ulps:.3g} ulps"
                if c.worst_ulps < float("inf")
                else f", worst {c.worst_ratio:.2g}x the envelope"  # ulps are unbounded next to an exact 0
            )
        lines.append(f"  {mark}  {c.id:<24} {detail}")
        if c.skipped:
            continue
        if not c.passed and shown < max_failures:
            shown += 1
            lines.append(_indent(c.message))
            if c.counterexample is not None and c.counterexample.inputs:
                lines.append(_indent("on " + _short_inputs(c.counterexample.inputs)))
            d = explaining.get(c.id)
            if d is not None and d.id in told:
                lines.append(_indent(f"diagnosis [{d.id}], as above"))
            elif d is not None:
                told.add(d.id)
                lines.append(_indent(f"diagnosis [{d.id}]: {d.message}"))
                if d.hint:
                    lines.append(_indent(f"hint: {d.hint}"))
        for f in c.findings[:3]:
            lines.append(f"        note: {f}")
    skipped = result.skipped()
    if skipped:
        lines.append(_indent(skipped[0].message, "  "))
    for w in result.warnings[:8]:
        lines.append(f"  note: {w}")
    passed = sum(c.passed for c in result.checks)
    failed = len(result.failed())
    verdict = "PASSED" if result.passed else "FAILED"
    counts = f"{passed} passed, {failed} failed" + (f", {len(skipped)} not run" if skipped else "")
    lines.append(f"{verdict}: {counts} of {len(result.checks)} checks in {result.elapsed:.1f}s")
    return "\n".join(lines)


def _short_inputs(inputs: dict, limit: int = 300) -> str:
    parts = []
    for k, v in inputs.items():
        text = repr(v)
        if len(text) > 80:
            text = text[:77] + "..."
        parts.append(f"{k}={text}")
    s = ", ".join(parts)
    return s if len(s) <= limit else s[: limit - 3] + "..."
