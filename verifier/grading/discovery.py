"""Finding submissions: each .py / .ipynb file of a folder is one, and so is each sub-folder.

Nothing is run here: sources are read as text (``defines`` looks for ``def NAME(``).
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from verifier.errors import UsageError

SOURCE_SUFFIXES = (".py", ".ipynb")


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
        subs = [
            Submission(s.name, s.sources, f"{s.slug}-{i}") if slugs.count(s.slug) > 1 else s for i, s in enumerate(subs)
        ]
    return subs


def sources_in(folder: Path, patterns: Iterable[str] = ()) -> list[Path]:
    """The .py / .ipynb files under ``folder`` (recursively, no hidden folders), best match first."""
    found = [
        p
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and p.suffix in SOURCE_SUFFIXES
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
                for c in cells
                if isinstance(c, dict) and c.get("cell_type") == "code"
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
