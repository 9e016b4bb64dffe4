"""HTML reports: one self-contained page per submission and the class summary (index.html).

Templates are jinja2 with autoescaping on: every string that came from a submission (names, messages,
values, tracebacks) is escaped.  Only the SVG plots, which the verifier draws itself, are inserted raw.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verifier.report.plots import error_plot, error_plot_data, is_problem, score_histogram
from verifier.report.render import render
from verifier.report.snippet import reproduce
from verifier.report.summary import ASSESSMENT_WORDS
from verifier.report.text import diagnoses_for, short_value
from verifier.spec.results import CheckResult, Result, from_plain_float

if TYPE_CHECKING:
    from verifier.grading.assignment import Assignment
    from verifier.grading.grades import SubmissionGrade

_MAX_SNIPPET = 20_000


def _number_text(x: float) -> str:
    return f"{x:.3g}" if math.isfinite(x) else str(x)


def check_context(result: Result | None, check: CheckResult | None, source: str = "") -> dict[str, Any]:
    """What the templates show about one check: message, counterexample rows, diagnoses, snippet."""
    ctx: dict[str, Any] = {
        "check": check,
        "message": "",
        "inputs": [],
        "outputs": [],
        "error_row": "",
        "diagnoses": [],
        "snippet": "",
        "findings": (),
    }
    if check is None:
        return ctx
    ctx["message"] = check.message
    ctx["findings"] = check.findings
    ce = check.counterexample
    if ce is not None:
        ctx["inputs"] = [(k, short_value(v, 400)) for k, v in ce.inputs.items()]
        keys = list(ce.expected) + [k for k in ce.actual if k not in ce.expected]
        ctx["outputs"] = [
            (
                k if k != "raw" else "returned",
                short_value(ce.expected.get(k, ""), 300),
                short_value(ce.actual.get(k, ""), 300),
            )
            for k in keys
        ]
        # a Result read back from JSON holds "inf" / "nan" as strings here
        ulps, bits, ce_ratio = (from_plain_float(v) for v in (ce.ulps, ce.bits, ce.ratio))
        if ce.component or not math.isnan(ulps):
            at = f" at {ce.component}" if ce.component else ""
            ratio = f", {_number_text(ce_ratio)}x the envelope" if not math.isnan(ce_ratio) else ""
            ctx["error_row"] = f"{_number_text(ulps)} ulps, {_number_text(bits)} bits{at}{ratio}"
        if result is not None and ce.inputs:
            snippet = reproduce(result, ce, source)
            ctx["snippet"] = snippet if len(snippet) <= _MAX_SNIPPET else ""
    ctx["diagnoses"] = diagnoses_for(result, check.id)[:2] if not check.passed else []
    return ctx


def render_check_fragment(result: Result, check: CheckResult) -> str:
    """One check as an HTML fragment: message, counterexample tables and diagnoses (for pytest-html)."""
    return render("check.html", **check_context(result, check, result.candidate))


def render_submission(grade: SubmissionGrade, assignment: Assignment) -> str:
    """The student's report."""
    tasks = []
    versions: dict[str, str] = dict(grade.versions)
    for tg in grade.tasks:
        by_id = {c.id: c for c in tg.result.checks} if tg.result is not None else {}
        checks = []
        for cg in tg.checks:
            ctx = check_context(tg.result, by_id.get(cg.id), tg.source)
            if not ctx["message"]:
                ctx["message"] = cg.message
            ctx["grade"] = cg
            checks.append(ctx)
        plot, key = "", None
        if tg.result is not None:
            versions.update(tg.result.versions)
            plot = error_plot(tg.result.checks, tg.result.precision, target=tg.result.target)
            key = error_plot_data(tg.result.checks, is_problem(tg.result.target))
        tasks.append(
            {
                "grade": tg,
                "assessment_text": ASSESSMENT_WORDS.get(tg.assessment, ""),
                "result": tg.result,
                "checks": checks,
                "plot": plot,
                "plot_key": key,
                "passed": sum(c.passed for c in tg.checks),
                "source": tg.source,
                "source_name": Path(tg.source).name,
            }
        )
    total = sum(len(t.checks) for t in grade.tasks)
    passed = sum(c.passed for t in grade.tasks for c in t.checks)
    verdict_text = {"pass": "PASSED", "fail": "FAILED", "error": "NOT GRADED"}[grade.verdict]
    return render(
        "submission.html",
        grade=grade,
        assignment=assignment,
        tasks=tasks,
        versions=versions,
        verdict_text=verdict_text,
        passed_checks=passed,
        total_checks=total,
        sources=[Path(s).name for s in grade.sources],
    )


def pass_rates(grades: list[SubmissionGrade], assignment: Assignment) -> list[dict[str, Any]]:
    """Per task and check: how many submissions passed it."""
    rows = []
    for i, task in enumerate(assignment.tasks):
        for cid, _ in task.points_for().items():
            results = [c.passed for g in grades if i < len(g.tasks) for c in g.tasks[i].checks if c.id == cid]
            title = next((c.title for g in grades if i < len(g.tasks) for c in g.tasks[i].checks if c.id == cid), cid)
            n = len(results)
            if not n:
                continue
            rows.append(
                {
                    "task": task.name,
                    "id": cid,
                    "title": title,
                    "passed": sum(results),
                    "total": n,
                    "rate": (sum(results) / n) if n else 0.0,
                }
            )
    return rows


def frequent_diagnoses(grades: Iterable[SubmissionGrade], limit: int = 10) -> list[dict[str, Any]]:
    """The diagnoses made most often, counted once per submission, with one example message."""
    counts: Counter[str] = Counter()
    example: dict[str, str] = {}
    for g in grades:
        seen = set()
        for t in g.tasks:
            for d in t.result.diagnoses if t.result is not None else ():
                if d.id not in seen:
                    seen.add(d.id)
                    counts[d.id] += 1
                    example.setdefault(d.id, d.message)
    return [{"id": k, "count": n, "message": example[k]} for k, n in counts.most_common(limit)]


def render_index(grades: list[SubmissionGrade], assignment: Assignment, base: str = "submissions") -> str:
    """The class summary: score distribution, pass rate per check, frequent diagnoses, all reports."""
    from verifier.about import versions as current_versions

    scores = [g.score for g in grades]
    names = [t.name for t in assignment.tasks]
    task_scores = [[{t.name: t.score for t in g.tasks}.get(n, 0.0) for n in names] for g in grades]
    return render(
        "index.html",
        assignment=assignment,
        grades=grades,
        n=len(grades),
        n_pass=sum(g.passed for g in grades),
        n_error=sum(bool(g.error) for g in grades),
        mean=statistics.fmean(scores) if scores else 0.0,
        median=statistics.median(scores) if scores else 0.0,
        plot=score_histogram(scores, assignment.max_score) if scores else "",
        rates=pass_rates(grades, assignment),
        diagnoses=frequent_diagnoses(grades),
        links=[f"{base}/{g.slug}/report.html" for g in grades],
        task_scores=task_scores,
        versions=current_versions(),
    )
