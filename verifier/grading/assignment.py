"""Assignment files: what a class is graded on, read from TOML and validated where it enters.

An assignment names its tasks (function, target, convention, lambda, precision), the points of each
task and how they split over tiers or checks, the visibility of each check, the per-call time limit,
the profile and the seed.  The format is documented in docs/grading.md; two examples live in
examples/assignments/.  Every mistake in the file raises ``UsageError`` naming the file, the key and
what to write instead.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from verifier.errors import UsageError
from verifier.spec.checks import CHECKS, checks_for
from verifier.spec.conventions import CONVENTIONS
from verifier.spec.envelopes import STANDARDS
from verifier.spec.formats import FORMATS
from verifier.spec.profiles import PROFILES
from verifier.spec.results import TIERS
from verifier.spec.targets import TARGETS

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
DEFAULT_SPLIT = {"correctness": 0.6, "stability": 0.3, "contract": 0.1}

_TOP_KEYS = {"assignment", "task"}
_ASSIGNMENT_KEYS = {
    "name",
    "profile",
    "seed",
    "standard",
    "call_timeout",
    "submission_timeout",
    "visibility",
    "files",
}
_TASK_KEYS = {
    "name",
    "function",
    "target",
    "convention",
    "lambda",
    "precision",
    "points",
    "checks",
    "split",
    "visibility",
}


@dataclass(frozen=True)
class Task:
    """One graded function.  ``split`` maps tier names and check ids to points (see ``points_for``);
    ``visibility`` maps tier names, check ids or "default" to a Gradescope visibility."""

    name: str
    target: str
    convention: str = "mls"
    function: str | None = None
    lam: float = 0.0
    precision: str = "float64"
    points: float = 10.0
    checks: tuple[str, ...] = ()
    split: dict[str, float] = field(default_factory=dict)
    visibility: dict[str, str] = field(default_factory=dict)

    def check_ids(self) -> list[str]:
        """The ids of the checks this task runs, in catalog order."""
        applicable = [c.id for c in checks_for(TARGETS[self.target])]
        if self.checks:
            return [c for c in applicable if c in self.checks]
        return applicable

    def points_for(self) -> dict[str, float]:
        """Points per check id.  A check named in ``split`` gets its own points; the other checks of
        a tier named in ``split`` share that tier's points equally; anything else is worth 0."""
        ids = self.check_ids()
        split = self.split or {t: self.points * w for t, w in DEFAULT_SPLIT.items()}
        points = {cid: float(split[cid]) for cid in ids if cid in split}
        for tier in TIERS:
            if tier not in split:
                continue
            rest = [cid for cid in ids if CHECKS[cid].tier == tier and cid not in points]
            for cid in rest:
                points[cid] = float(split[tier]) / len(rest)
        if not self.split:  # the default split: renormalize over the tiers present
            total = sum(points.values())
            if total:
                points = {cid: p * self.points / total for cid, p in points.items()}
        return {cid: points.get(cid, 0.0) for cid in ids}

    def visibility_of(self, check_id: str, default: str) -> str:
        """The visibility of a check: its own entry, else its tier's, else the task's default."""
        v = self.visibility
        return v.get(check_id) or v.get(CHECKS[check_id].tier) or v.get("default") or default


@dataclass(frozen=True)
class Assignment:
    """A validated assignment.  ``path`` is where it was read from (not part of its hash)."""

    name: str
    tasks: tuple[Task, ...]
    profile: str = "default"
    seed: int = 0
    standard: str = "robust"
    call_timeout: float = 5.0
    submission_timeout: float = 600.0
    visibility: str = "visible"
    files: tuple[str, ...] = ()
    path: str = ""

    @property
    def max_score(self) -> float:
        return sum(t.points for t in self.tasks)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("path")
        return data

    def digest(self) -> str:
        """A hash of everything that decides a grade (not comments, not the file's location), of the
        checks each task runs and of the verifier's version: a grade is reused only when this matches."""
        from verifier.about import __version__

        checks = {t.name: t.points_for() for t in self.tasks}  # the catalog's checks, as they score now
        text = json.dumps({"assignment": self.to_json(), "checks": checks, "verifier": __version__}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- validation helpers
class _Where:
    """Where a value sits, for messages: file, table and key."""

    def __init__(self, path: str, table: str):
        self.path = path
        self.table = table

    def error(self, key: str | None, message: str) -> UsageError:
        at = f"{self.table}.{key}" if key else self.table
        return UsageError(f"{self.path}: {at}: {message}")


def _unknown_keys(data: dict, allowed: set[str], where: _Where) -> None:
    for key in data:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(sorted(allowed))}"
            raise where.error(key, f"unknown key; {hint}")


def _check_choice(value: Any, choices, key: str, where: _Where) -> str:
    if not isinstance(value, str) or value not in choices:
        close = difflib.get_close_matches(str(value), list(choices), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise where.error(key, f"{value!r} is not one of: {', '.join(choices)}{hint}")
    return value


def _check_number(value: Any, key: str, where: _Where, minimum: float = 0.0, strict: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise where.error(key, f"{value!r} is not a number; write e.g. {key} = 1.0")
    if value < minimum or (strict and value == minimum):
        op = ">" if strict else ">="
        raise where.error(key, f"{value!r} must be {op} {minimum:g}")
    return float(value)


def _check_str(value: Any, key: str, where: _Where) -> str:
    if not isinstance(value, str) or not value.strip():
        raise where.error(key, f'{value!r} is not a non-empty string; write e.g. {key} = "..."')
    return value


# --------------------------------------------------------------------------- loading
def load_assignment(path: str | Path) -> Assignment:
    """Read and validate an assignment TOML file; raises UsageError on any mistake in it."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"{p}: no such assignment file (pass --assignment FILE.toml)")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{p}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{p}: cannot read ({exc})") from None
    return parse_assignment(data, str(p))


def parse_assignment(data: dict[str, Any], path: str = "<assignment>") -> Assignment:
    """Validate the parsed TOML ``data`` (see ``load_assignment``)."""
    _unknown_keys(data, _TOP_KEYS, _Where(path, "(top level)"))
    head = data.get("assignment", {})
    where = _Where(path, "[assignment]")
    if not isinstance(head, dict):
        raise where.error(None, "must be a table: write [assignment] followed by its keys")
    _unknown_keys(head, _ASSIGNMENT_KEYS, where)
    kw: dict[str, Any] = {"name": _check_str(head.get("name", Path(path).stem), "name", where)}
    if "profile" in head:
        kw["profile"] = _check_choice(head["profile"], list(PROFILES), "profile", where)
    if "standard" in head:
        kw["standard"] = _check_choice(head["standard"], list(STANDARDS), "standard", where)
    if "seed" in head:
        seed = head["seed"]
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
            raise where.error("seed", f"{seed!r} is not a non-negative integer; write e.g. seed = 20240917")
        kw["seed"] = seed
    if "call_timeout" in head:
        kw["call_timeout"] = _check_number(head["call_timeout"], "call_timeout", where, 0.0, strict=True)
    if "submission_timeout" in head:
        kw["submission_timeout"] = _check_number(
            head["submission_timeout"], "submission_timeout", where, 0.0, strict=True
        )
    if "visibility" in head:
        kw["visibility"] = _check_choice(head["visibility"], VISIBILITIES, "visibility", where)
    if "files" in head:
        files = head["files"]
        if not isinstance(files, list) or not all(isinstance(f, str) and f for f in files):
            raise where.error("files", f'{files!r} must be a list of file name patterns, e.g. files = ["*.ipynb"]')
        kw["files"] = tuple(files)

    raw_tasks = data.get("task")
    if not raw_tasks:
        raise _Where(path, "[[task]]").error(None, "the assignment has no tasks; add at least one [[task]] table")
    if not isinstance(raw_tasks, list):
        raise _Where(path, "task").error(None, "write each task as a [[task]] table (double brackets)")
    tasks = []
    for i, raw in enumerate(raw_tasks, 1):
        tasks.append(_parse_task(raw, _Where(path, f"[[task]] #{i}")))
    names = [t.name for t in tasks]
    for name in names:
        if names.count(name) > 1:
            raise _Where(path, "[[task]]").error("name", f"{name!r} is used by two tasks; give each task its own name")
    return Assignment(tasks=tuple(tasks), path=path, **kw)


def _parse_task(raw: Any, where: _Where) -> Task:
    if not isinstance(raw, dict):
        raise where.error(None, "must be a table")
    _unknown_keys(raw, _TASK_KEYS, where)
    if "target" not in raw:
        raise where.error("target", f'missing; write e.g. target = "cost" (one of: {", ".join(TARGETS)})')
    target = _check_choice(raw["target"], list(TARGETS), "target", where)
    kw: dict[str, Any] = {
        "target": target,
        "name": _check_str(raw.get("name", raw.get("function", target)), "name", where),
    }
    if any(ch in kw["name"] for ch in ',\n\r"') or kw["name"] != kw["name"].strip():
        raise where.error("name", f"{kw['name']!r}: use a name without commas, quotes or newlines (it is a CSV column)")
    where = _Where(where.path, f"{where.table} ({kw['name']!r})")
    convention = _check_choice(raw.get("convention", "mls"), list(CONVENTIONS), "convention", where)
    kw["convention"] = convention
    if "function" in raw:
        fn = _check_str(raw["function"], "function", where)
        if not fn.isidentifier():
            raise where.error("function", f"{fn!r} is not a Python function name")
        kw["function"] = fn
    if "precision" in raw:
        kw["precision"] = _check_choice(raw["precision"], list(FORMATS), "precision", where)
    if "lambda" in raw:
        kw["lam"] = _check_number(raw["lambda"], "lambda", where)
        tgt, conv = TARGETS[target], CONVENTIONS[convention]
        if kw["lam"] and not (tgt.regularizable and conv.supports_lambda):
            raise where.error(
                "lambda", f"target {target!r} under convention {convention!r} takes no lambda; remove the key"
            )
    if "points" in raw:
        kw["points"] = _check_number(raw["points"], "points", where)
    applicable = [c.id for c in checks_for(TARGETS[target])]
    if "checks" in raw:
        checks = raw["checks"]
        if not isinstance(checks, list) or not checks:
            raise where.error("checks", 'must be a non-empty list of check ids, e.g. checks = ["correctness.benign"]')
        for cid in checks:
            _check_choice(cid, applicable, "checks", where)
        kw["checks"] = tuple(checks)
    task = Task(**kw)
    run_ids = task.check_ids()
    if "split" in raw:
        task = Task(**{**kw, "split": _parse_split(raw["split"], task, run_ids, where)})
    if "visibility" in raw:
        vis = raw["visibility"]
        if isinstance(vis, str):
            vis = {"default": vis}
        if not isinstance(vis, dict):
            raise where.error("visibility", 'write a visibility ("visible") or a table of tier / check id = visibility')
        for key, value in vis.items():
            if key != "default" and key not in TIERS and key not in run_ids:
                known = ", ".join(["default", *TIERS, *run_ids])
                raise where.error(f"visibility.{key}", f"not a tier or a check this task runs; use one of: {known}")
            _check_choice(value, VISIBILITIES, f"visibility.{key}", where)
        task = Task(**{**kw, "split": task.split, "visibility": dict(vis)})
    return task


def _parse_split(split: Any, task: Task, run_ids: list[str], where: _Where) -> dict[str, float]:
    if not isinstance(split, dict) or not split:
        raise where.error(
            "split", "must be a table of tier or check id = points, e.g. split = { correctness = 6, stability = 4 }"
        )
    out = {}
    for key, value in split.items():
        if key in TIERS:
            if not any(CHECKS[c].tier == key for c in run_ids):
                raise where.error(
                    f"split.{key}", f"no {key} check runs for this task; move these points to another tier or check"
                )
        elif key not in run_ids:
            known = ", ".join(list(TIERS) + run_ids)
            close = difflib.get_close_matches(key, list(TIERS) + run_ids, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise where.error(f"split.{key}", f"not a tier or a check this task runs; {hint}use one of: {known}")
        out[key] = _check_number(value, f"split.{key}", where)
    probe = Task(**{**asdict(task), "checks": task.checks, "split": out})
    total = sum(probe.points_for().values())
    if not math.isclose(total, task.points, rel_tol=1e-9, abs_tol=1e-9):
        raise where.error(
            "split", f"the split gives {total:g} points but the task is worth points = {task.points:g}; make them agree"
        )
    return out
