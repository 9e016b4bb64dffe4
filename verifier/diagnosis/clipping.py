"""Values pinned at a clip constant in the tails: which constant, from the values themselves.

The tail ladder's failing points are compared with clip models computed exactly apart from the clip:
the probability clipped to [eps, 1 - eps] (eps from the usual list: 1e-15, 1e-7, machine epsilon, ...,
or solved from a pinned value when it is none of them), the logs clamped at -100, or the logit
clipped to [-z0, z0] (z0 solved the same way).  A result pinned at a constant that none of these
reproduces is still named, with the constant.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import mpmath
import numpy as np
from scipy import optimize, special

import reference
from verifier.diagnosis import cases as diagnose_cases
from verifier.diagnosis.evidence import (
    Candidate,
    Seen,
    compare_model,
    component_right,
    correctness_checks,
    example_text,
)
from verifier.diagnosis.models import as_float
from verifier.diagnosis.models import exact as models_exact
from verifier.diagnosis.numeric import Finding, Point, _show, _zlist
from verifier.spec.case import Case
from verifier.spec.formats import Format
from verifier.spec.targets import Target

CLIP_PREC = 200  # bits for the clip models: log of a clipped probability near 1 needs more than float64
MATCH_REL = 1e-6  # a clip model explains a ladder point when it agrees to this relative error
CHANGE_REL = 1e-3  # a clip "changes" a value when the clipped and true values differ by this much
CLIP_EPS = (1e-15, 1e-7, 1e-12, 1e-10, 1e-8, 1e-6, 1e-5, 1e-16, 2.0**-52, 2.0**-23, 1e-9, 1e-14, 1e-3)
LOG_CLAMP = -100.0


@functools.lru_cache(maxsize=4096)
def _unclipped_logs(z, f):
    """(sigma, log sigma, log(1 - sigma)) exactly, for a logit z (mpf) or a probability f (float)."""
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
    X, labels = case.X, np.asarray(case.y, dtype=np.float64)
    m = X.shape[0]
    divisor = 1 if case.form.reduction == "sum" else m
    pen = _penalty(target, case)
    parts = [logs(z=zi) for zi in case.exact_logits]
    out: dict[str, np.ndarray] = {}
    if target.takes_log and target.has_cost:
        total = mpmath.fsum(loss(yi, lf, l1f) for yi, (lf, l1f, _) in zip(labels, parts))
        out["cost"] = np.array(float(total / divisor) + pen.get("cost", 0.0))
    if target.logistic and target.has_gradient and eps is not None:
        r = [sig - mpmath.mpf(float(yi)) for yi, (_, _, sig) in zip(labels, parts)]
        Xf = np.asarray(X, dtype=np.float64)
        out["dj_dw"] = np.array(
            [float(mpmath.fsum(Xf[i, j] * r[i] for i in range(m)) / divisor) for j in range(X.shape[1])]
        ) + pen.get("dj_dw", 0.0)
        out["dj_db"] = np.array(float(mpmath.fsum(r) / divisor)) + pen.get("dj_db", 0.0)
    return out or None


def _penalty(target: Target, case: Case) -> dict[str, np.ndarray]:
    """The exact penalty part of each output (the result at lambda minus the result at 0)."""
    if not case.lam:
        return {}
    full, zero = models_exact(target, case), models_exact(target, case.replace(lam=0.0))
    return {c: full[c] - zero[c] for c in full}


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


def _explaining(target: Target, tail: list[Point], eps: float | None) -> list[tuple[Point, dict]] | None:
    """The tail points a clip at ``eps`` changes substantially, with the clipped model's outputs, when
    there are two or more and the model reproduces every one; None otherwise (as soon as one point
    contradicts the model, the rest are not computed)."""
    active = []
    for p in tail:
        if not _clip_changes(target, p.case, eps):
            continue
        pred = _clipped(target, p.case, eps)
        if pred is None:
            return None
        if any(_substantially(pred[c], p.expected[c]) for c in pred):
            if _matches(p.actual or {}, pred, p.expected) != (True, True):
                return None
            active.append((p, pred))
    return active if len(active) >= 2 else None


def _label(p: Point) -> float | None:
    return None if p.case.y is None else float(np.asarray(p.case.y).reshape(-1)[0])


def _pinned_groups(target: Target, tail: list[Point]) -> list[tuple[str, list[Point], float]]:
    """(component, points, value) for failing tail points of one side and one label whose component
    stays at one value while the truth moves (three points or more)."""
    out = []
    bad = [p for p in tail if not p.passed and not p.nonfinite]
    for side in (1, -1):
        for label in sorted({_label(p) for p in bad}, key=lambda v: -1 if v is None else v):
            pts = [p for p in bad if p.z * side > 0 and _label(p) == label]
            for comp in target.components:
                vals = [float(np.asarray((p.actual or {})[comp]).reshape(-1)[0]) for p in pts]
                truths = [float(np.asarray(p.expected[comp]).reshape(-1)[0]) for p in pts]
                if len(vals) >= 2 and len(set(vals)) == 1 and len(set(truths)) > 1:
                    out.append((comp, pts, vals[0]))
    return out


def _solve_eps(target: Target, p: Point, comp: str, value: float) -> float | None:
    """The eps whose clip gives ``value`` for ``comp`` at point ``p`` (None when no eps does)."""

    def gap(log_eps: float) -> float:
        pred = _clipped(target, p.case, math.exp(log_eps))
        if pred is None:
            return math.nan
        return float(np.asarray(pred[comp]).reshape(-1)[0]) - value

    grid = np.linspace(math.log(1e-300), math.log(0.45), 80)
    vals = [gap(g) for g in grid]
    for a, b, fa, fb in zip(grid, grid[1:], vals, vals[1:]):
        if math.isfinite(fa) and math.isfinite(fb) and fa * fb < 0:
            root = math.exp(optimize.brentq(gap, a, b, xtol=1e-14, maxiter=200))
            short = float(f"{root:.3g}")
            return short if math.isclose(short, root, rel_tol=1e-4) else root
    return None


def _z_clip(target: Target, fmt: Format, pts: list[Point], comp: str, value: float) -> float | None:
    """z0 when every pinned point equals the exact result at +-z0 (the logit clipped to [-z0, z0])."""
    p = pts[0]
    side = 1 if p.z > 0 else -1
    label = _label(p)
    lam = float(p.case.lam) if p.case.is_problem else 0.0

    def at(z0: float) -> float:
        case = diagnose_cases.at_logit(target, fmt, side * z0, 0.0 if label is None else label, lam)
        return float(np.asarray(as_float(target.exact(case))[comp]).reshape(-1)[0])

    lo, hi = 1.0, min(abs(q.z) for q in pts)
    try:
        flo, fhi = at(lo) - value, at(hi) - value
        if not (math.isfinite(flo) and math.isfinite(fhi)) or flo * fhi > 0:
            return None
        z0 = optimize.brentq(lambda z: at(z) - value, lo, hi, xtol=1e-12, maxiter=200)
    except (ArithmeticError, ValueError, RuntimeError):
        return None
    short = float(f"{z0:.4g}")
    z0 = short if math.isclose(short, z0, rel_tol=1e-6) else z0
    if math.isclose(at(z0), value, rel_tol=MATCH_REL, abs_tol=1e-300):
        return z0
    return None


def clipping(target: Target, points: list[Point], fmt: Format) -> Finding | None:
    tail = [p for p in points if p.actual is not None and p.truth_finite and abs(p.z) > 2]
    for eps in CLIP_EPS + (None,):
        active = _explaining(target, tail, eps)
        if active is not None:
            return _clip_finding(active, eps)
    groups = _pinned_groups(target, tail)
    for comp, pts, value in groups:
        eps = _solve_eps(target, pts[0], comp, value)
        if eps is not None and eps not in CLIP_EPS:
            active = _explaining(target, tail, eps)
            if active is not None:
                return _clip_finding(active, eps, solved=True)
        z0 = _z_clip(target, fmt, pts, comp, value)
        if z0 is not None:
            detail = (
                f"{comp} stays at {value!r} for z = {_zlist(pts)}, which is the exact result at z = "
                f"{'-' if pts[0].z < 0 else ''}{z0:g}: the logit is clipped to [-{z0:g}, {z0:g}] (z0 solved from "
                f"the pinned value), so the result stops following z"
            )
            evidence = {"points": _show(pts), "clip": f"z to +-{z0:g}", "pinned": value}
            return Finding("clipping", detail, 0.85, pts, evidence, min(abs(p.z) for p in pts))
    for comp, pts, value in groups:
        if len(pts) >= 3:
            detail = (
                f"{comp} stays at {value!r} for z = {_zlist(pts)} while the true value changes: the result is "
                "pinned at a constant"
            )
            evidence = {"points": _show(pts), "pinned": value}
            return Finding("clipping", detail, 0.6, pts, evidence, min(abs(p.z) for p in pts))
    return None


def _clip_finding(active: list[tuple[Point, dict]], eps: float | None, solved: bool = False) -> Finding:
    pts = [p for p, _ in active]
    what = (
        f"the logs are clamped at {LOG_CLAMP:g}"
        if eps is None
        else f"the probability is clipped to [{eps:.3g}, 1 - {eps:.3g}]"
    )
    how = " (eps solved from a pinned value)" if solved else ""
    detail = (
        f"for z = {_zlist(pts)} the result equals what it would be if {what}{how}: it stays pinned while the "
        "true value keeps changing"
    )
    evidence = {"points": _show(pts), "clip": "log clamp -100" if eps is None else eps}
    return Finding("clipping", detail, 0.9, pts, evidence, min(abs(p.z) for p in pts))


# --------------------------------------------------------------------------- a guard constant on benign inputs
def _guarded_cost(case: Case, eps: float, kind: str) -> float:
    z = np.asarray(case.X, dtype=np.float64) @ np.asarray(case.w, dtype=np.float64) + float(case.b)
    f = special.expit(z)
    y = np.asarray(case.y, dtype=np.float64)
    with np.errstate(all="ignore"):
        if kind == "add":
            terms = y * np.log(f + eps) + (1 - y) * np.log(1 - f + eps)
        else:
            g = np.clip(f, eps, 1 - eps)
            terms = y * np.log(g) + (1 - y) * np.log(1 - g)
    total = -float(np.sum(terms))
    return total if case.form.reduction == "sum" else total / case.m


_GUARDS = {
    "add": "adds eps = {eps:.3g} inside the logs (log(f + eps))",
    "clip": "clips f to [{eps:.3g}, 1 - {eps:.3g}]",
}


def _guard_gap(case: Case, kind: str, actual: float, eps: float) -> float:
    return _guarded_cost(case, eps, kind) - actual


def guard_findings(cfg, looks: list[Seen], failing: dict, note: str) -> list[Candidate]:
    """A cost that equals the log-loss with a guard constant eps (added inside the logs, or a clip of
    the probability), eps solved from one probe and confirmed on every other."""
    target = cfg.target
    if not (target.takes_log and target.has_cost and not target.pointwise and not cfg.lam):
        return []
    if any(c != "cost" and not all(component_right(cfg, s, c) for s in looks) for c in target.components):
        return []
    first = looks[0]
    actual = float(np.asarray(first.obs.outputs["cost"]))  # type: ignore[index]
    for kind, words in _GUARDS.items():
        eps = _solve_guard(functools.partial(_guard_gap, first.case, kind, actual))
        if eps is None:
            continue
        preds = [{**s.exact, "cost": np.array(_guarded_cost(s.case, eps, kind))} for s in looks]
        if all(compare_model(cfg, s, p)[0] and compare_model(cfg, s, p)[1] for s, p in zip(looks, preds)):
            message = (
                f"The cost is the log-loss of a probability guarded by a constant{note}: it equals what the "
                f"exact cost would be if it {words.format(eps=eps)}, on all {len(looks)} test cases "
                f"({example_text(first, 'cost')}).  A guard against log(0) changes every value a little; "
                "compute the loss from the logit instead."
            )
            return [Candidate("clipping", 0.85, message, {"eps": eps, "guard": kind}, correctness_checks(failing))]
    return []


def _solve_guard(fn: Callable[[float], float]) -> float | None:
    grid = np.logspace(-16, math.log10(0.45), 60)
    vals = [fn(e) for e in grid]
    for (a, fa), (b, fb) in zip(zip(grid, vals), zip(grid[1:], vals[1:])):
        if math.isfinite(fa) and math.isfinite(fb) and fa * fb <= 0 and fa != fb:
            try:
                root = optimize.brentq(fn, a, b, xtol=1e-300, rtol=1e-13, maxiter=200)
            except (ValueError, RuntimeError):
                return None
            return float(f"{root:.4g}") if math.isclose(float(f"{root:.4g}"), root, rel_tol=1e-6) else float(root)
    return None
