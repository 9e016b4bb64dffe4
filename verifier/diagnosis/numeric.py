"""Numeric causes of failure, located by region on the tail ladder (see diagnose_cases.ladder).

Each detector reads the ladder's points (the candidate's outputs at one logit z, the oracle's, and
the judge's verdict) and returns a Finding or None:

- ``log-of-zero``: non-finite results where the truth is finite, already where sigma rounds to 1
  (|z| beyond 36.7 in float64) but below the overflow of exp, for targets that take a log;
- ``overflow``: non-finite (or zero) results only beyond half the overflow threshold of exp;
- ``clipping``: failing tail values equal to a clipped model (probability clipped at 1e-15, 1e-7,
  machine epsilon, ..., or logs clamped at -100), or pinned at one constant while the truth moves;
- ``cancellation``: finite results whose error grows with |z| before sigma saturates (1 - sigma,
  tanh forms), ending in 0 where the truth is tiny but not zero;
- ``reduced-precision``: on benign inputs, errors of float32 or float16 size (judged on the probes).
"""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=4096)
def _unclipped_logs(z, f):
    """(sigma, log sigma, log(1 - sigma)) exactly, for a logit z (mpf) or a probability f (float)."""
    import mpmath

    with mpmath.workprec(CLIP_PREC):
        if f is None:
            return reference.sigmoid(z), reference.log_sigmoid(z), reference.log_sigmoid(-z)
        sig = mpmath.mpf(f)
        lf = mpmath.log(sig) if sig > 0 else mpmath.ninf
        l1f = mpmath.log1p(-sig) if sig < 1 else mpmath.ninf
        return sig, lf, l1f


# What a clip changes in a pointwise target's output, by target name.
_CLIPPED_VALUE = {"sigmoid": "probability", "loss": "loss", "loss-from-logit": "loss"}


def _clip_changes(target: Target, case: Case, eps: float | None) -> bool:
    """Whether clipping at ``eps`` (or clamping the logs, eps None) changes anything in ``case``."""
    import mpmath

    if case.is_problem:
        parts = [_unclipped_logs(mpmath.mpf(z), None) for z in case.exact_logits]
    elif case.z is not None:
        parts = [_unclipped_logs(mpmath.mpf(float(z)), None) for z in np.asarray(case.z).reshape(-1)]
    else:
        parts = [_unclipped_logs(None, float(f)) for f in np.asarray(case.f).reshape(-1)]
    if eps is None:
        return any(lf < LOG_CLAMP or l1f < LOG_CLAMP for _, lf, l1f in parts)
    return any(sig < eps or sig > 1 - eps for sig, _, _ in parts)


def _clipped(target: Target, case: Case, eps: float | None) -> dict[str, np.ndarray] | None:
    """What a candidate that clips the probability to [eps, 1 - eps] (or, eps None, clamps the logs at
    -100) returns, computed exactly apart from the clip (so only the clip's own effect shows)."""
    import mpmath

    def logs(z=None, f=None):
        """(log f, log(1 - f)) after the clip, for a logit z or a probability f."""
        sig, lf, l1f = _unclipped_logs(None if z is None else mpmath.mpf(z), None if f is None else float(f))
        with mpmath.workprec(CLIP_PREC):
            if eps is None:
                return max(lf, LOG_CLAMP), max(l1f, LOG_CLAMP), sig
            if sig < eps or sig > 1 - eps:
                c = mpmath.mpf(eps) if sig < eps else mpmath.mpf(1.0 - eps)  # 1 - eps as the float it rounds to
                return mpmath.log(c), mpmath.log1p(-c), c
            return lf, l1f, sig

    def loss(y, lf, l1f):
        y = float(y)
        return -(y * lf if y else 0) - ((1 - y) * l1f if y != 1 else 0)

    if target.pointwise:
        key = "z" if case.z is not None else "f"
        xs = np.asarray(case[key], dtype=np.float64).reshape(-1)
        ys = np.asarray(case.y if case.y is not None else np.zeros_like(xs), dtype=np.float64).reshape(-1)
        vals = []
        for x, y in zip(xs, ys):
            lf, l1f, sig = logs(z=x) if key == "z" else logs(f=x)
            clipped = _CLIPPED_VALUE.get(target.name)
            if clipped == "probability" and eps is not None:
                vals.append(float(sig))
            elif clipped == "loss":
                vals.append(float(loss(y, lf, l1f)))
            else:
                return None
        return {"value": np.array(vals).reshape(np.shape(case[key]))}
    X, labels, w = case.X, np.asarray(case.y, dtype=np.float64), np.asarray(case.w, dtype=np.float64)
    m = X.shape[0]
    lam = case.lam
    zs = case.exact_logits
    parts = [logs(z=zi) for zi in zs]
    out: dict[str, np.ndarray] = {}
    if target.takes_log and target.has_cost:
        total = mpmath.fsum(loss(yi, lf, l1f) for yi, (lf, l1f, _) in zip(labels, parts))
        out["cost"] = np.array(
            float(total / m + mpmath.mpf(lam) / (2 * m) * mpmath.fsum(mpmath.mpf(float(v)) ** 2 for v in w))
        )
    if target.logistic and target.has_gradient and eps is not None:
        r = [sig - mpmath.mpf(float(yi)) for yi, (_, _, sig) in zip(labels, parts)]
        Xf = np.asarray(X, dtype=np.float64)
        out["dj_dw"] = np.array(
            [float(mpmath.fsum(Xf[i, j] * r[i] for i in range(m)) / m + lam * w[j] / m) for j in range(X.shape[1])]
        )
        out["dj_db"] = np.array(float(mpmath.fsum(r) / m))
    return out or None


def _matches(
    actual: dict[str, np.ndarray], predicted: dict[str, np.ndarray], expected: dict[str, np.ndarray]
) -> tuple[bool, bool]:
    """(every component equals the prediction or the truth, some component equals the prediction only)."""
    some = False
    for comp, a in actual.items():
        a = np.asarray(a, dtype=np.float64)
        e = np.asarray(expected[comp], dtype=np.float64)
        p = np.asarray(predicted.get(comp, e), dtype=np.float64)
        with np.errstate(all="ignore"):
            near_p = np.abs(a - p) <= np.abs(p) * MATCH_REL + 1e-300
            near_e = np.abs(a - e) <= np.abs(e) * MATCH_REL + 1e-300
        if not np.all(near_p | near_e):
            return False, False
        some = some or bool(np.any(near_p & ~near_e))
    return True, some


def _substantially(a, b) -> bool:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    with np.errstate(all="ignore"):
        return bool(np.any(~(np.abs(a - b) <= CHANGE_REL * np.maximum(np.abs(a), np.abs(b)))))


def clipping(target: Target, points: list[Point], fmt: Format) -> Finding | None:
    tail = [p for p in points if p.actual is not None and p.truth_finite and abs(p.z) > 2]
    for eps in CLIP_EPS + (None,):
        active = []
        for p in tail:
            if not _clip_changes(target, p.case, eps):
                continue
            pred = _clipped(target, p.case, eps)
            if pred is None:
                break
            if any(_substantially(pred[c], p.expected[c]) for c in pred):
                active.append((p, pred))
        if len(active) < 2 or not all(_matches(p.actual or {}, pred, p.expected) == (True, True) for p, pred in active):
            continue
        pts = [p for p, _ in active]
        what = (
            f"the logs are clamped at {LOG_CLAMP:g}"
            if eps is None
            else f"the probability is clipped to [{eps:.3g}, 1 - {eps:.3g}]"
        )
        detail = (
            f"for z = {_zlist(pts)} the result equals what it would be if {what}: "
            f"it stays pinned while the true value keeps changing"
        )
        return Finding(
            "clipping",
            detail,
            0.9,
            pts,
            {"points": _show(pts), "clip": "log clamp -100" if eps is None else eps},
            min(abs(p.z) for p in pts),
        )
    # a constant the catalog does not know: the same value at three or more tail points on one side
    bad = [p for p in tail if not p.passed and not p.nonfinite]
    for side in (1, -1):
        pts = [p for p in bad if p.z * side > 0]
        for comp in target.components:
            vals = [float(np.asarray((p.actual or {})[comp]).reshape(-1)[0]) for p in pts]
            truths = [float(np.asarray(p.expected[comp]).reshape(-1)[0]) for p in pts]
            if len(vals) >= 3 and len(set(vals)) == 1 and len(set(truths)) > 1:
                detail = (
                    f"{comp} stays at {vals[0]!r} for z = {_zlist(pts)} while the true value changes: "
                    f"the result is pinned at a constant"
                )
                return Finding(
                    "clipping", detail, 0.6, pts, {"points": _show(pts), "pinned": vals[0]}, min(abs(p.z) for p in pts)
                )
    return None


def cancellation(target: Target, points: list[Point], fmt: Format) -> Finding | None:
    t = reference.thresholds(fmt.name)
    limit = SATURATION_SLACK * t.sigmoid_rounds_to_one
    bad = [p for p in points if not p.passed and p.actual is not None and not p.nonfinite and abs(p.z) <= limit]
    if len(bad) < 2:
        return None
    sides = {1 if p.z > 0 else -1 for p in bad}
    if len(sides) != 1:
        return None
    side = sides.pop()
    ordered = sorted(
        (p for p in points if p.z * side > 0 and abs(p.z) <= limit and p.actual is not None), key=lambda p: abs(p.z)
    )
    first = next(i for i, p in enumerate(ordered) if not p.passed)
    after = ordered[first:]
    if any(p.passed for p in after):
        return None
    ulps = [p.ulps for p in after]
    if any(b < a / CANCEL_DROP for a, b in zip(ulps, ulps[1:]) if math.isfinite(a) and math.isfinite(b)):
        return None
    zmin = abs(after[0].z)
    finite = [p for p in after if math.isfinite(p.ulps)]
    last = finite[-1] if finite else after[0]
    detail = (
        f"the result loses accuracy for z {'>' if side > 0 else '<'} {side * zmin:g} (error {after[0].ulps:.3g} ulps "
        f"at z = {after[0].z:g}"
        + (f", growing to {last.ulps:.3g} ulps at z = {last.z:g}" if last is not after[0] else "")
        + ") although it stays finite"
    )
    if any(np.all(np.asarray(v) == 0) for p in after for v in (p.actual or {}).values()):
        detail += "; it becomes exactly 0 where the true value is tiny but not zero"
    return Finding("cancellation", detail, 0.8, after, {"points": _show(after)}, zmin)


DETECTORS = (log_of_zero, overflow, clipping, cancellation)


def tail_findings(target: Target, points: list[Point], fmt: Format) -> list[Finding]:
    """Every numeric cause the ladder shows, in detector order (most specific first)."""
    out = []
    for detect in DETECTORS:
        f = detect(target, points, fmt)
        if f is not None:
            out.append(f)
    return out


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
