"""grades.csv: one row per submission, a score and an assessment column per task, the total and the verdict.

Text that came from a submission (its name, an error message) is neutralized against spreadsheet
formula injection: a cell starting with =, +, -, @, tab or carriage return gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from verifier.grading.assignment import Assignment
    from verifier.grading.grades import SubmissionGrade

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """``text`` that a spreadsheet shows as text, never evaluates as a formula."""
    text = str(text).replace("\x00", "")
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def grades_csv(grades: Iterable[SubmissionGrade], assignment: Assignment) -> str:
    """The CSV text (header row first)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    task_names = [t.name for t in assignment.tasks]
    assessed = [f"{n} assessment" for n in task_names]
    w.writerow(["submission", *task_names, *assessed, "total", "max_score", "verdict", "seed", "error"])
    for g in grades:
        scores = {t.name: t.score for t in g.tasks}
        kinds = {t.name: t.assessment for t in g.tasks}
        w.writerow(
            [
                safe_cell(g.submission),
                *(_number(scores.get(n, 0.0)) for n in task_names),
                *(kinds.get(n, "broken") for n in task_names),
                _number(g.score),
                _number(g.max_score),
                g.verdict,
                g.seed,
                safe_cell(g.error),
            ]
        )
    return buf.getvalue()


def _number(x: float) -> str:
    return f"{x:.6g}" if x != int(x) else str(int(x))
