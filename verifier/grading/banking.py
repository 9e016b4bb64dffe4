"""The case bank of an assignment: every submission meets the same cases first.

``prepare(assignment, out)`` returns one bank per task (verifier/engine/bank.py), drawn from the
assignment's seed, so that every student is judged on the same cases (fair and reproducible), and the
oracle's answers are computed once per class instead of once per submission.  The banks are cached
under ``out/.bank`` in numpy's ``.npz`` format (no pickle), one file per task, named by a key of what
the bank depends on and the verifier's version: a changed assignment or verifier builds new ones.
Every process that grades calls ``prepare`` once and passes the banks to ``grade_submission``; it
also computes the fixed cases diagnosis looks at (verifier/diagnosis/fixed.py), which are not stored.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from verifier.about import __version__
from verifier.checking import bank_request
from verifier.diagnosis import fixed as fixed_cases
from verifier.engine.bank import Bank, CheckBank, Entry, bank_key, build, remember, sharing
from verifier.engine.samples import remember_cases
from verifier.grading.assignment import Assignment, Task
from verifier.spec.case import Case
from verifier.spec.forms import ProblemForm

BANK_DIR = ".bank"
_ARRAY_FIELDS = ("X", "y", "w", "z", "f", "W", "yidx")


def bank_options(task: Task, assignment: Assignment) -> dict[str, Any]:
    """The ``check`` arguments a task's bank depends on (``grade_task`` passes the same ones)."""
    return {
        "target": task.target,
        "convention": task.convention,
        "lam": task.lam,
        "precision": task.precision,
        "standard": assignment.standard,
        "profile": assignment.profile,
        "only": task.check_ids(),
        "signature": task.signature,
        "reduction": task.reduction,
        "penalty": task.penalty,
        "penalize_intercept": task.penalize_intercept,
        "labels": task.labels,
    }


def prepare(assignment: Assignment, out: Path | None) -> dict[str, Bank]:
    """The bank of every task of ``assignment`` (read from ``out/.bank`` when built before)."""
    folder = None if out is None else Path(out) / BANK_DIR
    banks = {}
    for task in assignment.tasks:
        cfg, checks = bank_request(seed=assignment.seed, **bank_options(task, assignment))
        key = bank_key(cfg, checks, assignment.seed)
        path = None if folder is None else folder / f"{task.name}-{key}-{__version__}.npz"
        bank = _read(path, key) if path is not None else None
        if bank is None:
            bank = build(cfg, checks, assignment.seed)
            if path is not None:
                _write(path, bank)
        remember(bank)
        remember_cases(cfg.target, [e.case for cb in bank.checks.values() for e in cb.entries])
        fixed_cases.prepare(cfg)  # what diagnosing a failing submission of this task looks at
        banks[task.name] = bank
    return banks


# --------------------------------------------------------------------------- the file format
def _case_meta(case: Case, prefix: str, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    meta: dict[str, Any] = {"y_encoding": case.y_encoding, "form": case.form.plain()}
    for name in _ARRAY_FIELDS:
        value = getattr(case, name)
        if value is not None:
            arrays[f"{prefix}{name}"] = np.asarray(value)
            meta.setdefault("arrays", []).append(name)
    for name in ("b", "lam", "smoothing"):
        value = getattr(case, name)
        if isinstance(value, np.ndarray):  # a softmax problem's bias vector
            arrays[f"{prefix}{name}"] = value
            meta.setdefault("arrays", []).append(name)
        elif value is not None:
            meta[name] = float(value).hex()
    return meta


def _entry_meta(entry: Entry, prefix: str, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    meta: dict[str, Any] = {"case": _case_meta(entry.case, prefix + "c.", arrays), "components": sorted(entry.expected)}
    for comp in entry.expected:
        arrays[f"{prefix}e.{comp}"] = np.asarray(entry.expected[comp], dtype=np.float64)
        arrays[f"{prefix}v.{comp}"] = np.asarray(entry.envelope[comp], dtype=np.float64)
        if entry.rounding is not None:
            arrays[f"{prefix}r.{comp}"] = np.asarray(entry.rounding[comp], dtype=np.float64)
    meta["related"] = [_entry_meta(r, f"{prefix}r{j}.", arrays) for j, r in enumerate(entry.related)]
    return meta


def _write(path: Path, bank: Bank) -> None:
    """Write ``bank`` atomically (a half-written file is never read)."""
    arrays: dict[str, np.ndarray] = {}
    checks = {
        cid: (
            {"shares": list(cb.shares)}
            if cb.shares
            else {"hard": cb.hard, "entries": [_entry_meta(e, f"{cid}|{i}|", arrays) for i, e in enumerate(cb.entries)]}
        )
        for cid, cb in bank.checks.items()
    }
    arrays["__meta__"] = np.array(json.dumps({"key": bank.key, "checks": checks}))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".bank-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _case(meta: Mapping[str, Any], prefix: str, data: Any) -> Case:
    kw: dict[str, Any] = {name: data[f"{prefix}{name}"] for name in meta.get("arrays", [])}
    for name in ("b", "lam", "smoothing"):
        if name in meta:
            kw[name] = float.fromhex(meta[name])
    return Case(**kw, y_encoding=meta["y_encoding"], form=ProblemForm(**meta["form"]))


def _entry(meta: Mapping[str, Any], prefix: str, data: Any) -> Entry:
    expected = {c: data[f"{prefix}e.{c}"] for c in meta["components"]}
    envelope = {c: data[f"{prefix}v.{c}"] for c in meta["components"]}
    related = tuple(_entry(r, f"{prefix}r{j}.", data) for j, r in enumerate(meta["related"]))
    rounding = {c: data[f"{prefix}r.{c}"] for c in meta["components"] if f"{prefix}r.{c}" in data}
    case = _case(meta["case"], prefix + "c.", data)
    return Entry(case, expected, envelope, related, rounding if len(rounding) == len(expected) else None)


def _read(path: Path, key: str) -> Bank | None:
    """The bank stored at ``path`` when it is there, readable and has ``key``; None otherwise."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["__meta__"]))
            if meta.get("key") != key:
                return None
            checks = {
                cid: CheckBank(
                    cid, tuple(_entry(e, f"{cid}|{i}|", data) for i, e in enumerate(cb["entries"])), int(cb["hard"])
                )
                for cid, cb in meta["checks"].items()
                if "shares" not in cb
            }
            for cid, cb in meta["checks"].items():
                if "shares" in cb:  # the same entry objects as the checks it shares them with
                    checks[cid] = sharing(cid, [checks[other] for other in cb["shares"]])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Bank(key, dict(sorted(checks.items(), key=lambda item: list(meta["checks"]).index(item[0]))))
