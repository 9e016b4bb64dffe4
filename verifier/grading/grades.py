"""The grade of a submission as data: per check, per task, per submission, and its JSON form.

Views (HTML, CSV, JUnit, Gradescope) read these types without importing the code that grades.
``SubmissionGrade.to_json`` / ``from_json`` round-trip exactly (schema ``grade/1``, docs/grading.md).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
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
    summary: bool = field(default=False, compare=False)  # made by ``for_class``: not a record to store

    @property
    def passed(self) -> bool:
        return not self.error and all(t.passed for t in self.tasks)

    @property
    def verdict(self) -> str:
        if self.error:
            return "error"
        return "pass" if self.passed else "fail"

    def for_class(self) -> SubmissionGrade:
        """This grade as a class run keeps it in memory for the class views and its summary: every
        score, check, message, counterexample and diagnosis, without the error-plot samples that only
        the submission's own report draws, and with the texts a class repeats (titles, ids, versions,
        the messages of passed checks) shared between grades.  Read-only; it is not a record:
        ``summary`` is True and the store refuses to write it (grade.json keeps the whole grade)."""
        if self.summary:
            return self
        tasks = tuple(
            _sharing(
                t,
                ("name", "function", "source"),
                checks=tuple(_sharing(c, _CHECK_GRADE_TEXTS) for c in t.checks),
                result=_result_for_class(t.result) if t.result is not None else None,
            )
            for t in self.tasks
        )
        return _sharing(
            self,
            ("assignment", "assignment_hash", "profile"),
            versions=_shared_versions(self.versions),
            tasks=tasks,
            summary=True,
        )

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
    def from_json(cls, data: dict[str, Any], whole: bool = True) -> SubmissionGrade:
        """The grade ``to_json`` wrote; with ``whole=False`` as ``for_class`` keeps it, read faster (the
        error-plot samples are never built)."""
        if not whole:
            return cls.from_json(_without_samples(data)).for_class()
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


# ------------------------------------------------------------------------------ grades for a class
def _without_samples(data: dict[str, Any]) -> dict[str, Any]:
    """A grade's JSON without its checks' samples (a shallow copy: ``data`` is left as it is)."""
    tasks = []
    for t in data["tasks"]:
        result = t.get("result")
        if result:
            checks = [{**c, "samples": []} if c.get("samples") else c for c in result["checks"]]
            t = {**t, "result": {**result, "checks": checks}}
        tasks.append(t)
    return {**data, "tasks": tasks}


_VERSIONS: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}


def _shared(text: str) -> str:
    """One object for every equal text a class run keeps (``sys.intern``)."""
    return sys.intern(text) if type(text) is str else text


def _shared_versions(versions: dict[str, str]) -> dict[str, str]:
    """One dict for every equal ``versions`` of a class (few distinct ones exist in a run); read-only."""
    key = tuple(versions.items())
    if len(_VERSIONS) > 64 and key not in _VERSIONS:
        return versions
    return _VERSIONS.setdefault(key, versions)


_CHECK_GRADE_TEXTS = ("id", "tier", "title", "visibility", "message")
_CHECK_RESULT_TEXTS = ("id", "tier", "title", "message", "region", "status")
_RESULT_TEXTS = ("target", "convention", "precision", "standard", "profile", "candidate", "function", "signature")


def _sharing(obj: Any, texts: tuple[str, ...], **changes: Any) -> Any:
    """``obj`` (a frozen dataclass) with its fields ``texts`` shared (``_shared``) and ``changes`` made."""
    return replace(obj, **{name: _shared(getattr(obj, name)) for name in texts}, **changes)


def _result_for_class(result: Result) -> Result:
    checks = tuple(
        _sharing(c, _CHECK_RESULT_TEXTS, findings=tuple(_shared(f) for f in c.findings), samples=())
        for c in result.checks
    )
    return _sharing(
        result,
        _RESULT_TEXTS,
        checks=checks,
        warnings=tuple(_shared(w) for w in result.warnings),
        versions=_shared_versions(result.versions),
    )
