"""The grader's check that its own code and the oracle did not change while it graded.

A `CodeManifest` records, when grading starts, every installed file of the verifier, the oracle
(``reference``) and the libraries whose results the verdict rests on: their content hashes (the
verifier's and the oracle's own files, and mpmath's) and their size, inode and change time (all of
them).  `CodeManifest.verify` compares the files now with that record and raises `IntegrityError`,
naming the submission that ran last, when anything was added, removed or changed.  The change time
(ctime) moves on every write and cannot be set back by a program, so the cheap check also catches
a write that restores the modification time.

Compiled files in ``__pycache__`` are recorded only when they are up to date with their source:
Python rewrites a stale one, or writes a new one, when the grader imports that module, and that is not
a change.  An up-to-date compiled file that changes is (and so is any change of a source file).

Example::

    manifest = CodeManifest.snapshot()
    ...  # grade a submission
    manifest.verify(last="alice")  # raises IntegrityError if alice's code changed the verifier
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Iterable
from dataclasses import dataclass

from verifier.errors import IntegrityError

__all__ = ["CodeManifest", "IntegrityError", "default_roots"]

# Packages hashed in full (small, and the verdict is theirs) and packages checked by stat only.
HASHED = ("verifier", "reference", "mpmath")
STATTED = ("numpy", "hypothesis", "jinja2")


def _package_dir(name: str) -> str | None:
    if name in ("verifier", "reference"):  # the project's own: next to this file
        path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), name)
        return path if os.path.isdir(path) else None
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.abspath(list(spec.submodule_search_locations)[0])


def default_roots() -> list[tuple[str, bool]]:
    """(folder, hashed) for every package the manifest covers that is installed here."""
    roots = []
    for names, hashed in ((HASHED, True), (STATTED, False)):
        for name in names:
            path = _package_dir(name)
            if path is not None:
                roots.append((path, hashed))
    return roots


def _stamp(path: str, hashed: bool) -> tuple:
    st = os.stat(path, follow_symlinks=False)
    stamp: tuple = (st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_mode)
    if hashed and os.path.isfile(path) and not os.path.islink(path):
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        stamp += (h.hexdigest(),)
    return stamp


def _is_compiled(path: str) -> bool:
    return os.path.basename(os.path.dirname(path)) == "__pycache__" and path.endswith(".pyc")


def _fresh_compiled(path: str) -> bool:
    """Whether a ``__pycache__/NAME.TAG.pyc`` matches its source's mtime and size (so Python keeps it)."""
    source = os.path.join(os.path.dirname(os.path.dirname(path)), os.path.basename(path).split(".")[0] + ".py")
    try:
        with open(path, "rb") as f:
            header = f.read(16)
        st = os.stat(source)
    except OSError:
        return False
    if len(header) < 16 or int.from_bytes(header[4:8], "little") != 0:  # hash-based pycs: not ours to judge
        return False
    return (
        int.from_bytes(header[8:12], "little") == int(st.st_mtime) & 0xFFFFFFFF
        and int.from_bytes(header[12:16], "little") == st.st_size & 0xFFFFFFFF
    )


def _walk(root: str) -> Iterable[str]:
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            yield os.path.join(folder, name)


@dataclass(frozen=True)
class CodeManifest:
    """Stamps of the files under `roots`, taken at one moment."""

    roots: tuple[tuple[str, bool], ...]
    stamps: dict

    @classmethod
    def snapshot(cls, roots: Iterable[tuple[str, bool]] | None = None) -> CodeManifest:
        """Stamp every file under `roots` ((folder, hashed) pairs; `default_roots` by default)."""
        roots = tuple(default_roots() if roots is None else roots)
        stamps = {}
        for root, hashed in roots:
            for path in _walk(root):
                if _is_compiled(path) and not _fresh_compiled(path):
                    continue  # Python may rewrite it: a change then is not the submission's doing
                try:
                    stamps[path] = _stamp(path, hashed)
                except OSError:
                    continue
        return cls(roots, stamps)

    def changes(self) -> list[str]:
        """What differs from the snapshot now: ``"changed: PATH"``, ``"added: PATH"``, ``"removed: PATH"``."""
        out = []
        seen = set()
        for root, hashed in self.roots:
            for path in _walk(root):
                seen.add(path)
                before = self.stamps.get(path)
                if before is None:
                    if not _is_compiled(path):
                        out.append(f"added: {path}")
                    continue
                try:
                    now = _stamp(path, hashed)
                except OSError:
                    now = None
                if now != before:
                    out.append(f"changed: {path}")
        out.extend(f"removed: {p}" for p in self.stamps if p not in seen and not _is_compiled(p))
        return out

    def verify(self, last: str | None = None) -> None:
        """Raise IntegrityError when anything changed; `last` names the submission that ran last."""
        found = self.changes()
        if not found:
            return
        shown = "; ".join(found[:5]) + (f"; and {len(found) - 5} more" if len(found) > 5 else "")
        who = f" after grading {last!r}" if last else ""
        raise IntegrityError(
            f"the verifier's own installed files changed{who}: {shown}. Grading stopped: reinstall the "
            f"verifier and inspect that submission before grading again.",
            tuple(found),
            last,
        )
