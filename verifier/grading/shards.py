"""Grading a class in shards (one job of a batch system each) and merging the shards into one store.

``Shard.parse("K/N")`` is shard K of N, K counted from 1 to N.  A submission belongs to shard
``1 + (first 8 bytes of SHA-256 of its slug) mod N``: the same shard whatever the order in which the
folder is listed and whichever other submissions are in it, so every shard job may discover the class
on its own.  ``take_shard`` writes ``out``/shard.json (the shard, the verifier's version, the
assignment hash, the slugs of the whole class in order and those of the shard) and returns the
shard's submissions; the shard is then graded into ``out`` like any class (resumable).

``merge_shards(folders, assignment, out, views)`` reads the shards' folders and writes the combined
store and every view into ``out`` (each submission's views are copied from its shard; the class views
are written from all the grades, in the class's order), refusing: a folder that is not a shard's
output, shards graded by another verifier version or with another assignment hash, shards of
different splits or of different classes, a shard that did not finish, a missing shard, ``out`` being
one of the shards' folders, and a submission graded differently in two folders (the same submission
twice is accepted when its grades agree: the same score and error, and per check the same outcome
and points).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from verifier.about import __version__
from verifier.errors import UsageError
from verifier.grading.assignment import Assignment
from verifier.grading.batch import NO_VIEWS, ClassRun, Views, output_error, prepare_out
from verifier.grading.discovery import Submission
from verifier.grading.grades import SubmissionGrade
from verifier.grading.store import atomic_write, read_grade, write_grade

SHARD_FILE = "shard.json"
SHARD_SCHEMA = "shard/1"


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (1 <= index <= count)."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"K/N"`` as a Shard; UsageError saying what to write otherwise."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if match is None:
            raise UsageError(f"--shard {text!r}: write K/N, shard K of N (for example --shard 2/8), K from 1 to N")
        index, count = int(match[1]), int(match[2])
        if count < 1:
            raise UsageError(f"--shard {text}: N is the number of shards and must be at least 1")
        if not 1 <= index <= count:
            raise UsageError(
                f"--shard {text}: K must be from 1 to {count} (the shards are 1/{count} to {count}/{count})"
            )
        return cls(index, count)

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, slug: str) -> bool:
        """Whether the submission with this slug is graded in this shard."""
        return shard_of(slug, self.count) == self.index


def shard_of(slug: str, count: int) -> int:
    """The shard (1..count) of the submission with this slug."""
    digest = hashlib.sha256(slug.encode("utf-8")).digest()
    return 1 + int.from_bytes(digest[:8], "big") % count


def members(subs: list[Submission], shard: Shard) -> list[Submission]:
    """The submissions of ``subs`` that ``shard`` grades, in their order."""
    return [s for s in subs if shard.holds(s.slug)]


def take_shard(subs: list[Submission], shard: Shard, assignment: Assignment, out: Path) -> list[Submission]:
    """The submissions of ``shard`` (in class order), after recording the shard in ``out``/shard.json."""
    mine = members(subs, shard)
    data = {
        "schema": SHARD_SCHEMA,
        "shard": [shard.index, shard.count],
        "verifier": __version__,
        "assignment_hash": assignment.digest(),
        "class": [s.slug for s in subs],
        "submissions": [s.slug for s in mine],
    }
    prepare_out(out)
    try:
        atomic_write(out / SHARD_FILE, json.dumps(data, indent=1))
    except OSError as exc:
        raise output_error(out, exc, 0) from None
    return mine


def forget_shard(out: Path) -> None:
    """Remove ``out``/shard.json: a folder graded as a whole class is no longer a shard's output."""
    try:
        (Path(out) / SHARD_FILE).unlink(missing_ok=True)
    except OSError as exc:
        raise output_error(Path(out), exc, None) from None


@dataclass(frozen=True)
class _ShardOutput:
    """What one shard's folder holds, as its shard.json says."""

    folder: Path
    shard: Shard
    version: str
    digest: str
    whole: tuple[str, ...]
    slugs: tuple[str, ...]


def _read_shard(folder: Path) -> _ShardOutput:
    path = folder / SHARD_FILE
    not_shard = f"--merge {folder}: not the --out folder of a 'verifier grade --shard K/N' run"
    if not folder.is_dir():
        raise UsageError(f"--merge {folder}: no such folder; pass the --out folder of every shard run")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{not_shard} (it has no {SHARD_FILE})") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"--merge {folder}: cannot read {SHARD_FILE} ({exc})") from None
    try:
        if data["schema"] != SHARD_SCHEMA:
            raise ValueError(data["schema"])
        index, count = data["shard"]
        if not 1 <= int(index) <= int(count):
            raise ValueError(data["shard"])
        return _ShardOutput(
            folder,
            Shard(int(index), int(count)),
            str(data["verifier"]),
            str(data["assignment_hash"]),
            tuple(str(s) for s in data["class"]),
            tuple(str(s) for s in data["submissions"]),
        )
    except (KeyError, TypeError, ValueError):
        raise UsageError(f"{not_shard} ({path} is not a shard file this verifier wrote)") from None


def _check_alike(shards: list[_ShardOutput], assignment: Assignment) -> None:
    """Every shard was graded by this verifier's version with ``assignment``, in the same split of the
    same class."""
    digest = assignment.digest()
    for s in shards:
        if s.version != __version__:
            raise UsageError(
                f"--merge {s.folder}: shard {s.shard} was graded by verifier {s.version} and this is verifier "
                f"{__version__}: grade every shard and merge them with the same version (grade that shard again)"
            )
    for s in shards:
        if s.digest != digest:
            raise UsageError(
                f"--merge {s.folder}: shard {s.shard} was graded with a different assignment (hash {s.digest}; "
                f"{assignment.path or 'the assignment'} has {digest}): merge with the assignment file and "
                "--profile the shards were graded with, or grade that shard again"
            )
    first = shards[0]
    for s in shards[1:]:
        if s.shard.count != first.shard.count:
            raise UsageError(
                f"--merge: {first.folder} is a shard of {first.shard.count} and {s.folder} one of {s.shard.count}: "
                "merge the shards of one split"
            )
        if s.whole != first.whole:
            raise UsageError(
                f"--merge: {first.folder} and {s.folder} were graded from different classes (the folder of "
                "submissions changed between the shard runs): grade every shard from the same folder"
            )


def same_grade(a: SubmissionGrade, b: SubmissionGrade) -> bool:
    """Whether two grades of one submission agree: score, error, and per check its outcome and points."""

    def essence(g: SubmissionGrade) -> tuple:
        tasks = tuple((t.name, t.score, t.error, tuple((c.id, c.passed, c.points) for c in t.checks)) for t in g.tasks)
        return (g.submission, g.seed, g.assignment_hash, g.score, g.error, tasks)

    return essence(a) == essence(b)


def _gather(shards: list[_ShardOutput], digest: str) -> tuple[dict[str, SubmissionGrade], dict[str, Path]]:
    """Every shard's grades by slug, and the folder each came from; UsageError for a shard that did
    not finish or a submission graded differently in two folders."""
    grades: dict[str, SubmissionGrade] = {}
    found_in: dict[str, Path] = {}
    for s in shards:
        for slug in s.slugs:
            grade = read_grade(s.folder / "submissions" / slug / "grade.json", whole=False)
            if grade is None or grade.assignment_hash != digest:
                raise UsageError(
                    f"--merge {s.folder}: shard {s.shard} did not finish ({slug} has no grade): run that shard's "
                    "command again to finish it"
                )
            if slug in grades and not same_grade(grades[slug], grade):
                raise UsageError(
                    f"--merge: {grade.submission!r} is graded differently in {found_in[slug]} and {s.folder}: "
                    "merge only one of them"
                )
            grades.setdefault(slug, grade)  # kept for the class views: the whole grade stays in the shard
            found_in.setdefault(slug, s.folder)
    return grades, found_in


def _check_complete(shards: list[_ShardOutput], grades: dict[str, SubmissionGrade]) -> None:
    whole = shards[0].whole
    count = shards[0].shard.count
    missing = [slug for slug in whole if slug not in grades]
    if missing:
        absent = ", ".join(f"{k}/{count}" for k in sorted({shard_of(slug, count) for slug in missing}))
        raise UsageError(
            f"--merge: shard {absent} missing ({len(missing)} of the {len(whole)} submissions have no grade in "
            "the folders given): pass the --out folder of every shard"
        )


def merge_shards(
    folders: Iterable[str | Path], assignment: Assignment, out: str | Path, views: Views = NO_VIEWS
) -> ClassRun:
    """Write the grades of every shard in ``folders`` into ``out`` (the class's store, in class order)
    with ``views``, after checking that together they are the whole class graded with ``assignment``."""
    start = time.monotonic()
    shards = [_read_shard(Path(f)) for f in folders]
    if not shards:
        raise UsageError("--merge: pass the --out folder of every shard")
    out = Path(out)
    for s in shards:
        if out.resolve() == s.folder.resolve():
            raise UsageError(
                f"--merge: --out {out} is one of the shard folders; merge into a folder of its own "
                "(for example --out results/class)"
            )
    _check_alike(shards, assignment)
    grades, found_in = _gather(shards, assignment.digest())
    _check_complete(shards, grades)
    prepare_out(out)
    forget_shard(out)
    ordered = [grades[slug] for slug in shards[0].whole]
    try:
        for slug, grade in zip(shards[0].whole, ordered):
            source = found_in[slug] / "submissions" / slug
            _copy_submission(source, out / "submissions" / slug, grade, assignment, views)
        if views.whole_class is not None:
            views.whole_class(ordered, out, assignment)
    except OSError as exc:
        raise output_error(out, exc, None) from None
    return ClassRun(ordered, len(ordered), 0, time.monotonic() - start)


def _copy_submission(source: Path, folder: Path, grade: SubmissionGrade, assignment: Assignment, views: Views) -> None:
    """grade.json into ``folder``, and the submission's views: copied from the shard's ``source``
    folder when it has every one of them (``views.marker``), written from the whole grade otherwise
    (``grade`` is the one kept for the class views; the whole one is read again from ``source``)."""
    whole = read_grade(source / "grade.json")
    if whole is None or not same_grade(whole, grade):  # read a moment ago: the shard changed meanwhile
        raise UsageError(f"--merge: {source / 'grade.json'} changed while the shards were merged; run the merge again")
    write_grade(folder, whole)
    if views.submission is None:
        return
    copies = [source / name for name in views.marker]
    if copies and all(p.is_file() and not p.is_symlink() for p in copies):
        for p in copies:
            atomic_write(folder / p.name, p.read_text(encoding="utf-8"))
    else:
        views.submission(whole, folder, assignment)
