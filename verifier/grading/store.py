"""Where grades live on disk: one folder per submission under ``out/submissions/``, written atomically.

A grade.json that exists and whose assignment hash matches is a finished grade (a resumed run keeps
it): ``finished`` and ``split_done`` are how every engine (local processes, a Dask cluster, a shard)
decides what is left to grade.  ``atomic_write`` is the one writer every output of the verifier goes
through.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from verifier.grading.discovery import Submission
from verifier.grading.grades import SubmissionGrade


def atomic_write(path: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (or its pieces, in order, without joining them in memory) to ``path`` so that a
    reader sees the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.writelines([text] if isinstance(text, str) else text)
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


def read_grade(path: Path, whole: bool = True) -> SubmissionGrade | None:
    """A grade written earlier, or None when it is absent or unreadable; ``whole=False``: as a class
    run keeps it (``SubmissionGrade.for_class``), read faster."""
    try:
        return SubmissionGrade.from_json(json.loads(path.read_text(encoding="utf-8")), whole)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def finished(out: Path, sub: Submission, digest: str, whole: bool = True) -> SubmissionGrade | None:
    """``sub``'s grade in the store under ``out`` when it is done for the assignment hash ``digest``;
    None when it is still to be graded (absent, unreadable, another assignment or another submission).
    ``whole=False``: the grade as a class run keeps it (``read_grade``)."""
    grade = read_grade(grade_path(out, sub), whole)
    if grade is not None and grade.assignment_hash == digest and grade.submission == sub.name:
        return grade
    return None


def split_done(subs: list[Submission], out: Path, digest: str) -> tuple[dict[str, SubmissionGrade], list[Submission]]:
    """The finished grades in ``out`` (by slug, as a class run keeps them: ``for_class``) and the
    submissions still to grade, in their order."""
    done: dict[str, SubmissionGrade] = {}
    pending: list[Submission] = []
    for sub in subs:
        grade = finished(out, sub, digest, whole=False)
        if grade is not None:
            done[sub.slug] = grade
        else:
            pending.append(sub)
    return done, pending


def write_grade(folder: Path, grade: SubmissionGrade) -> None:
    """``folder``/grade.json, atomically (the marker that the submission is done).  A grade kept for
    the class views (``SubmissionGrade.for_class``) lacks parts of the record: ValueError."""
    if grade.summary:
        raise ValueError(f"the grade of {grade.submission!r} kept for the class views is not a record to store")
    atomic_write(folder / "grade.json", json.dumps(grade.to_json(), indent=1, allow_nan=False))
