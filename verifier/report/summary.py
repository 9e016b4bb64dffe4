"""The short readable terminal summary of a Result."""

from __future__ import annotations

from verifier.spec.results import Diagnosis, Result


def _indent(text: str, pad: str = "      ") -> str:
    return "\n".join(pad + line for line in text.splitlines())


def summarize(result: Result, max_failures: int = 6) -> str:
    """A summary: verdict line, one line per check, details (and first diagnosis) under failures."""
    lines = [
        f"{result.function} as {result.target} ({result.convention}, {result.precision}, {result.standard}, "
        f"lambda={result.lam:g}, profile {result.profile}, seed {result.seed})"
    ]
    first_diag: dict[str, Diagnosis] = {}
    for diag in result.diagnoses:
        for cid in diag.checks or ():
            first_diag.setdefault(cid, diag)
    shown = 0
    told: set[str] = set()
    for c in result.checks:
        mark = "PASS" if c.passed else "FAIL"
        detail = f"{c.examples} examples" if c.examples else ""
        if c.passed and c.worst_ulps:
            detail += f", worst {c.worst_ulps:.3g} ulps"
        lines.append(f"  {mark}  {c.id:<24} {detail}")
        if not c.passed and shown < max_failures:
            shown += 1
            lines.append(_indent(c.message))
            if c.counterexample is not None and c.counterexample.inputs:
                lines.append(_indent("on " + _short_inputs(c.counterexample.inputs)))
            d: Diagnosis | None = first_diag.get(c.id) or (result.diagnoses[0] if result.diagnoses else None)
            if d is not None and d.id in told:
                lines.append(_indent(f"diagnosis [{d.id}], as above"))
            elif d is not None:
                told.add(d.id)
                lines.append(_indent(f"diagnosis [{d.id}]: {d.message}"))
                if d.hint:
                    lines.append(_indent(f"hint: {d.hint}"))
        for f in c.findings[:3]:
            lines.append(f"        note: {f}")
    passed = sum(c.passed for c in result.checks)
    verdict = "PASSED" if result.passed else "FAILED"
    lines.append(f"{verdict}: {passed} of {len(result.checks)} checks passed in {result.elapsed:.1f}s")
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
