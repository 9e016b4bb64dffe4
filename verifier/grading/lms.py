"""Class exports of learning-management systems, mapped back to one folder per student.

An LMS renames what students upload, which breaks their imports (``from sigmoid import sigmoid``
cannot find ``smithjane_4021_8812_sigmoid.py``) and hides who submitted.  ``regroup`` recognises:

- Canvas (``submissions.zip``): ``lastfirst[_LATE]_<userid>_<submissionid>_<original name>``, a
  resubmitted file with ``-N`` before its extension (the highest N is kept);
- Moodle ("Download all submissions"): a folder ``Full Name_<id>_assignsubmission_file`` (a trailing
  ``_`` in older versions) per student, or flat files with that prefix; online-text folders are ignored;
- Blackboard ("Assignment File Download"): ``<assignment>_<user>_attempt_<YYYY-MM-DD-HH-MM-SS>[_<original
  name>]``, plus a ``.txt`` receipt per attempt; only each student's latest attempt is kept;
- Gradescope ("Export Submissions"): ``submission_<id>/`` folders named through ``submission_metadata.yml``.

Each student becomes a folder with the original file names (copies of regular files only), under a
staging folder the caller owns.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CANVAS = re.compile(r"^(?P<student>[a-z][a-z0-9]*)(?P<late>_LATE)?_(?P<uid>\d+)_(?P<sid>\d+)_(?P<orig>.+)$")
MOODLE_DIR = re.compile(r"^(?P<student>.+)_(?P<pid>\d+)_assign(?:submission|feedback)_(?P<plugin>[a-z]+)_?$")
MOODLE_FILE = re.compile(r"^(?P<student>.+)_(?P<pid>\d+)_assignsubmission_file_(?P<orig>.+)$")
BLACKBOARD = re.compile(
    r"^(?P<assignment>.+?)_(?P<student>[^_]+)_attempt_(?P<ts>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})"
    r"(?:_(?P<orig>.+)|\.txt)?$"
)
GRADESCOPE_DIR = re.compile(r"^submission_(?P<id>\d+)$")
_RESUBMITTED = re.compile(r"^(?P<stem>.+)-(?P<n>\d+)(?P<ext>\.[A-Za-z0-9]+)$")


@dataclass
class Regrouped:
    """The platform found ("" for none), one folder per student, and notes on entries left aside."""

    platform: str
    students: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _restore(orig: str, versions: dict[str, tuple[int, Path]], source: Path) -> None:
    m = _RESUBMITTED.match(orig)
    name, n = (m.group("stem") + m.group("ext"), int(m.group("n"))) if m else (orig, 0)
    if name not in versions or versions[name][0] <= n:
        versions[name] = (n, source)


def _place(files: dict[str, tuple[int, Path]], dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for name, (_, source) in files.items():
        if source.is_file() and not source.is_symlink():
            shutil.copyfile(source, dest / name)


def _canvas(entries: list[Path], staging: Path, out: Regrouped) -> None:
    per: dict[str, dict[str, tuple[int, Path]]] = {}
    for p in entries:
        m = CANVAS.match(p.name)
        if m:
            _restore(m.group("orig"), per.setdefault(m.group("student"), {}), p)
    for student, files in per.items():
        _place(files, staging / student)
        out.students[student] = staging / student


def _blackboard(entries: list[Path], staging: Path, out: Regrouped) -> None:
    latest: dict[str, str] = {}
    matches = [(p, m) for p in entries if (m := BLACKBOARD.match(p.name))]
    for _, m in matches:
        latest[m.group("student")] = max(latest.get(m.group("student"), ""), m.group("ts"))
    per: dict[str, dict[str, tuple[int, Path]]] = {}
    for p, m in matches:
        student = m.group("student")
        if m.group("ts") == latest[student] and m.group("orig"):
            per.setdefault(student, {})[m.group("orig")] = (0, p)
    for student, files in per.items():
        _place(files, staging / student)
        out.students[student] = staging / student


def _moodle(entries: list[Path], staging: Path, out: Regrouped) -> None:
    flat: dict[str, dict[str, tuple[int, Path]]] = {}
    for p in entries:
        if p.is_dir() and (m := MOODLE_DIR.match(p.name)):
            if m.group("plugin") == "file":
                out.students[m.group("student")] = p
        elif (m := MOODLE_FILE.match(p.name)) is not None:
            flat.setdefault(m.group("student"), {})[m.group("orig")] = (0, p)
    for student, files in flat.items():
        _place(files, staging / student)
        out.students[student] = staging / student


def gradescope_names(metadata: Path) -> dict[str, str]:
    """submission id -> the submitters' names (", "-joined) from Gradescope's submission_metadata.yml."""
    names: dict[str, list[str]] = {}
    current = None
    try:
        lines = metadata.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    for line in lines:
        if (m := re.match(r"^submission_(\d+):\s*$", line)) is not None:
            current = m.group(1)
            names[current] = []
        elif current is not None and (m := re.match(r"^\s*-?\s*:name:\s*(.+?)\s*$", line)) is not None:
            names[current].append(m.group(1).strip("'\""))
    return {k: ", ".join(v) for k, v in names.items() if v}


def _gradescope(entries: list[Path], staging: Path, out: Regrouped) -> None:
    root = entries[0].parent if entries else staging
    names = gradescope_names(root / "submission_metadata.yml")
    for p in entries:
        if p.is_dir() and (m := GRADESCOPE_DIR.match(p.name)):
            out.students[names.get(m.group("id"), p.name)] = p


def _matches(platform: str, p: Path) -> bool:
    if platform == "canvas":
        return p.is_file() and CANVAS.match(p.name) is not None
    if platform == "moodle":
        return (p.is_dir() and MOODLE_DIR.match(p.name) is not None) or MOODLE_FILE.match(p.name) is not None
    if platform == "blackboard":
        return p.is_file() and BLACKBOARD.match(p.name) is not None
    if platform == "gradescope":
        return (p.is_dir() and GRADESCOPE_DIR.match(p.name) is not None) or p.name == "submission_metadata.yml"
    return False


PLATFORMS: dict[str, Callable[[list[Path], Path, Regrouped], None]] = {
    "gradescope": _gradescope,
    "moodle": _moodle,
    "blackboard": _blackboard,
    "canvas": _canvas,
}


def detect(entries: list[Path]) -> str:
    """The platform whose naming every entry follows ("" when none does)."""
    for platform in PLATFORMS:
        if entries and all(_matches(platform, p) for p in entries):
            return platform
    return ""


def regroup(entries: list[Path], staging: Path) -> Regrouped:
    """One folder per student when ``entries`` are an LMS export (see the module docstring)."""
    platform = detect(entries)
    out = Regrouped(platform)
    if platform:
        PLATFORMS[platform](entries, staging / platform, out)
    return out
