"""Unpacking submission archives (.zip) safely: every entry that could harm is refused with a note,
the rest is extracted.

Refused: absolute paths and paths that climb out of the destination (zip slip), links, device or
other special entries, and anything past the caps on the number of entries, the size of one file,
the total size, and the compression ratio of a large entry (zip bombs).  Sizes are counted while
extracting, not trusted from the archive's header.  macOS resource forks (``__MACOSX/``) are left out.
"""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_ENTRIES = 2000
MAX_FILE_BYTES = 16 << 20
MAX_TOTAL_BYTES = 128 << 20
MAX_RATIO = 100  # uncompressed / compressed, for entries over RATIO_MIN_BYTES
RATIO_MIN_BYTES = 1 << 20
_CHUNK = 1 << 16
_IGNORED = ("__MACOSX/", ".DS_Store")


@dataclass
class Unpacked:
    """What an archive gave: the files written (relative paths) and a note per refused entry."""

    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _safe_relative(name: str) -> PurePosixPath | None:
    """The entry's path relative to the destination, or None when it is absolute or climbs out."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts: list[str] = []
    for part in PurePosixPath(name).parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
            continue
        parts.append(part)
    return PurePosixPath(*parts) if parts else None


def _kind(info: zipfile.ZipInfo) -> str:
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):  # no type bits: a plain file
        return "special"
    return "dir" if info.is_dir() else "file"


def unpack(archive: str | os.PathLike[str], dest: str | os.PathLike[str]) -> Unpacked:
    """Extract ``archive`` into ``dest`` (created); a broken archive is one note, not an exception."""
    out = Unpacked()
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    label = Path(archive).name
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        out.notes.append(f"{label} is not a readable zip archive ({exc}); nothing in it was graded")
        return out
    total = 0
    with zf:
        for count, info in enumerate(zf.infolist()):
            name = info.filename
            if name.startswith(_IGNORED) or "/__MACOSX/" in name or name.endswith(".DS_Store"):
                continue
            if count >= MAX_ENTRIES:
                out.notes.append(f"{label}: more than {MAX_ENTRIES} entries; the rest were not extracted")
                break
            kind = _kind(info)
            rel = _safe_relative(name)
            if kind == "dir":
                continue
            if kind == "link":
                out.notes.append(f"{label}: {name} is a link; links are not extracted")
                continue
            if kind == "special" or rel is None:
                what = "is not a regular file" if kind == "special" else "would be written outside the archive's folder"
                out.notes.append(f"{label}: {name} {what}; it was refused")
                continue
            if info.file_size > MAX_FILE_BYTES or (
                info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1)
            ):
                out.notes.append(f"{label}: {name} is too large or too compressed to be a submission file; refused")
                continue
            written = _extract(zf, info, dest / rel, MAX_TOTAL_BYTES - total)
            if written is None:
                out.notes.append(f"{label}: {name} grows past the size caps when extracted; refused")
                (dest / rel).unlink(missing_ok=True)
                continue
            total += written
            out.files.append(str(rel))
    return out


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: int) -> int | None:
    """Copy one entry to ``target`` counting the bytes really written; None past the caps."""
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    limit = min(MAX_FILE_BYTES, budget)
    try:
        with zf.open(info) as src, open(target, "wb") as dst:
            while True:
                chunk = src.read(_CHUNK)
                if not chunk:
                    return written
                written += len(chunk)
                if written > limit:
                    return None
                dst.write(chunk)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError):
        return None
