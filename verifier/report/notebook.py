"""Results in a Jupyter notebook: ``Result._repr_html_`` and its readable ``repr``, and the feedback of
``verifier.Lab`` (one task with its score, or every task).

The HTML is one self-contained fragment (styles scoped to ``.vnb`` and inline, the error plot inline
SVG, no scripts) that reads at a phone's width; every string that came from the candidate is escaped
(templates/notebook.html, autoescaped).  Importing this module registers the views with
``verifier.spec.results`` (``register_view``), which cannot import the report layer itself.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.grading.grades import CheckGrade, TaskGrade
from verifier.report.html import check_context
from verifier.report.plots import error_plot
from verifier.report.render import render
from verifier.report.summary import ASSESSMENT_WORDS, summarize
from verifier.spec.results import CheckResult, Result, register_view

_MARKS = {"passed": "✓", "failed": "✗", "error": "✗", "skipped": "–"}
_WHY_LIMIT = 200


def ipython_namespace() -> dict[str, Any] | None:
    """The running IPython's user namespace (a notebook's), or None outside IPython."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell.user_ns if shell is not None else None


def notebook_file(namespace: Mapping[str, Any] | None = None) -> str:
    """The running notebook's file name (Jupyter's session, or VS Code's), else "notebook.ipynb"."""
    namespace = namespace if namespace is not None else ipython_namespace() or {}
    for key in ("__session__", "__vsc_ipynb_file__"):
        value = namespace.get(key)
        if isinstance(value, str) and value.endswith(".ipynb"):
            return Path(value).name
    return "notebook.ipynb"


def _snippet_source(result: Result) -> str:
    """Where the reproduce snippet says to run: the file judged, else the notebook (a callable)."""
    path = result.candidate.split("::")[0]
    if path.endswith((".py", ".ipynb")):
        return path
    return notebook_file()


def _first_line(text: str, limit: int = _WHY_LIMIT) -> str:
    line = next((s.strip() for s in text.splitlines() if s.strip()), "")
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _why(passed: bool, first: bool, message: str, grade: CheckGrade | None) -> str:
    """The line under a check: why a later failure failed, or why a passed check earned nothing."""
    if passed:
        earned_nothing = grade is not None and grade.max_points > 0 and grade.points == 0
        return _first_line(grade.message) if earned_nothing and grade is not None else ""
    return "" if first else _first_line(message)


def _check_rows(result: Result | None, grades: tuple[CheckGrade, ...] | None, first: str) -> list[dict[str, Any]]:
    """One row per check: mark, title, id, status (with points when graded), why a later one failed."""
    by_id = {c.id: c for c in result.checks} if result is not None else {}
    rows = []
    ids = [g.id for g in grades] if grades is not None else list(by_id)
    graded = {g.id: g for g in grades or ()}
    for cid in ids:
        c: CheckResult | None = by_id.get(cid)
        g = graded.get(cid)
        passed = g.passed if g is not None else bool(c is not None and c.passed)
        status = c.status if c is not None else ("passed" if passed else "failed")
        words = "passed" if passed else {"error": "error", "skipped": "not run"}.get(status, "failed")
        if g is not None:
            words += f", {g.points:g} / {g.max_points:g}"
        elif c is not None and c.examples:
            words += f", {c.examples} example{'s' if c.examples != 1 else ''}"
        message = (c.message if c is not None else "") or (g.message if g is not None else "")
        rows.append(
            {
                "id": cid,
                "title": (c.title if c is not None and c.title else g.title if g is not None else cid),
                "passed": passed,
                "status": status,
                "mark": _MARKS.get(status, "✗"),
                "status_text": words,
                "why": _why(passed, cid == first, message, g),
                "visibility": g.visibility if g is not None else "",
            }
        )
    return rows


def result_block(
    result: Result | None,
    source: str = "",
    heading: str = "",
    grade: TaskGrade | None = None,
    problem: str = "",
    notes: tuple[str, ...] = (),
    score: float | None = None,
) -> dict[str, Any]:
    """What the template shows of one result (and its task grade, when graded)."""
    first = next((c for c in result.checks if not c.passed and not c.skipped), None) if result is not None else None
    grades = grade.checks if grade is not None else None
    rows = _check_rows(result, grades, first.id if first is not None else "")
    failure = None
    if first is not None:
        failure = check_context(result, first, source)
    return {
        "heading": heading,
        "function": grade.function if grade is not None else "",
        "score": score,
        "max_score": grade.max_score if grade is not None else 0.0,
        "problem": problem,
        "result": result,
        "assessment_text": ASSESSMENT_WORDS.get(result.assessment, "") if result is not None else "",
        "n_passed": sum(r["passed"] for r in rows),
        "error": "",
        "checks": rows,
        "failure": failure,
        "plot": error_plot(result.checks, result.precision, target=result.target) if result is not None else "",
        "notes": notes,
        "nested": False,
        "ok": result is not None and not problem and all(r["passed"] for r in rows),
    }


def result_html(result: Result, source: str = "") -> str:
    """One Result as a notebook fragment: assessment, a line per check, the first failure's smallest
    counterexample with the diagnosis and hint, the error plot."""
    return render("notebook.html", lab=None, block=result_block(result, source or _snippet_source(result)))


@dataclass(frozen=True)
class TaskFeedback:
    """One task of an assignment checked from a notebook: its grade (None when it could not be checked,
    ``problem`` says why), the points it would get (None when unknown) and notes on what was read."""

    task: str
    function: str
    max_score: float
    score: float | None = None
    grade: TaskGrade | None = None
    problem: str = ""
    notes: tuple[str, ...] = ()
    source: str = ""  # the notebook's file name, for the reproduce snippet

    @property
    def result(self) -> Result | None:
        return self.grade.result if self.grade is not None else None

    @property
    def passed(self) -> bool:
        return self.grade is not None and self.grade.passed and not self.problem

    def block(self) -> dict[str, Any]:
        problem = self.problem or (self.grade.error if self.grade is not None else "")
        block = result_block(self.result, self.source, self.task, self.grade, problem, self.notes, self.score)
        block["function"] = self.function
        block["max_score"] = self.max_score
        return block

    def _repr_html_(self) -> str:
        return render("notebook.html", lab=None, block=self.block())

    def __repr__(self) -> str:
        score = "not checked" if self.score is None else f"{self.score:g} / {self.max_score:g} points"
        lines = [f"{self.task} ({self.function}): {score}"]
        if self.problem:
            lines.append(f"  not checked: {self.problem}")
        elif self.grade is not None and self.grade.error:
            lines.append(f"  {self.grade.error}")
        if self.result is not None:
            lines.append(summarize(self.result))
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


@dataclass(frozen=True)
class LabFeedback:
    """Every task of an assignment checked from a notebook, with the total it would score."""

    name: str
    tasks: tuple[TaskFeedback, ...]

    @property
    def score(self) -> float:
        return round(sum(t.score or 0.0 for t in self.tasks), 6)

    @property
    def max_score(self) -> float:
        return sum(t.max_score for t in self.tasks)

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.tasks)

    def _repr_html_(self) -> str:
        lab: dict[str, Any] = {"name": self.name, "score": self.score, "max_score": self.max_score, "tasks": []}
        for t in self.tasks:
            block = t.block()
            block["nested"] = True
            lab["tasks"].append(block)
        return render("notebook.html", lab=lab, block=None)

    def __repr__(self) -> str:
        width = max([len(t.task) for t in self.tasks] + [4])
        fwidth = max([len(t.function) for t in self.tasks] + [8])
        lines = [f"{self.name}: {self.score:g} / {self.max_score:g} points"]
        for t in self.tasks:
            what = t.result.assessment if t.result is not None else "not checked"
            score = "-" if t.score is None else f"{t.score:g}"
            lines.append(f"  {t.task:<{width}}  {t.function:<{fwidth}}  {what:<11}  {score} / {t.max_score:g}")
        for t in self.tasks:
            if t.problem:
                lines.append(f"  {t.task}: not checked: {t.problem}")
        return "\n".join(lines)


register_view("text/html", result_html)
register_view("text/plain", summarize)
