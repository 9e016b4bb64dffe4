"""What PrairieLearn hands an external grader, and which graded submissions it should not count.

PrairieLearn runs the grader in a container with one folder, ``/grade`` (docs/prairielearn.md):

    /grade/student/            the files the student submitted
    /grade/tests/              the question's tests/ folder (the assignment: tests/assignment.toml)
    /grade/serverFilesCourse/  the course files named in the question's externalGradingOptions
    /grade/data/data.json      the question's data object (params, variant_seed, ...)
    /grade/results/            where the grader writes results.json (the grader creates the folder)

``GradeTree`` names those paths under any root; ``assignment_path`` honours ``params.assignment`` in
data.json, refusing a path that leaves the root; ``format_errors`` says why a graded submission is
not gradable (it does not load, a function is missing), so that PrairieLearn does not charge the
student an attempt for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.errors import UsageError
from verifier.grading.grades import SubmissionGrade

GRADE_ROOT = "/grade"
DEFAULT_ASSIGNMENT = "tests/assignment.toml"
# The checks whose failure means the submission could not be judged at all: it does not load
# (a syntax error, an exit while importing), or a graded function is not defined.
_NOT_GRADABLE = ("contract.loads", "contract.function")


@dataclass(frozen=True)
class GradeTree:
    """The folders and files of one PrairieLearn grading job under ``root`` (``/grade`` there)."""

    root: Path

    @classmethod
    def at(cls, root: str | Path = GRADE_ROOT) -> GradeTree:
        return cls(Path(root))

    @property
    def student(self) -> Path:
        return self.root / "student"

    @property
    def tests(self) -> Path:
        return self.root / "tests"

    @property
    def server_files(self) -> Path:
        return self.root / "serverFilesCourse"

    @property
    def data_file(self) -> Path:
        return self.root / "data" / "data.json"

    @property
    def results(self) -> Path:
        return self.root / "results"


def read_data(tree: GradeTree) -> dict[str, Any]:
    """The question's data object from data.json; empty when the file is absent (a local trial).
    UsageError when it is there but is not a JSON object."""
    path = tree.data_file
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the question's data ({exc})") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a JSON object, got {type(data).__name__}")
    return data


def assignment_path(tree: GradeTree, data: dict[str, Any]) -> Path:
    """The assignment file: ``params.assignment`` of data.json (a path relative to the root), else
    tests/assignment.toml.  A path that is absolute or leaves the root (``..``, a link) is refused."""
    params = data.get("params")
    given = params.get("assignment") if isinstance(params, dict) else None
    if given is None:
        path = tree.root / DEFAULT_ASSIGNMENT
        where = f"{path} (the default; set params.assignment in data.json to use another file)"
    else:
        if not isinstance(given, str) or not given.strip():
            raise UsageError(
                f"params.assignment in data.json: expected a path relative to {tree.root} such as "
                f"'{DEFAULT_ASSIGNMENT}', got {given!r}"
            )
        if Path(given).is_absolute():
            raise UsageError(
                f"params.assignment {given!r} in data.json: write the path relative to {tree.root}, e.g. "
                f"'serverFilesCourse/week3.toml'"
            )
        path = tree.root / given
        root = tree.root.resolve()
        if not path.resolve().is_relative_to(root):
            raise UsageError(f"params.assignment {given!r} in data.json: the path leaves {tree.root}; refused")
        where = f"{path} (params.assignment in data.json)"
    if not path.is_file():
        raise UsageError(f"assignment {where}: no such file")
    return path


def submission_name(data: dict[str, Any]) -> str:
    """The name the submission's seed derives from: its variant (data.json's ``variant_seed``), so the
    same code submitted again for the same variant gets the same verdict."""
    seed = data.get("variant_seed")
    if isinstance(seed, int) and not isinstance(seed, bool):
        return f"variant-{seed}"
    return "student"


def _shown(source: str, student: Path | None) -> str:
    if not source:
        return ""
    path = Path(source)
    if student is not None:
        try:
            return str(path.relative_to(student))
        except ValueError:
            pass
    return path.name


def format_errors(grade: SubmissionGrade, student: Path | None = None) -> list[str]:
    """Why ``grade`` should count as "invalid, not gradable": the submission has no source file, does
    not load (the message names the file and line), or lacks a function a task grades.  Empty when
    every task could be judged.  Each distinct reason once, in task order."""
    if not grade.sources and not grade.error:
        functions = ", ".join(dict.fromkeys(t.function for t in grade.tasks if t.function))
        return [f"the submission has no .py or .ipynb file: submit the file that defines {functions}"]
    errors: list[str] = []
    for task in grade.tasks:
        if task.result is None:  # grading the task failed (a time limit, a crash): a zero, not a format error
            continue
        for check in task.result.checks:
            if check.id in _NOT_GRADABLE and not check.passed:
                where = _shown(task.source, student)
                text = check.message.strip()
                if check.id == "contract.function" and where:
                    text = f"{where}: {text}"
                errors.append(text)
    return list(dict.fromkeys(errors))
