"""What a worker sees of a submission: a copy of the student's own regular files, and the course's
support files, in the worker's private directory.

- A single file is copied alone.  A folder submission (``root``) is copied whole, so helper modules
  (``from sigmoid import sigmoid``) and data files beside the graded file are found as the student
  had them.  Nothing else of the submissions folder is visible.
- A symbolic link, or a file whose real path lies outside ``root``, is never read: it is refused
  with a note (a link ``helper.py -> ../classmate.py`` would grade a classmate's code).  Caches,
  checkpoints and hidden folders are left out; caps bound the number and size of files.
- Support files (an assignment's ``support``: helper modules, data) are copied next to the graded
  file, read-only, and win over a student's file of the same name (with a note).
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Sequence
from dataclasses import dataclass

MAX_FILES = 2000  # files copied from one submission folder
MAX_FILE_BYTES = 16 << 20  # one file
MAX_TOTAL_BYTES = 64 << 20  # all files of one submission
SKIPPED_DIRS = ("__pycache__", ".ipynb_checkpoints", "__MACOSX", ".git")
SKIPPED_SUFFIXES = (".pyc", ".pyo")


class StagingError(Exception):
    """The graded file itself cannot be staged (a link, outside the folder, missing)."""


@dataclass(frozen=True)
class Staged:
    """The graded file's path in the work directory, and notes on what was not copied as it was."""

    main: str
    notes: tuple[str, ...] = ()


def _inside(path: str, root: str) -> bool:
    real, base = os.path.realpath(path), os.path.realpath(root)
    return real == base or real.startswith(base + os.sep)


def _copy_folder(root: str, dest: str, notes: list[str]) -> None:
    count, total = 0, 0
    for folder, dirs, files in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(folder, root)
        kept = []
        for d in sorted(dirs):
            full = os.path.join(folder, d)
            if os.path.islink(full):
                notes.append(f"{os.path.join(rel_dir, d)} is a link ({os.readlink(full)}): links are not followed")
            elif not (d.startswith(".") or d in SKIPPED_DIRS):
                kept.append(d)
        dirs[:] = kept
        for name in sorted(files):
            full = os.path.join(folder, name)
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if name.endswith(SKIPPED_SUFFIXES) or name.startswith("."):
                continue
            if os.path.islink(full):
                notes.append(f"{rel} is a link (to {os.readlink(full)}): links are not followed; it was not read")
                continue
            st = os.lstat(full)
            if not stat.S_ISREG(st.st_mode) or not _inside(full, root):
                notes.append(f"{rel} is not a regular file of the submission; it was not read")
                continue
            if count >= MAX_FILES or st.st_size > MAX_FILE_BYTES or total + st.st_size > MAX_TOTAL_BYTES:
                notes.append(f"{rel} was not copied: the submission is over its size or file-count cap")
                continue
            target = os.path.join(dest, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(full, target)
            count += 1
            total += st.st_size


def _copy_support(paths: Sequence[str], dest: str, notes: list[str]) -> None:
    for path in paths:
        name = os.path.basename(os.path.normpath(path))
        target = os.path.join(dest, name)
        if os.path.lexists(target):
            notes.append(f"{name} is part of the course's support files; the submission's own copy is not used")
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target)
            else:
                os.unlink(target)
        if os.path.isdir(path):
            shutil.copytree(path, target, symlinks=False, ignore=shutil.ignore_patterns(*SKIPPED_DIRS, "*.pyc"))
            _read_only(target)
        else:
            shutil.copyfile(path, target)
            os.chmod(target, 0o444)


def _read_only(folder: str) -> None:
    for base, _dirs, files in os.walk(folder):
        for f in files:
            os.chmod(os.path.join(base, f), 0o444)


def stage(source: str, workdir: str, root: str | None = None, support: Sequence[str] = ()) -> Staged:
    """Copy the submission into ``workdir`` (see the module docstring); returns where the graded file is."""
    notes: list[str] = []
    if root is None:
        main = os.path.join(workdir, os.path.basename(source))
        shutil.copyfile(source, main)
    else:
        if os.path.islink(source) or not _inside(source, root):
            raise StagingError(
                f"{os.path.relpath(source, root)} is a link or lies outside the submission folder; it is not read"
            )
        _copy_folder(root, workdir, notes)
        main = os.path.join(workdir, os.path.relpath(source, root))
        if not os.path.isfile(main):
            raise StagingError(f"{os.path.relpath(source, root)} could not be copied: {'; '.join(notes[-1:])}")
    _copy_support(support, os.path.dirname(main), notes)
    return Staged(main, tuple(notes))
