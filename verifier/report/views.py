"""Writing the views of grades: per submission (report.html, results.json) and per class
(index.html, grades.csv, junit.xml), each through the one atomic writer."""

from __future__ import annotations

import json
from pathlib import Path

from verifier.grading.assignment import Assignment
from verifier.grading.batch import Views
from verifier.grading.grades import SubmissionGrade
from verifier.grading.store import atomic_write
from verifier.report.csv_grades import grades_csv
from verifier.report.gradescope_json import gradescope_results
from verifier.report.html import render_index, render_submission
from verifier.report.junit import junit_parts


def write_views(grade: SubmissionGrade, folder: Path, assignment: Assignment) -> None:
    """The student's HTML report and Gradescope results.json next to grade.json."""
    atomic_write(folder / "results.json", json.dumps(gradescope_results(grade, assignment), indent=2, allow_nan=False))
    atomic_write(folder / "report.html", render_submission(grade, assignment))


def write_class_views(grades: list[SubmissionGrade], out: Path, assignment: Assignment) -> None:
    """index.html, grades.csv and junit.xml for the whole class."""
    atomic_write(out / "grades.csv", grades_csv(grades, assignment))
    atomic_write(out / "junit.xml", junit_parts(grades, assignment))  # one testsuite at a time
    atomic_write(out / "index.html", render_index(grades, assignment))


# What ``verifier grade`` writes: every per-submission view and the class views.
CLASS_REPORTS = Views(write_views, write_class_views, marker=("report.html", "results.json"))
# One submission on a platform (Gradescope, PrairieLearn): its own views, no class views.
SUBMISSION_REPORTS = Views(write_views, None, marker=("report.html", "results.json"))
