"""The grade of a submission as data: per check, per task, per submission, and its JSON form.

Views (HTML, CSV, JUnit, Gradescope) read these types without importing the code that grades.
``SubmissionGrade.to_json`` / ``from_json`` round-trip exactly (schema ``grade/1``, docs/grading.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from verifier.spec.results import Result

GRADE_SCHEMA = "grade/2"


@dataclass(frozen=True)
class CheckGrade:
    """One check of one task: its points and whether it passed."""

    id: str
    tier: str
    title: str
    passed: bool
    points: float
    max_points: float
    visibility: str
    message: str = ""


@dataclass(frozen=True)
class TaskGrade:
    """One task of one submission.  ``result`` is None when grading the task itself failed (``error``)."""

    name: str
    function: str
    source: str
    score: float
    max_score: float
    checks: tuple[CheckGrade, ...]
    result: Result | None = None
    error: str = ""

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks) and not self.error

    @property
    def assessment(self) -> str:
        """correct, fragile, wrong or broken (verifier.spec.results.assess); broken when it was not graded."""
        return self.result.assessment if self.result is not None else "broken"


@dataclass(frozen=True)
class SubmissionGrade:
    """Everything about one graded submission; ``to_json``/``from_json`` round-trip it exactly."""

    submission: str
    slug: str
    sources: tuple[str, ...]
    seed: int
    assignment: str
    assignment_hash: str
    score: float
    max_score: float
    tasks: tuple[TaskGrade, ...]
    elapsed: float = 0.0
    error: str = ""
    profile: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # what discovery did not take as it was (refused archive entries, links)

    @property
    def passed(self) -> bool:
        return not self.error and all(t.passed for t in self.tasks)

    @property
    def verdict(self) -> str:
        if self.error:
            return "error"
        return "pass" if self.passed else "fail"

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": GRADE_SCHEMA,
            "submission": self.submission,
            "slug": self.slug,
            "sources": list(self.sources),
            "seed": self.seed,
            "assignment": self.assignment,
            "assignment_hash": self.assignment_hash,
            "profile": self.profile,
            "score": self.score,
            "max_score": self.max_score,
            "verdict": self.verdict,
            "elapsed": self.elapsed,
            "error": self.error,
            "versions": self.versions,
            "notes": list(self.notes),
            "tasks": [
                {
                    "name": t.name,
                    "function": t.function,
                    "source": t.source,
                    "score": t.score,
                    "max_score": t.max_score,
                    "assessment": t.assessment,
                    "error": t.error,
                    "checks": [c.__dict__.copy() for c in t.checks],
                    "result": t.result.to_json() if t.result is not None else None,
                }
                for t in self.tasks
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SubmissionGrade:
        tasks = tuple(
            TaskGrade(
                name=t["name"],
                function=t["function"],
                source=t["source"],
                score=t["score"],
                max_score=t["max_score"],
                checks=tuple(CheckGrade(**c) for c in t["checks"]),
                result=Result.from_json(t["result"]) if t.get("result") else None,
                error=t.get("error", ""),
            )
            for t in data["tasks"]
        )
        return cls(
            submission=data["submission"],
            slug=data["slug"],
            sources=tuple(data["sources"]),
            seed=data["seed"],
            assignment=data["assignment"],
            assignment_hash=data["assignment_hash"],
            score=data["score"],
            max_score=data["max_score"],
            tasks=tasks,
            elapsed=data.get("elapsed", 0.0),
            error=data.get("error", ""),
            profile=data.get("profile", ""),
            versions=data.get("versions", {}),
            notes=tuple(data.get("notes", ())),
        )
