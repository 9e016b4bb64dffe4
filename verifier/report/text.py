"""Plain-text feedback for one check of one task: what failed, on which input, and the likely mistake."""

from __future__ import annotations

from typing import Any

from verifier.spec.results import CheckResult, Diagnosis, Result


def diagnoses_for(result: Result | None, check_id: str) -> list[Diagnosis]:
    """The diagnoses that explain ``check_id`` (those naming no check explain every failure)."""
    if result is None:
        return []
    named = [d for d in result.diagnoses if check_id in (d.checks or ())]
    if named:
        return sorted(named, key=lambda d: -d.confidence)
    return sorted((d for d in result.diagnoses if not d.checks), key=lambda d: -d.confidence)


def short_value(value: Any, limit: int = 120) -> str:
    """A compact one-line rendering of a number, list or nested list."""
    text = repr(value) if not isinstance(value, str) else value
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_feedback(result: Result | None, check: CheckResult | None, fallback: str = "") -> str:
    """Feedback text for one check: message, counterexample, diagnosis and hint."""
    if check is None:
        return fallback
    lines = [check.message.strip()] if check.message else []
    if check.passed:
        return "\n".join(lines)
    ce = check.counterexample
    if ce is not None and ce.inputs:
        lines.append("")
        lines.append("Smallest failing input: " + ", ".join(f"{k}={short_value(v)}" for k, v in ce.inputs.items()))
        if ce.expected:
            lines.append("Expected: " + ", ".join(f"{k}={short_value(v)}" for k, v in ce.expected.items()))
        if ce.actual:
            lines.append("Got: " + ", ".join(f"{k}={short_value(v)}" for k, v in ce.actual.items()))
    for d in diagnoses_for(result, check.id)[:1]:
        lines.append("")
        lines.append(f"Likely mistake: {d.message}")
        if d.hint:
            lines.append(f"Hint: {d.hint}")
    return "\n".join(lines)
