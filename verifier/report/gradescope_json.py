"""A SubmissionGrade in Gradescope's autograder format (results.json).

Format (gradescope-autograders.readthedocs.io, "Autograder Specifications"): a JSON object with
``score``, ``execution_time`` (seconds), ``output``, ``output_format``, ``extra_data`` and ``tests``: one
object per test with ``name``, ``number``, ``score``, ``max_score``, ``status`` ("passed" / "failed"),
``output``, ``output_format``, ``visibility`` ("visible", "hidden", "after_due_date" or
"after_published"), ``tags`` and ``extra_data``.

Gradescope shows an output as plain text unless ``output_format`` says otherwise ("text", "html",
"simple_format", "md", "ansi"; the top-level output defaults to "simple_format", which renders HTML).
Here every output is written in one format, "md" by default: the counterexample as Markdown tables,
the diagnosis and the hint as paragraphs.  Everything that came from the submission is escaped for that
format: in Markdown, ``&``, ``<`` and ``>`` become entities and the characters that make Markdown
(``\\ ` * _ [ ] | ~``, and ``# + - =`` or ``1.`` at the start of a line) get a backslash, so no
submission can add a link, an image, a table cell or raw HTML to its feedback.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from verifier.report.text import check_feedback, diagnoses_for

if TYPE_CHECKING:
    from verifier.grading.assignment import Assignment
    from verifier.grading.grades import SubmissionGrade, TaskGrade
    from verifier.spec.results import CheckResult, Result

OUTPUT_FORMATS = ("md", "html", "text")
EXTRA_SCHEMA = "verifier-gradescope/1"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^([#+=-]|\d+(?=[.)]))")


# --------------------------------------------------------------------------- escaping
def md_escape(text: str, cell: bool = False) -> str:
    """``text`` as Markdown that shows exactly these characters: entities for ``& < >``, backslashes
    for Markdown's punctuation, leading spaces kept as non-breaking spaces, each line break a hard
    break; ``cell``: one line, for a table cell."""
    text = _CONTROL.sub("", str(text).replace("\r\n", "\n"))
    text = html.escape(text, quote=False)
    text = _MD_INLINE.sub(r"\\\1", text)
    lines = []
    for line in text.split("\n"):
        body = line.lstrip(" \t")
        indent = len(line) - len(body)
        m = None if cell else _MD_LINE_START.match(body)  # a table cell is inline: no block markers
        if m:
            body = body[: m.end()] + "\\" + body[m.end() :] if m.group(1)[0].isdigit() else "\\" + body
        lines.append("&nbsp;" * indent + body)
    if cell:
        return " ".join(line.strip() for line in lines if line.strip()) or " "
    return "  \n".join(lines)


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """A GitHub-flavoured Markdown table; every cell escaped."""
    out = ["| " + " | ".join(md_escape(h, cell=True) for h in header) + " |"]
    out.append("|" + "|".join(" --- " for _ in header) + "|")
    out += ["| " + " | ".join(md_escape(c, cell=True) for c in row) + " |" for row in rows]
    return "\n".join(out)


# --------------------------------------------------------------------------- one check
def _md_feedback(result: Result | None, check: CheckResult | None, fallback: str) -> str:
    from verifier.report.html import check_context

    if check is None:
        return md_escape(fallback)
    ctx = check_context(result, check)
    blocks = [md_escape(check.message.strip())] if check.message.strip() else []
    if check.passed:
        return "\n\n".join(blocks)
    if ctx["inputs"]:
        blocks.append("**Smallest failing input**")
        blocks.append(md_table(["input", "value"], [[k, v] for k, v in ctx["inputs"]]))
    if ctx["outputs"]:
        rows = [[k, e, g] for k, e, g in ctx["outputs"]]
        if ctx["error_row"]:
            rows.append(["error", ctx["error_row"], ""])
        blocks.append(md_table(["output", "expected", "got"], rows))
    for d in ctx["diagnoses"][:1]:
        blocks.append(f"**Likely mistake** ({md_escape(d.id, cell=True)}): {md_escape(d.message)}")
        if d.hint:
            blocks.append(f"**Hint:** {md_escape(d.hint)}")
    return "\n\n".join(blocks)


def _html_feedback(result: Result | None, check: CheckResult | None, fallback: str) -> str:
    from verifier.report.html import render_check_fragment

    if check is None or result is None:
        return f"<pre>{html.escape(_CONTROL.sub('', fallback))}</pre>"
    return render_check_fragment(result, check)


def check_output(result: Result | None, check: CheckResult | None, fallback: str = "", fmt: str = "md") -> str:
    """The feedback of one check in ``fmt`` ("md", "html" or "text"): message, counterexample,
    diagnosis and hint; ``fallback`` when the check did not run."""
    if fmt == "md":
        return _md_feedback(result, check, fallback)
    if fmt == "html":
        return _html_feedback(result, check, fallback)
    return check_feedback(result, check, fallback=fallback)


# --------------------------------------------------------------------------- the whole submission
def _diagnosis_ids(result: Result | None, check_id: str | None = None) -> list[str]:
    if result is None:
        return []
    if check_id is None:
        return list(dict.fromkeys(d.id for d in result.diagnoses))
    return [d.id for d in diagnoses_for(result, check_id)]


def _task_extra(task: TaskGrade) -> dict[str, Any]:
    return {
        "task": task.name,
        "function": task.function,
        "assessment": task.assessment,
        "diagnoses": _diagnosis_ids(task.result),
    }


def _summary(grade: SubmissionGrade, assignment: Assignment, fmt: str) -> str:
    rows = []
    for task in grade.tasks:
        passed = sum(c.passed for c in task.checks)
        rows.append(
            [
                task.name,
                task.function,
                task.assessment,
                f"{task.score:g} / {task.max_score:g}",
                f"{passed} of {len(task.checks)}",
                task.error if task.error and task.error != grade.error else "",
            ]
        )
    footer = f"Seed {grade.seed}, profile {grade.profile or assignment.profile}."
    if fmt == "text":
        lines = [f"{assignment.name}: {grade.score:g} / {grade.max_score:g} points"]
        if grade.error:
            lines.append(f"Grading failed: {grade.error}")
        for name, function, assessment, score, checks_passed, error in rows:
            where = f" ({function})" if function else ""
            lines.append(f"  {name}{where}: {assessment}, {score}, {checks_passed} checks passed")
            if error:
                lines.append(f"    {error}")
        lines.append(footer)
        return "\n".join(lines)
    header = ["task", "function", "assessment", "score", "checks passed", "note"]
    if fmt == "html":
        e = html.escape
        cells = "".join(f"<th>{e(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{e(_CONTROL.sub('', c))}</td>" for c in r) + "</tr>" for r in rows)
        failed = f"<p><strong>Grading failed:</strong> {e(_CONTROL.sub('', grade.error))}</p>" if grade.error else ""
        return (
            f"<p><strong>{e(assignment.name)}</strong>: {grade.score:g} / {grade.max_score:g} points</p>{failed}"
            f"<table><tr>{cells}</tr>{body}</table><p>{e(footer)}</p>"
        )
    blocks = [f"**{md_escape(assignment.name)}**: {grade.score:g} / {grade.max_score:g} points"]
    if grade.error:
        blocks.append(f"**Grading failed:** {md_escape(grade.error)}")
    if rows:
        blocks.append(md_table(header, rows))
    blocks.append(md_escape(footer))
    return "\n\n".join(blocks)


def gradescope_results(grade: SubmissionGrade, assignment: Assignment, output_format: str = "md") -> dict[str, Any]:
    """The results.json object for one submission: one test per check of every task, every output in
    ``output_format`` ("md", the default; "html"; or "text")."""
    if output_format not in OUTPUT_FORMATS:
        raise ValueError(f"output_format={output_format!r}; expected one of {OUTPUT_FORMATS}")
    tests = []
    for i, task in enumerate(grade.tasks, 1):
        by_id = {c.id: c for c in task.result.checks} if task.result is not None else {}
        for j, cg in enumerate(task.checks, 1):
            check = by_id.get(cg.id)
            tests.append(
                {
                    "name": f"{task.name}: {cg.title} [{cg.id}]",
                    "number": f"{i}.{j}",
                    "score": float(cg.points),
                    "max_score": float(cg.max_points),
                    "status": "passed" if cg.passed else "failed",
                    "output": check_output(task.result, check, cg.message, output_format),
                    "output_format": output_format,
                    "visibility": cg.visibility,
                    "tags": [task.name, cg.tier],
                    "extra_data": {
                        **_task_extra(task),
                        "check": cg.id,
                        "tier": cg.tier,
                        "diagnoses": [] if cg.passed else _diagnosis_ids(task.result, cg.id),
                    },
                }
            )
    return {
        "score": float(grade.score),
        "execution_time": int(round(grade.elapsed)),
        "output": _summary(grade, assignment, output_format),
        "output_format": output_format,
        "stdout_visibility": "hidden",
        "extra_data": {
            "schema": EXTRA_SCHEMA,
            "seed": grade.seed,
            "profile": grade.profile or assignment.profile,
            "assignment_hash": grade.assignment_hash,
            "verdict": grade.verdict,
            "tasks": [_task_extra(t) for t in grade.tasks],
        },
        "tests": tests,
    }
