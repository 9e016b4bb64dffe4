"""Grading a class: every submission judged on every task of an assignment, scored, and written out.

``grade_submission`` judges one submission in this process (its code still runs in sandbox workers).
``verifier.batch.grade_class`` grades a folder of submissions in parallel processes and writes, under ``out``:

    submissions/<name>/grade.json    the grade (written atomically; the marker that it is done)
    submissions/<name>/report.html   the student's report
    submissions/<name>/results.json  the grade in Gradescope's format
    index.html, grades.csv, junit.xml for the whole class

A run that is stopped and started again continues: a grade whose assignment hash matches is kept, never
recomputed.  A submission that crashes or hangs the grading process gets a zero with the reason.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from verifier.api import UsageError, check
from verifier.assignment import Assignment, Task
from verifier.checks import CHECKS
from verifier.conventions import get_convention
from verifier.results import Result
from verifier.targets import get_target

GRADE_SCHEMA = "grade/1"
EX_OUTPUT = 75  # a grading process that could not write its results exits with this (EX_TEMPFAIL)


class OutputError(UsageError):
    """The output folder cannot be written (read-only, full disk): the batch stops, finished results stay."""
SOURCE_SUFFIXES = (".py", ".ipynb")
_SETUP_CHECKS = ("contract.loads", "contract.function")


# --------------------------------------------------------------------------- grade data
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
            "tasks": [
                {
                    "name": t.name,
                    "function": t.function,
                    "source": t.source,
                    "score": t.score,
                    "max_score": t.max_score,
                    "error": t.error,
                    "checks": [c.__dict__.copy() for c in t.checks],
                    "result": t.result.to_json() if t.result is not None else None,
                }
                for t in self.tasks
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "SubmissionGrade":
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
        )


# --------------------------------------------------------------------------- submissions
@dataclass(frozen=True)
class Submission:
    """A student's submission: a name and its source files (.py / .ipynb)."""

    name: str
    sources: tuple[Path, ...]
    slug: str


def slugify(name: str) -> str:
    """A file-system-safe folder name for a submission; a hash suffix keeps distinct names distinct."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "submission"
    if slug != name:
        slug = f"{slug[:60]}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"
    return slug[:80]


def discover(folder: str | Path, patterns: Iterable[str] = ()) -> list[Submission]:
    """The submissions in ``folder``: each .py / .ipynb file is one, and so is each sub-folder (all the
    sources inside it, ordered by the first of ``patterns`` they match).  Hidden entries are skipped."""
    root = Path(folder)
    if not root.is_dir():
        raise UsageError(f"{root}: no such folder of submissions")
    entries = sorted(p for p in root.iterdir() if not p.name.startswith((".", "__")))
    files = [p for p in entries if p.is_file() and p.suffix in SOURCE_SUFFIXES]
    stems = [p.stem for p in files]
    subs: list[Submission] = []
    for p in files:
        name = p.stem if stems.count(p.stem) == 1 else p.name
        subs.append(Submission(name, (p,), slugify(name)))
    for d in (p for p in entries if p.is_dir()):
        subs.append(Submission(d.name, tuple(sources_in(d, patterns)), slugify(d.name)))
    slugs = [s.slug for s in subs]
    if len(set(slugs)) != len(slugs):  # e.g. "alice" the file and "alice" the folder
        subs = [Submission(s.name, s.sources, f"{s.slug}-{i}") if slugs.count(s.slug) > 1 else s for i, s in enumerate(subs)]
    return subs


def sources_in(folder: Path, patterns: Iterable[str] = ()) -> list[Path]:
    """The .py / .ipynb files under ``folder`` (recursively, no hidden folders), best match first."""
    found = [
        p for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix in SOURCE_SUFFIXES
        and not any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(folder).parts)
    ]
    patterns = list(patterns)

    def rank(p: Path) -> tuple[int, int, str]:
        hits = [i for i, pat in enumerate(patterns) if fnmatch.fnmatch(p.name, pat)]
        return (hits[0] if hits else len(patterns), len(p.relative_to(folder).parts), str(p))

    return sorted(found, key=rank)


def _source_text(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(text).get("cells", [])
            return "\n".join(
                "".join(c.get("source", "")) if isinstance(c.get("source"), list) else str(c.get("source", ""))
                for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"
            )
        except (ValueError, AttributeError):
            return text
    return text


def defines(path: Path, function: str) -> bool:
    """Whether the source text of ``path`` has ``def function(`` (read as text: nothing is run)."""
    return re.search(rf"^[ \t]*def[ \t]+{re.escape(function)}[ \t]*\(", _source_text(path), re.M) is not None


def source_for(sources: tuple[Path, ...], names: list[str]) -> Path | None:
    """The first source that defines one of ``names`` (else the first source, else None)."""
    for p in sources:
        if any(defines(p, n) for n in names):
            return p
    return sources[0] if sources else None


def derive_seed(assignment_seed: int, name: str) -> int:
    """The seed of one submission: a hash of the assignment's seed and the submission's name."""
    digest = hashlib.sha256(f"{assignment_seed}:{name}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


# --------------------------------------------------------------------------- scoring
def score_task(task: Task, result: Result | None, default_visibility: str, error: str = "") -> tuple[float, tuple[CheckGrade, ...]]:
    """Points of a task from its result: every check the task runs is worth ``points_for``; a check
    missing from the result (the submission did not load, the function is absent) failed."""
    by_id = {c.id: c for c in result.checks} if result is not None else {}
    setup = next((by_id[c] for c in _SETUP_CHECKS if c in by_id and not by_id[c].passed), None)
    reason = error or (setup.message if setup is not None else "the check did not run")
    grades = []
    for cid, pts in task.points_for().items():
        c = by_id.get(cid)
        passed = bool(c is not None and c.passed)
        grades.append(
            CheckGrade(
                id=cid,
                tier=CHECKS[cid].tier,
                title=CHECKS[cid].title,
                passed=passed,
                points=round(pts, 6) if passed else 0.0,
                max_points=round(pts, 6),
                visibility=task.visibility_of(cid, default_visibility),
                message=c.message if c is not None else reason,
            )
        )
    return round(sum(g.points for g in grades), 6), tuple(grades)


def _task_names(task: Task) -> list[str]:
    if task.function:
        return [task.function]
    return get_convention(task.convention).functions(get_target(task.target), task.lam)


def grade_task(task: Task, sources: tuple[Path, ...], assignment: Assignment, seed: int) -> TaskGrade:
    """Judge one task of one submission; an error inside the verifier becomes a zero with the reason."""
    names = _task_names(task)
    src = source_for(sources, names)
    if src is None:
        score, checks = score_task(task, None, assignment.visibility, "the submission has no .py or .ipynb file")
        return TaskGrade(task.name, names[0], "", score, task.points, checks, None, "the submission has no .py or .ipynb file")
    try:
        result = check(
            str(src),
            target=task.target,
            convention=task.convention,
            lam=task.lam,
            precision=task.precision,
            standard=assignment.standard,
            profile=assignment.profile,
            seed=seed,
            function=task.function,
            call_timeout=assignment.call_timeout,
            only=task.check_ids(),
        )
    except Exception as exc:  # a verifier fault on this submission must not stop the class
        error = f"grading this task failed: {type(exc).__name__}: {exc}"
        score, checks = score_task(task, None, assignment.visibility, error)
        return TaskGrade(task.name, names[0], str(src), score, task.points, checks, None, error)
    score, checks = score_task(task, result, assignment.visibility)
    return TaskGrade(task.name, result.function, str(src), score, task.points, checks, result)


def grade_submission(sub: Submission, assignment: Assignment, seed: int | None = None) -> SubmissionGrade:
    """Grade one submission on every task of ``assignment`` (seed derived from its name by default)."""
    from verifier.api import versions
    from verifier.isolation import active_layers

    seed = derive_seed(assignment.seed, sub.name) if seed is None else seed
    start = time.perf_counter()
    tasks = tuple(grade_task(t, sub.sources, assignment, seed) for t in assignment.tasks)
    return SubmissionGrade(
        submission=sub.name,
        slug=sub.slug,
        sources=tuple(str(p) for p in sub.sources),
        seed=seed,
        assignment=assignment.name,
        assignment_hash=assignment.digest(),
        score=round(sum(t.score for t in tasks), 6),
        max_score=assignment.max_score,
        tasks=tasks,
        elapsed=time.perf_counter() - start,
        profile=assignment.profile,
        versions={**versions(), "isolation": ", ".join(active_layers())},
    )


def failed_grade(sub: Submission, assignment: Assignment, reason: str, elapsed: float = 0.0) -> SubmissionGrade:
    """A zero for a submission whose grading crashed or ran out of time, with the reason."""
    tasks = []
    for t in assignment.tasks:
        _, checks = score_task(t, None, assignment.visibility, reason)
        tasks.append(TaskGrade(t.name, t.function or _task_names(t)[0], "", 0.0, t.points, checks, None, reason))
    return SubmissionGrade(
        submission=sub.name, slug=sub.slug, sources=tuple(str(p) for p in sub.sources),
        seed=derive_seed(assignment.seed, sub.name), assignment=assignment.name,
        assignment_hash=assignment.digest(), score=0.0, max_score=assignment.max_score,
        tasks=tuple(tasks), elapsed=elapsed, error=reason, profile=assignment.profile,
    )


# --------------------------------------------------------------------------- files
def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def grade_path(out: Path, sub: Submission) -> Path:
    return out / "submissions" / sub.slug / "grade.json"


def read_grade(path: Path) -> SubmissionGrade | None:
    """A grade written earlier, or None when it is absent or unreadable."""
    try:
        return SubmissionGrade.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_views(grade: SubmissionGrade, folder: Path, assignment: Assignment) -> None:
    """The student's HTML report and Gradescope results.json next to grade.json."""
    from verifier.report.gradescope_json import gradescope_results
    from verifier.report.html import render_submission

    atomic_write(folder / "results.json", json.dumps(gradescope_results(grade, assignment), indent=2, allow_nan=False))
    atomic_write(folder / "report.html", render_submission(grade, assignment))


def write_class_views(grades: list[SubmissionGrade], out: Path, assignment: Assignment) -> None:
    """index.html, grades.csv and junit.xml for the whole class."""
    from verifier.report.csv_grades import grades_csv
    from verifier.report.html import render_index
    from verifier.report.junit import junit_xml

    atomic_write(out / "grades.csv", grades_csv(grades, assignment))
    atomic_write(out / "junit.xml", junit_xml(grades, assignment))
    atomic_write(out / "index.html", render_index(grades, assignment))
