"""A SubmissionGrade in Gradescope's autograder format (results.json).

Format (gradescope-autograders.readthedocs.io, "Autograder Specifications"): a JSON object with
``score``, ``execution_time`` (seconds), ``output`` and ``tests``: one object per test with ``name``,
``number``, ``score``, ``max_score``, ``status`` ("passed" / "failed"), ``output``, ``output_format``
and ``visibility`` ("visible", "hidden", "after_due_date" or "after_published").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from verifier.report.text import check_feedback

if TYPE_CHECKING:
    from verifier.grading.assignment import Assignment
    from verifier.grading.grades import SubmissionGrade


def gradescope_results(grade: SubmissionGrade, assignment: Assignment) -> dict[str, Any]:
    """The results.json object for one submission: one test per check of every task."""
    tests = []
    for i, task in enumerate(grade.tasks, 1):
        by_id = {c.id: c for c in task.result.checks} if task.result is not None else {}
        for j, cg in enumerate(task.checks, 1):
            text = check_feedback(task.result, by_id.get(cg.id), fallback=cg.message)
            tests.append(
                {
                    "name": f"{task.name}: {cg.title} [{cg.id}]",
                    "number": f"{i}.{j}",
                    "score": float(cg.points),
                    "max_score": float(cg.max_points),
                    "status": "passed" if cg.passed else "failed",
                    "output": text,
                    "output_format": "text",
                    "visibility": cg.visibility,
                    "tags": [task.name, cg.tier],
                }
            )
    lines = [f"{assignment.name}: {grade.score:g} / {grade.max_score:g} points"]
    if grade.error:
        lines.append(f"Grading failed: {grade.error}")
    for task in grade.tasks:
        passed = sum(c.passed for c in task.checks)
        where = f" ({task.function})" if task.function else ""
        lines.append(
            f"  {task.name}{where}: {task.assessment}, {task.score:g} / {task.max_score:g}, "
            f"{passed} of {len(task.checks)} checks passed"
        )
        if task.error and task.error != grade.error:
            lines.append(f"    {task.error}")
    lines.append(f"Seed {grade.seed}, profile {grade.profile or assignment.profile}.")
    return {
        "score": float(grade.score),
        "execution_time": int(round(grade.elapsed)),
        "output": "\n".join(lines),
        "output_format": "text",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
