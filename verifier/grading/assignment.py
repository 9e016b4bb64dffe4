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

from verifier.engine.config import DEFAULT_LABELS
from verifier.errors import UsageError
from verifier.spec.case import ENCODINGS
from verifier.spec.checks import CHECKS, checks_for
from verifier.spec.conventions import CONVENTIONS, judged_components
from verifier.spec.envelopes import STANDARDS
from verifier.spec.formats import FORMATS
from verifier.spec.forms import REDUCTIONS, penalty_named
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
    "support",
    "preamble",
    "labels",
    "require_agreement",
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
    "signature",
    "reduction",
    "penalty",
    "penalize_intercept",
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
    signature: str | None = None  # how the function is called (docs/signatures.md); None: the convention's
    reduction: str = "mean"
    penalty: str = "lam/(2m)"
    penalize_intercept: bool = False
    labels: tuple[str, ...] = DEFAULT_LABELS  # the assignment's label encodings

    def check_ids(self) -> list[str]:
        """The ids of the checks this task runs, in catalog order."""
        applicable = [c.id for c in checks_for(TARGETS[self.target], self.labels)]
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
    support: tuple[str, ...] = ()  # course files copied next to every submission (absolute paths)
    preamble: str = ""  # code run before every submission
    labels: tuple[str, ...] = DEFAULT_LABELS
    require_agreement: bool = True  # a task that fails every agreement check earns no points at all
    path: str = ""

    @property
    def max_score(self) -> float:
        return sum(t.points for t in self.tasks)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("path")
        data["support"] = [_support_digest(p) for p in self.support]  # contents, not where they live
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


def _check_penalty(value: Any, where: _Where) -> str:
    """A penalty factor, or a course's spelling of the whole penalty (as ``--penalty`` takes it), as its factor."""
    if not isinstance(value, str):
        raise where.error("penalty", f'{value!r} is not a penalty; write e.g. penalty = "lam/(2m)"')
    try:
        return penalty_named(value)
    except ValueError as exc:
        raise where.error("penalty", str(exc)) from None


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
    kw.update(_parse_submission_keys(head, where, Path(path).parent))
    labels = kw.get("labels", DEFAULT_LABELS)

    raw_tasks = data.get("task")
    if not raw_tasks:
        raise _Where(path, "[[task]]").error(None, "the assignment has no tasks; add at least one [[task]] table")
    if not isinstance(raw_tasks, list):
        raise _Where(path, "task").error(None, "write each task as a [[task]] table (double brackets)")
    tasks = []
    for i, raw in enumerate(raw_tasks, 1):
        tasks.append(_parse_task(raw, _Where(path, f"[[task]] #{i}"), labels))
    names = [t.name for t in tasks]
    for name in names:
        if names.count(name) > 1:
            raise _Where(path, "[[task]]").error("name", f"{name!r} is used by two tasks; give each task its own name")
    return Assignment(tasks=tuple(tasks), path=path, **kw)


def _parse_submission_keys(head: dict[str, Any], where: _Where, base: Path) -> dict[str, Any]:
    """support (paths relative to the assignment file), preamble, labels and require_agreement."""
    kw: dict[str, Any] = {}
    if "support" in head:
        support = head["support"]
        if not isinstance(support, list) or not all(isinstance(s, str) and s for s in support):
            raise where.error("support", f'{support!r} must be a list of paths, e.g. support = ["utils.py", "data/"]')
        paths = []
        for s in support:
            p = (base / s).resolve()
            if not p.exists():
                raise where.error("support", f"{s!r}: no such file or folder next to the assignment ({p})")
            paths.append(str(p))
        kw["support"] = tuple(paths)
    if "preamble" in head:
        preamble = head["preamble"]
        if not isinstance(preamble, str):
            raise where.error("preamble", 'must be a string of Python code, e.g. preamble = "import numpy as np"')
        try:
            compile(preamble, "<preamble>", "exec")
        except SyntaxError as exc:
            raise where.error("preamble", f"does not parse: {exc.msg} (line {exc.lineno})") from None
        kw["preamble"] = preamble
    if "labels" in head:
        labels = head["labels"]
        if not isinstance(labels, list) or not labels or any(e not in ENCODINGS for e in labels):
            raise where.error(
                "labels", f'{labels!r}: write a list of {", ".join(ENCODINGS)}, e.g. labels = ["float", "int"]'
            )
        kw["labels"] = tuple(dict.fromkeys(labels))
    if "require_agreement" in head:
        if not isinstance(head["require_agreement"], bool):
            raise where.error("require_agreement", "write true or false")
        kw["require_agreement"] = head["require_agreement"]
    return kw


def _support_digest(path: str) -> str:
    """A name and a hash of a support file's (or folder's) contents, for the assignment hash."""
    p = Path(path)
    h = hashlib.sha256()
    files = sorted(q for q in p.rglob("*") if q.is_file()) if p.is_dir() else [p]
    for q in files:
        h.update(str(q.relative_to(p.parent)).encode())
        try:
            h.update(q.read_bytes())
        except OSError:
            pass
    return f"{p.name}:{h.hexdigest()[:16]}"


def _parse_call(raw: dict[str, Any], kw: dict[str, Any], where: _Where) -> None:
    """signature, reduction, penalty and penalize_intercept of a task, checked against its target."""
    if "signature" in raw:
        kw["signature"] = _check_str(raw["signature"], "signature", where)
    if "reduction" in raw:
        kw["reduction"] = _check_choice(raw["reduction"], list(REDUCTIONS), "reduction", where)
    if "penalty" in raw:
        kw["penalty"] = _check_penalty(raw["penalty"], where)
    if "penalize_intercept" in raw:
        if not isinstance(raw["penalize_intercept"], bool):
            raise where.error("penalize_intercept", "write true or false")
        kw["penalize_intercept"] = raw["penalize_intercept"]
    tgt = TARGETS[kw["target"]]
    conv = CONVENTIONS[kw["convention"]]
    lam = kw.get("lam", 0.0)
    try:
        sig = (
            conv.with_signature(kw["signature"]).signature(tgt, lam) if "signature" in kw else conv.signature(tgt, lam)
        )
        judged_components(tgt, sig)
    except ValueError as exc:
        raise where.error("signature", str(exc)) from None
    if lam and not sig.takes_lambda:
        raise where.error("signature", f"{sig.text!r} has no lam but the task has lambda = {lam:g}; add lam")
    if any(k in kw for k in ("reduction", "penalty", "penalize_intercept")) and not tgt.regularizable:
        raise where.error("reduction", f"target {tgt.name!r} has no cost or gradient; remove reduction and penalty")


def _parse_task(raw: Any, where: _Where, labels: tuple[str, ...] = DEFAULT_LABELS) -> Task:
    if not isinstance(raw, dict):
        raise where.error(None, "must be a table")
    _unknown_keys(raw, _TASK_KEYS, where)
    if "target" not in raw:
        raise where.error("target", f'missing; write e.g. target = "cost" (one of: {", ".join(TARGETS)})')
    target = _check_choice(raw["target"], list(TARGETS), "target", where)
    kw: dict[str, Any] = {
        "target": target,
        "name": _check_str(raw.get("name", raw.get("function", target)), "name", where),
        "labels": labels,
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
        if kw["lam"] and not (tgt.regularizable and (conv.supports_lambda or "signature" in raw)):
            raise where.error(
                "lambda", f"target {target!r} under convention {convention!r} takes no lambda; remove the key"
            )
    if "points" in raw:
        kw["points"] = _check_number(raw["points"], "points", where)
    _parse_call(raw, kw, where)
    applicable = [c.id for c in checks_for(TARGETS[target], labels)]
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
