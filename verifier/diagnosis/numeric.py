"""Numeric causes of failure, located by region on the tail ladder (see diagnose_cases.ladder).

Each detector reads the ladder's points (the candidate's outputs at one logit z, the oracle's, and
the judge's verdict) and returns a Finding or None:

- ``log-of-zero``: non-finite results where the truth is finite, already where sigma rounds to 1
  (|z| beyond 36.7 in float64) but below the overflow of exp, for targets that take a log;
- ``overflow``: non-finite (or zero) results only beyond half the overflow threshold of exp;
- ``clipping`` (verifier/diagnosis/clipping.py): values pinned at a clip constant;
- ``cancellation``: finite results whose error grows with |z| before sigma saturates (1 - sigma,
  tanh forms), ending in 0 where the truth is tiny but not zero;
- ``reduced-precision``: on benign inputs, errors of float32 or float16 size (judged on the probes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import reference
from verifier.spec.case import Case
from verifier.spec.formats import Format
from verifier.spec.targets import Target

CLIP_PREC = 200  # bits for the clip models: log of a clipped probability near 1 needs more than float64
MATCH_REL = 1e-6  # a clip model explains a ladder point when it agrees to this relative error
CHANGE_REL = 1e-3  # a clip "changes" a value when the clipped and true values differ by this much
CANCEL_DROP = 4  # cancellation: the error may not shrink by more than this factor from one rung to the next
SATURATION_SLACK = 1.1  # cancellation is looked for up to a little beyond where sigma rounds to 1
CLIP_EPS = (1e-15, 1e-7, 1e-12, 1e-10, 1e-8, 1e-6, 1e-5, 1e-16, 2.0**-52, 2.0**-23, 1e-9, 1e-14, 1e-3)
LOG_CLAMP = -100.0


@dataclass
class Point:
    """The candidate on one ladder case: its outputs, the truth (floats) and the judge's verdict."""

    z: float
    case: Case
    actual: dict[str, np.ndarray] | None
    expected: dict[str, np.ndarray]
    passed: bool
    ulps: float
    truth_finite: bool
    error: str = ""

    @property
    def nonfinite(self) -> bool:
        if self.actual is None:
            return False
        return any(not np.all(np.isfinite(v)) for v in self.actual.values())


@dataclass
class Finding:
    """A numeric cause: catalog ``id``, what was seen (``detail``), confidence and evidence."""

    id: str
    detail: str
    confidence: float
    points: list[Point] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    zmin: float = 0.0  # the smallest |z| where the cause shows


def _show(points: list[Point], limit: int = 4) -> list[dict[str, Any]]:
    out = []
    for p in points[:limit]:
        row: dict[str, Any] = {"z": p.z}
        if p.case.y is not None:
            row["y"] = np.asarray(p.case.y).tolist()
        if p.case.f is not None:
            row["f"] = np.asarray(p.case.f).tolist()
        row["actual"] = {k: np.asarray(v).tolist() for k, v in (p.actual or {}).items()}
        row["expected"] = {k: np.asarray(v).tolist() for k, v in p.expected.items()}
        out.append(row)
    return out


def _zlist(points: list[Point]) -> str:
    zs = sorted({p.z for p in points}, key=abs)
    return ", ".join(f"{z:g}" for z in zs[:6]) + (", ..." if len(zs) > 6 else "")


def log_of_zero(target: Target, points: list[Point], fmt: Format) -> Finding | None:
    if not target.takes_log:
        return None
    t = reference.thresholds(fmt.name)
    bad = [p for p in points if not p.passed and p.truth_finite and p.nonfinite and abs(p.z) < t.exp_overflow / 2]
    if not bad:
        return None
    zmin = min(abs(p.z) for p in bad)
    detail = (
        f"the result is inf or NaN for z = {_zlist(bad)}, where sigma(z) rounds to exactly "
        f"{'1' if bad[0].z > 0 else '0'} (beyond |z| = {t.exp_neg_negligible:.4g}) and the true value is finite"
    )
    return Finding("log-of-zero", detail, 0.9, bad, {"points": _show(bad)}, zmin)


def overflow(target: Target, points: list[Point], fmt: Format) -> Finding | None:
    t = reference.thresholds(fmt.name)
    half = t.exp_overflow / 2
    bad = [p for p in points if not p.passed and p.truth_finite and p.nonfinite]
    if not bad or any(abs(p.z) < half for p in bad):
        return None
    zeros = [
        p
        for p in points
        if not p.passed
        and not p.nonfinite
        and p.actual is not None
        and abs(p.z) >= half
        and any(np.all(v == 0) for v in p.actual.values())
    ]
    shown = sorted(bad + zeros, key=lambda p: abs(p.z))
    zmin = min(abs(p.z) for p in shown)
    detail = (
        f"the result is inf or NaN for z = {_zlist(bad)}: exp overflows to inf beyond "
        f"|z| = {t.exp_overflow:.5g} ({fmt.name}), and finite below"
    )
    if zeros:
        detail += f"; it is also 0 for z = {_zlist(zeros)} where a square or product of exps overflows"
    return Finding("overflow", detail, 0.9, shown, {"points": _show(shown), "exp_overflow": t.exp_overflow}, zmin)


def _label(p: Point) -> float | None:
    return None if p.case.y is None else float(np.asarray(p.case.y).reshape(-1)[0])


def _cancelling(points: list[Point], side: int, limit: float) -> list[Point]:
    """The points of one side (and label) from the first failing one on, when they all fail, stay
    finite and their error does not shrink along the way (empty otherwise)."""
    ordered = sorted(
        (p for p in points if p.z * side > 0 and abs(p.z) <= limit and p.actual is not None), key=lambda p: abs(p.z)
    )
    first = next((i for i, p in enumerate(ordered) if not p.passed), None)
    if first is None:
        return []
    after = ordered[first:]
    stop = next((i for i, p in enumerate(after) if p.nonfinite), len(after))
    after = after[:stop]  # a run may end in inf or NaN (log(0) once the cancelled value is 0)
    if len(after) < 2 or any(p.passed for p in after):
        return []
    ulps = [p.ulps for p in after]
    if any(b < a / CANCEL_DROP for a, b in zip(ulps, ulps[1:]) if math.isfinite(a) and math.isfinite(b)):
        return []
    return after


def cancellation(target: Target, points: list[Point], fmt: Format) -> Finding | None:
    t = reference.thresholds(fmt.name)
    limit = SATURATION_SLACK * t.sigmoid_rounds_to_one
    bad = [p for p in points if not p.passed and p.actual is not None and not p.nonfinite and abs(p.z) <= limit]
    if len(bad) < 2:
        return None
    runs = []
    for side in (1, -1):
        for label in sorted({_label(p) for p in points}, key=lambda v: -1 if v is None else v):
            run = _cancelling([p for p in points if _label(p) == label], side, limit)
            if run:
                runs.append((side, label, run))
    if not runs:
        return None
    texts = []
    for side, label, after in runs:
        finite = [p for p in after if math.isfinite(p.ulps)]
        last = finite[-1] if finite else after[0]
        zmin = abs(after[0].z)
        texts.append(
            f"for z {'>' if side > 0 else '<'} {side * zmin:g}{'' if label is None else f' with y = {label:g}'} (error "
            f"{after[0].ulps:.3g} ulps at z = {after[0].z:g}"
            + (f", growing to {last.ulps:.3g} ulps at z = {last.z:g}" if last is not after[0] else "")
            + ")"
        )
    pts = [p for _, _, run in runs for p in run]
    detail = "the result loses accuracy " + "; and ".join(texts) + ", although it stays finite"
    if any(np.all(np.asarray(v) == 0) for p in pts for v in (p.actual or {}).values()):
        detail += "; it becomes exactly 0 where the true value is tiny but not zero"
    return Finding("cancellation", detail, 0.8, pts, {"points": _show(pts)}, min(abs(p.z) for p in pts))


def reduced_precision(
    observed: list[tuple[dict[str, np.ndarray], dict[str, np.ndarray]]], fmt: Format
) -> Finding | None:
    """On benign (actual, expected) pairs: errors the size of float32's or float16's rounding."""
    if not observed:
        return None
    worst = 0.0
    fits = {"float32": True, "float16": True}
    for actual, expected in observed:
        scale = max((float(np.max(np.abs(v))) for v in expected.values() if np.size(v)), default=0.0) or 1e-300
        for comp, a in actual.items():
            a = np.asarray(a, dtype=np.float64)
            e = np.asarray(expected[comp], dtype=np.float64)
            if not np.all(np.isfinite(a)):
                return None
            worst = max(worst, float(np.max(np.abs(a - e))) / scale)
            for name in fits:
                with np.errstate(over="ignore"):
                    fits[name] = fits[name] and bool(np.all(a.astype(name).astype(np.float64) == a))
    bits = -math.log2(worst) if worst > 0 else math.inf
    if not (4 <= bits <= fmt.bits - 10):
        return None
    if fmt.name == "float64" and (fits["float16"] or bits < 14):
        narrow = "float16"
    elif fmt.name == "float64":
        narrow = "float32"
    elif fits["float16"] or bits < 14:
        narrow = "float16"
    else:
        return None
    exact_fit = fits[narrow]
    detail = (
        f"on moderate inputs the result has only about {bits:.0f} correct bits (largest relative error "
        f"{worst:.2g}), the accuracy of {narrow}"
        + (f"; every value returned is a {narrow} number" if exact_fit else "")
    )
    return Finding(
        "reduced-precision",
        detail,
        0.9 if exact_fit else 0.7,
        [],
        {"relative_error": worst, "bits": bits, "format": narrow},
    )
