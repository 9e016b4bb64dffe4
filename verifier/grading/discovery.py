"""Finding submissions: each .py / .ipynb file of a class folder is one, and so is each sub-folder
and each .zip; a class may itself be a .zip, and an LMS export is mapped back to its students.

Nothing is run here: sources are read as text (``defines`` looks for ``def NAME(``), links are never
followed, archives are unpacked with every unsafe entry refused (a note on the submission).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from verifier.errors import UsageError
from verifier.grading.archives import unpack
from verifier.grading.lms import regroup
from verifier.sandbox.sources import SOURCE_SUFFIXES, defines, source_for, source_text, sources_in

__all__ = ["SOURCE_SUFFIXES", "Submission", "defines", "discover", "slugify", "source_for", "source_text", "sources_in"]


@dataclass(frozen=True)
class Submission:
    """A student's submission: a name and its source files (.py / .ipynb)."""

    name: str
    sources: tuple[Path, ...]
    slug: str
    root: Path | None = None  # the student's folder for a folder submission (its files are copied whole)
    notes: tuple[str, ...] = ()  # entries refused while the submission was found (archive entries, links)


def slugify(name: str) -> str:
    """A file-system-safe folder name for a submission; a hash suffix keeps distinct names distinct."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "submission"
    if slug != name:
        slug = f"{slug[:60]}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"
    return slug[:80]


def _student_folder(folder: Path, staging: Path, name: str) -> tuple[Path, list[str]]:
    """The folder to grade for one student: itself, or the contents of its only archive unpacked."""
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")] if folder.is_dir() else []
    zips = [p for p in entries if p.suffix.lower() == ".zip" and p.is_file() and not p.is_symlink()]
    if zips and not any(p.suffix in SOURCE_SUFFIXES for p in entries):
        dest = staging / "archives" / slugify(name)
        notes: list[str] = []
        for z in zips:
            notes += unpack(z, dest).notes
        return dest, notes
    return folder, []


def _folder_submission(name: str, folder: Path, staging: Path, patterns: Iterable[str], notes: list[str]) -> Submission:
    root, more = _student_folder(folder, staging, name)
    return Submission(name, tuple(sources_in(root, patterns)), slugify(name), root, tuple(notes + more))


def discover(folder: str | Path, patterns: Iterable[str] = (), staging: str | Path | None = None) -> list[Submission]:
    """The submissions in ``folder`` (or in a .zip of the class): each .py / .ipynb file is one, and so is
    each sub-folder and each .zip (unpacked safely, verifier/grading/archives.py); an LMS export (Canvas,
    Moodle, Blackboard, Gradescope) is mapped back to one folder per student (verifier/grading/lms.py).
    Hidden entries and links are skipped.  Archives and regrouped exports are written under ``staging``
    (a new temporary folder by default)."""
    root = Path(folder)
    patterns = list(patterns)
    stage = Path(staging) if staging is not None else Path(tempfile.mkdtemp(prefix="verifier-staging-"))
    class_notes: list[str] = []
    if root.is_file() and root.suffix.lower() == ".zip":
        unpacked = unpack(root, stage / "class")
        class_notes = unpacked.notes
        root = stage / "class"
        inner = [p for p in root.iterdir() if not p.name.startswith((".", "__"))]
        if len(inner) == 1 and inner[0].is_dir():  # a zip of one folder: the folder is the class
            root = inner[0]
    if not root.is_dir():
        raise UsageError(f"{folder}: no such folder (or .zip) of submissions")
    entries = sorted(p for p in root.iterdir() if not p.name.startswith((".", "__")) and not p.is_symlink())
    regrouped = regroup(entries, stage)
    if regrouped.platform:
        subs = [_folder_submission(n, d, stage, patterns, class_notes) for n, d in sorted(regrouped.students.items())]
    else:
        subs = _plain_submissions(entries, stage, patterns, class_notes)
    slugs = [s.slug for s in subs]
    if len(set(slugs)) != len(slugs):  # e.g. "alice" the file and "alice" the folder
        subs = [replace(s, slug=f"{s.slug}-{i}") if slugs.count(s.slug) > 1 else s for i, s in enumerate(subs)]
    return subs


def _plain_submissions(entries: list[Path], stage: Path, patterns: list[str], notes: list[str]) -> list[Submission]:
    files = [p for p in entries if p.is_file() and p.suffix in SOURCE_SUFFIXES]
    stems = [p.stem for p in files]
    subs: list[Submission] = []
    for p in files:
        name = p.stem if stems.count(p.stem) == 1 else p.name
        subs.append(Submission(name, (p,), slugify(name), None, tuple(notes)))
    for d in (p for p in entries if p.is_dir()):
        subs.append(_folder_submission(d.name, d, stage, patterns, notes))
    for z in (p for p in entries if p.is_file() and p.suffix.lower() == ".zip"):
        dest = stage / "archives" / slugify(z.stem)
        unpacked = unpack(z, dest)
        subs.append(
            Submission(z.stem, tuple(sources_in(dest, patterns)), slugify(z.stem), dest, tuple(notes + unpacked.notes))
        )
    return subs
