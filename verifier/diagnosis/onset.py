"""Where the numbers break: exceptions and cutoffs on the tail ladder, their onset found by bisection
in z and explained by the format's thresholds (verifier/diagnosis/numeric.py reads the rest).

- an exception only in the tails is named by its cause: OverflowError is ``overflow`` (exp beyond
  709.78), a math domain error or a division by zero where sigma rounds to 0 or 1 is ``log-of-zero``;
  anything else stays ``raises``, with where it starts;
- ``cutoff``: the result is exactly its limit value (sigma = 0 or 1, a loss of 0) from some z on, where
  the correctly rounded truth is not that value yet, and right just before: the code chose a threshold.
  Bisection finds it; a threshold that is the format's own (sigma rounding to 1 at 36.7, exp
  overflowing at 709.78) is not a cutoff.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np

import reference
from verifier.diagnosis import cases as diagnose_cases
from verifier.diagnosis.evidence import adapt, observe
from verifier.diagnosis.models import as_float
from verifier.diagnosis.numeric import Finding, Point, _show, _zlist
from verifier.engine.judge import compare

BISECT_STEPS = 32  # halvings of the bracket: a bracket of rungs 100 apart ends 2.3e-8 wide, below 6 printed digits
MODERATE = 8.5  # ladder rungs up to this |z| must pass before a tail is read
NEAR_THRESHOLD = 0.03  # an onset within 3% of a format threshold is that threshold's doing


def thresholds_text(zabs: float, fmt_name: str) -> tuple[str, bool]:
    """Words for the format threshold nearest |z| = ``zabs``, and whether one is near."""
    t = reference.thresholds(fmt_name)
    named = (
        (t.exp_overflow, f"exp(|z|) overflows to inf beyond |z| = {t.exp_overflow:.6g} in {fmt_name}"),
        (t.exp_neg_negligible, f"sigma(z) rounds to exactly 1 beyond z = {t.exp_neg_negligible:.4g} in {fmt_name}"),
        (
            t.sigmoid_rounds_to_one,
            f"sigma(z) rounds to exactly 1 beyond z = {t.sigmoid_rounds_to_one:.4g} in {fmt_name}",
        ),
        (abs(t.sigmoid_subnormal), f"sigma(z) becomes subnormal below z = {t.sigmoid_subnormal:.5g} in {fmt_name}"),
        (abs(t.sigmoid_zero), f"exp(z) and sigma(z) round to 0 below z = {t.sigmoid_zero:.6g} in {fmt_name}"),
    )
    value, words = min(named, key=lambda nw: abs(nw[0] - zabs))
    return words, abs(value - zabs) <= NEAR_THRESHOLD * value


def _label(p: Point) -> float | None:
    y = p.case.y
    return None if y is None else float(np.asarray(y).reshape(-1)[0])


def _rung(cfg, z: float, label: float | None):
    case = adapt(cfg, diagnose_cases.at_logit(cfg.target, cfg.fmt, z, 0.0 if label is None else label, cfg.lam))
    return case


def bisect(starts: Callable[[float], bool | None], before: float, after: float) -> tuple[float, float] | None:
    """Narrow [before, after] (|z|, the behaviour absent at ``before`` and present at ``after``) to where
    it starts; None when a point in between is neither (``starts`` returned None)."""
    lo, hi = before, after
    for _ in range(BISECT_STEPS):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        state = starts(mid)
        if state is None:
            return None
        lo, hi = (lo, mid) if state else (mid, hi)
    return lo, hi


def _short(lo: float, hi: float) -> float:
    """The shortest decimal in [lo, hi] (a threshold the code chose is usually a round number)."""
    for digits in range(1, 17):
        v = float(f"{hi:.{digits}g}")
        if lo <= v <= hi:
            return v
    return hi


# --------------------------------------------------------------------------- exceptions in the tails
_CAUSES = (
    ("OverflowError", "overflow", "math.exp (or a power) raises OverflowError"),
    ("math domain error", "log-of-zero", "math.log raises a math domain error: it is given 0"),
    ("ZeroDivisionError", "log-of-zero", "a division by zero is raised: a denominator (f, 1 - f or exp(z)) is 0"),
)


def exceptions(cfg, probe, points: list[Point]) -> list[Finding]:
    """Findings for calls that raise only in the tails (moderate rungs pass)."""
    raised = [p for p in points if p.actual is None and p.error]
    if not raised or not all(p.passed for p in points if abs(p.z) <= MODERATE):
        return []
    out = []
    for needle, mid, what in _CAUSES + (("", "raises", "the call raises"),):
        pts = [p for p in raised if needle in p.error]
        raised = [p for p in raised if p not in pts]
        if not pts:
            continue
        first = min(pts, key=lambda p: abs(p.z))
        side = 1 if first.z > 0 else -1
        label = _label(first)
        kind = first.error.split(":")[0]
        before = [
            p
            for p in points
            if p.z * side > 0 and _label(p) == label and abs(p.z) < abs(first.z) and p.actual is not None
        ]
        onset = abs(first.z)
        if before:
            raises_at = functools.partial(_raises_like, cfg, probe, side, label, kind)
            bracket = bisect(raises_at, abs(before[-1].z), abs(first.z))
            if bracket is not None:
                onset = _short(*bracket)
        words, _ = thresholds_text(onset, cfg.fmt.name)
        detail = (
            f"{what} ({first.error.splitlines()[0][:120]}) for z = {_zlist(pts)}; it starts at z = {side * onset:.6g}, "
            f"found by bisection, and {words}"
        )
        out.append(
            Finding(
                mid, detail, 0.9, pts, {"points": _show(pts), "onset": side * onset, "error": first.error[:300]}, onset
            )
        )
    return out


def _raises_like(cfg, probe, side: int, label: float | None, kind: str, zabs: float) -> bool | None:
    obs = observe(probe, _rung(cfg, side * zabs, label))
    if obs.outputs is not None:
        return False
    return True if obs.error.startswith(kind) else None


# --------------------------------------------------------------------------- cutoffs
def _limit(cfg, side: int, label: float | None) -> dict[str, np.ndarray] | None:
    """The exact outputs far out on one side, rounded: the value a saturating result settles at."""
    try:
        far = as_float(cfg.target.exact(_rung(cfg, side * 1e4, label)))
    except (ArithmeticError, ValueError):
        return None
    return far if all(np.all(np.isfinite(v)) for v in far.values()) else None


def _saturated(actual: dict[str, np.ndarray], limit: dict[str, np.ndarray], expected: dict[str, np.ndarray]) -> bool:
    """Some component is exactly its limit value where the rounded truth is not yet, and every other
    component is its limit or right."""
    some = False
    for comp, a in actual.items():
        a = np.asarray(a, dtype=np.float64)
        lim = np.asarray(limit[comp], dtype=np.float64)
        e = np.asarray(expected[comp], dtype=np.float64)
        if a.shape != lim.shape:
            return False
        at_limit = a == lim
        if np.any(at_limit & (e != lim)):
            some = True
        elif not np.all(at_limit | (a == e)):
            return False
    return some


def cutoff(cfg, probe, points: list[Point]) -> list[Finding]:
    """A result set to its limit value beyond a threshold the code chose (right just before it)."""
    out = []
    labels = sorted({_label(p) for p in points}, key=lambda v: -1 if v is None else v)
    for side in (-1, 1):
        for label in labels:
            pts = sorted((p for p in points if p.z * side > 0 and _label(p) == label), key=lambda p: abs(p.z))
            limit = _limit(cfg, side, label)
            if limit is None:
                continue
            sat = [p for p in pts if not p.passed and p.actual is not None and _saturated(p.actual, limit, p.expected)]
            if not sat:
                continue
            before = [p for p in pts if abs(p.z) < abs(sat[0].z)]
            if not before or not before[-1].passed:
                continue
            cut_at = functools.partial(_cut_state, cfg, probe, side, label, limit)
            bracket = bisect(cut_at, abs(before[-1].z), abs(sat[0].z))
            if bracket is None:
                continue
            onset = _short(*bracket)
            words, near = thresholds_text(onset, cfg.fmt.name)
            if near:
                continue  # the format's own threshold: another detector explains it
            shown = sat[0].actual or {}
            comp = next(c for c in shown if np.any(np.asarray(shown[c]) == np.asarray(limit[c])))
            truth = float(np.asarray(sat[0].expected[comp]).reshape(-1)[0])
            value = float(np.asarray(limit[comp]).reshape(-1)[0])
            detail = (
                f"{comp} is exactly {value:g} for z {'<' if side < 0 else '>'} {side * onset:g} (the threshold, found "
                f"by bisection) and right just before it; at z = {sat[0].z:g} the true value is {truth:.6g}, which "
                f"{cfg.fmt.name} represents, and no threshold of {cfg.fmt.name} is near {onset:g}"
            )
            evidence = {"points": _show(sat), "threshold": side * onset, "value": value, "component": comp}
            out.append(Finding("cutoff", detail, 0.9, sat, evidence, onset))
    return out


def _cut_state(cfg, probe, side: int, label: float | None, limit, zabs: float) -> bool | None:
    case = _rung(cfg, side * zabs, label)
    obs = observe(probe, case)
    if obs.outputs is None:
        return None
    exact_raw = cfg.target.exact(case)
    expected = as_float(exact_raw)
    if _saturated(obs.outputs, limit, expected):
        return True
    if compare(cfg.target, case, obs.outputs, exact_raw, cfg.fmt, cfg.standard).passed:
        return False
    return None


def error_onset(cfg, probe, points: list[Point], finding: Finding) -> str:
    """ "; the error starts at z = 36.74 (found by bisection), where sigma(z) rounds to exactly 1 ..." for
    a tail finding: bisection between its first failing rung and the passing rung before it."""
    if not finding.points:
        return ""
    first = min(finding.points, key=lambda p: abs(p.z))
    side, label = (1 if first.z > 0 else -1), _label(first)
    before = [p for p in points if p.z * side > 0 and _label(p) == label and abs(p.z) < abs(first.z)]
    if not before or not before[-1].passed:
        return ""

    def fails(za: float) -> bool:
        case = _rung(cfg, side * za, label)
        obs = observe(probe, case)
        if obs.outputs is None:
            return True
        return not compare(cfg.target, case, obs.outputs, cfg.target.exact(case), cfg.fmt, cfg.standard).passed

    bracket = bisect(fails, abs(before[-1].z), abs(first.z))
    if bracket is None:
        return ""
    z = side * _short(*bracket)
    words, near = thresholds_text(abs(z), cfg.fmt.name)
    return f"; the error starts at z = {z:.6g} (found by bisection)" + (f", where {words}" if near else "")


def tail_findings(cfg, probe, points: list[Point]) -> list[Finding]:
    """Every numeric cause the ladder shows, most specific first: exceptions, cutoffs, log(0), overflow,
    clipping, cancellation; each but the first two with where its error starts (bisection)."""
    from verifier.diagnosis.clipping import clipping
    from verifier.diagnosis.numeric import cancellation, log_of_zero, overflow

    found = exceptions(cfg, probe, points) + cutoff(cfg, probe, points)
    cut_from = min((f.zmin for f in found if f.id == "cutoff"), default=math.inf)
    for detect in (log_of_zero, overflow, clipping, cancellation):
        f = detect(cfg.target, points, cfg.fmt)
        if f is None or (f.id in ("log-of-zero", "clipping", "cancellation") and f.zmin >= cut_from * 0.99):
            continue  # log(0) of a value the cutoff set to 0, or the cutoff's own pinned value or error
        f.detail += error_onset(cfg, probe, points, f)
        found.append(f)
    return found
