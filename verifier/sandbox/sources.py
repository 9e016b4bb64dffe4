"""Finding the graded file of a submission by reading text, never running it, never following links.

``sources_in(folder)`` lists the .py / .ipynb files of a folder submission (no links, no hidden or
cache folders, nothing whose real path leaves the folder); ``source_for`` picks the one that defines
a function (``def NAME(`` in its text, or in a notebook's code cells).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

SOURCE_SUFFIXES = (".py", ".ipynb")
_SKIPPED_DIRS = ("__pycache__", ".ipynb_checkpoints", "__MACOSX")


def _inside(path: Path, root: Path) -> bool:
    real, base = os.path.realpath(path), os.path.realpath(root)
    return real == base or real.startswith(base + os.sep)


def sources_in(folder: Path, patterns: Iterable[str] = ()) -> list[Path]:
    """The .py / .ipynb files under ``folder`` (recursively; links, hidden and cache folders left out),
    best match of ``patterns`` first, then shallowest, then by name."""
    folder = Path(folder)
    found: list[Path] = []
    for base, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(
            d
            for d in dirs
            if not (d.startswith(".") or d in _SKIPPED_DIRS) and not os.path.islink(os.path.join(base, d))
        )
        for name in sorted(files):
            p = Path(base) / name
            if p.suffix in SOURCE_SUFFIXES and not name.startswith(".") and not p.is_symlink() and _inside(p, folder):
                found.append(p)
    pats = list(patterns)

    def rank(p: Path) -> tuple[int, int, str]:
        hits = [i for i, pat in enumerate(pats) if fnmatch.fnmatch(p.name, pat)]
        return (hits[0] if hits else len(pats), len(p.relative_to(folder).parts), str(p))

    return sorted(found, key=rank)


def source_text(path: Path) -> str:
    """The code of a .py file, or of a notebook's code cells ("" when unreadable or a link)."""
    if path.is_symlink():
        return ""
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
    return re.search(rf"^[ \t]*def[ \t]+{re.escape(function)}[ \t]*\(", source_text(path), re.M) is not None


def source_for(sources: Iterable[Path], names: list[str]) -> Path | None:
    """The first source that defines one of ``names`` (else the first source, else None)."""
    sources = list(sources)
    for p in sources:
        if any(defines(p, n) for n in names):
            return p
    return sources[0] if sources else None
