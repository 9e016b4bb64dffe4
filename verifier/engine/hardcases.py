"""The deterministic hard cases of each region: every bank holds them, whatever the seed.

Drawing finds a defect in a tail only by chance; these cases put the logits exactly where defects
live, so a defect in a region is found under every seed:

- ``saturated``: the floats at and next to the thresholds where sigma rounds to 1 and e^-|z| becomes
  negligible, the logits at which the usual clip constants (1e-16 ... 1e-3) start to bite and just
  beyond them, round numbers a cutoff would use (20, 25, 30, 50, 100), and the region's ends;
- ``overflow``: just past exp's overflow threshold, past the underflow of sigma to 0, far beyond;
- ``underflow``: sigma subnormal and zero (and their neighbours), subnormal and tiny logits;
- ``cancellation``: logits where 1 - sigma and tanh forms cancel, features that cancel in Xw;
- ``benign``, ``shapes``, ``labels``, ``boundary``: fixed problems of many shapes, every label
  encoding the run allows, a row exactly on the decision boundary.

The softmax family's hard cases are in ``verifier/engine/softmax_hardcases.py``.
Problem targets meet a tail logit as two identical examples whose logits are all exactly z (Xw = 0,
b = z), once per label; pointwise targets as one element per logit and label.
"""

from __future__ import annotations

import math

import numpy as np

import reference
from verifier.engine import softmax_hardcases
from verifier.spec.case import Case
from verifier.spec.formats import Format
from verifier.spec.targets import Target

# Probabilities libraries and students clip to; a clip at eps bites from |z| = -logit(eps) on.
CLIP_CONSTANTS = (1e-16, 2.0**-52, 1e-15, 1e-14, 1e-12, 1e-10, 1e-9, 1e-8, 2.0**-23, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3)
ROUND_CUTOFFS = (10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 100.0, 200.0, 500.0)
BEYOND = 1.02  # a clip or cutoff at t is seen at t * BEYOND
CANCELLING_FEATURE = {"float64": 1e8, "float32": 1e4}
OVERFLOW_FAR = {"float64": (800.0, 1000.0, 1e4, 1e5), "float32": (100.0, 120.0, 1e3, 1e4)}


def _neighbours(v: float, fmt: Format) -> list[float]:
    x = fmt.dtype.type(v)
    return [float(np.nextafter(x, fmt.dtype.type(-np.inf))), float(x), float(np.nextafter(x, fmt.dtype.type(np.inf)))]


def tail_logits(region: str, fmt: Format) -> list[float]:
    """The region's hard logits (both signs where the region has both), as floats of the format."""
    t = reference.thresholds(fmt.name)
    one, ovf, sub, zero = t.sigmoid_rounds_to_one, t.exp_overflow, t.sigmoid_subnormal, t.sigmoid_zero
    lo, hi = one / 2, ovf * 0.999
    if region == "saturated":
        mags = [lo, hi, *_neighbours(t.exp_neg_negligible, fmt), *_neighbours(one, fmt)]
        for eps in CLIP_CONSTANTS:
            at = -math.log(eps / (1 - eps))
            mags += [at, at * BEYOND]
        mags += [c * k for c in ROUND_CUTOFFS for k in (1.0, BEYOND)]
        mags = [m for m in mags if lo <= m <= hi]
        return _signed(mags, fmt)
    if region == "overflow":
        mags = [*_neighbours(ovf, fmt)[1:], *_neighbours(-zero, fmt), ovf * BEYOND, *OVERFLOW_FAR[fmt.name]]
        return _signed([m for m in mags if m >= ovf], fmt)
    if region == "underflow":
        neg = [*_neighbours(sub, fmt), *_neighbours(zero, fmt), sub * 0.995, zero * 1.02, (sub + zero) / 2]
        tiny = [fmt.eta, fmt.tiny, fmt.tiny * 4]
        return sorted({float(fmt.dtype.type(v)) for v in neg} | set(_signed(tiny, fmt)))
    if region == "cancellation":
        mags = [2.5, 4.0, 8.0, 12.0, 16.0, 20.0, 25.0, 30.0, 35.0, *_neighbours(one, fmt)]
        return sorted({-float(fmt.dtype.type(m)) for m in mags if 2.0 <= m <= one})
    return []


def _signed(mags: list[float], fmt: Format) -> list[float]:
    out = {float(fmt.dtype.type(s * m)) for m in mags for s in (1.0, -1.0)}
    return sorted(out, key=lambda v: (abs(v), v))


# --------------------------------------------------------------------------- pointwise targets
def _pointwise(target: Target, fmt: Format, z: float, label: float | None, encoding: str = "float") -> Case:
    inputs: dict = {}
    if "z" in target.inputs:
        inputs["z"] = np.array([z], dtype=fmt.dtype)
    if "f" in target.inputs:
        f = float(reference.round_to_format(reference.sigmoid(z), fmt.name))
        inputs["f"] = np.array([f], dtype=fmt.dtype)
    if "y" in target.inputs:
        inputs["y"] = np.array([0.0 if label is None else label])
        inputs["y_encoding"] = encoding
    return Case(**inputs)


def _pointwise_cases(target: Target, region: str, fmt: Format, encodings: tuple[str, ...]) -> list[Case]:
    labels: tuple[float | None, ...] = (0.0, 1.0) if "y" in target.inputs else (None,)
    if region in ("saturated", "overflow", "underflow", "cancellation"):
        zs = tail_logits(region, fmt)
        if region == "cancellation" and target.inputs == ("z", "y"):  # softplus(z) - y z cancels for y = 1, z > 0
            return [_pointwise(target, fmt, -z, 1.0) for z in zs]
        return [_pointwise(target, fmt, z, lab) for z in zs for lab in labels]
    benign = [-2.0, -1.5, -1.0, -0.5, -0.25, -(2.0**-30), 0.0, 2.0**-30, 0.25, 0.5, 1.0, 1.5, 2.0]
    if region == "benign":
        return [_pointwise(target, fmt, z, lab) for z in benign for lab in labels]
    if region == "labels":
        return [_pointwise(target, fmt, z, lab, enc) for enc in encodings for z in (-1.0, 0.5) for lab in labels]
    if region == "shapes":
        base = _pointwise(target, fmt, 0.5, 1.0)
        out = []
        for shape in ((1,), (3, 1), (1, 3), ()):
            n = int(np.prod(shape)) if shape else 1
            vals = {k: np.resize(np.asarray(base[k]), n).reshape(shape) for k in target.inputs}
            if "z" in vals:
                vals["z"] = (np.linspace(-1.5, 1.5, n) if n > 1 else np.array([0.75])).astype(fmt.dtype).reshape(shape)
            out.append(base.replace(**vals))
        return out
    return []


# --------------------------------------------------------------------------- problem targets
def at_logit(z: float, label: float, lam: float, fmt: Format) -> Case:
    """Two identical examples whose logits are exactly z (Xw = 0, b = z), both with ``label``."""
    X = np.array([[0.25, 0.5], [0.25, 0.5]], dtype=fmt.dtype)
    return Case(X=X, y=np.array([label, label]), w=np.array([0.5, -0.25], dtype=fmt.dtype), b=float(z), lam=float(lam))


def _problem(m: int, n: int, lam: float, fmt: Format, seed: int, encoding: str = "float") -> Case:
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(0.0, 1.0, size=(m, n)) * 64) / 64
    w = np.round(rng.uniform(-1.0, 1.0, n) * 64) / 64
    z = X @ w
    top = float(np.max(np.abs(z))) if m else 0.0
    if top > 1.5:  # keep every logit benign
        w = np.round(w * (1.5 / top) * 64) / 64
    y = (rng.random(m) < 0.5).astype(np.float64)
    if m > 1:
        y[0], y[1] = 0.0, 1.0
    return Case(X=X.astype(fmt.dtype), y=y, w=w.astype(fmt.dtype), b=0.375, lam=float(lam), y_encoding=encoding)


def _cancelling(lam: float, fmt: Format) -> Case:
    big = CANCELLING_FEATURE[fmt.name]
    X = np.array([[big, -big + 0.5, 0.25], [-3 * big, 3 * big - 0.25, -0.5], [7 * big, -7 * big, 1.0]])
    return Case(
        X=X.astype(fmt.dtype),
        y=np.array([1.0, 0.0, 1.0]),
        w=np.array([0.5, 0.5, -0.75], dtype=fmt.dtype),
        b=0.125,
        lam=float(lam),
    )


def _problem_cases(region: str, fmt: Format, lam: float, encodings: tuple[str, ...]) -> list[Case]:
    if region in ("saturated", "overflow", "underflow"):
        return [at_logit(z, lab, lam, fmt) for z in tail_logits(region, fmt) for lab in (0.0, 1.0)]
    if region == "cancellation":
        ladder = [at_logit(z, lab, lam, fmt) for z in tail_logits(region, fmt) for lab in (0.0, 1.0)]
        return [_cancelling(lam, fmt), *ladder]
    if region == "benign":
        benign_sizes = ((7, 2), (40, 3), (13, 4), (2, 1), (22, 5))
        return [_problem(m, n, lam, fmt, 100 + i) for i, (m, n) in enumerate(benign_sizes)]
    if region == "shapes":
        sizes = ((1, 1), (1, 6), (40, 1), (3, 10), (300, 8), (2, 2))
        return [_problem(m, n, lam, fmt, 200 + i) for i, (m, n) in enumerate(sizes)]
    if region == "labels":
        return [_problem(9, 3, lam, fmt, 300 + i, enc) for i, enc in enumerate(encodings)]
    if region == "boundary":
        case = _problem(8, 3, lam, fmt, 400)
        X = np.array(case.X, copy=True)
        X[3] = 0.0
        on_zero = case.replace(X=X, b=0.0)
        k = 5
        b = -float(fmt.dtype.type(np.dot(np.asarray(case.X, dtype=fmt.dtype)[k], np.asarray(case.w, dtype=fmt.dtype))))
        return [on_zero, case.replace(b=b)]
    return []


def hard_cases(target: Target, region: str, fmt: Format, lam: float, encodings: tuple[str, ...]) -> list[Case]:
    """The deterministic hard cases of ``region`` for ``target`` (canonical; the run adapts them)."""
    if target.multiclass:
        return softmax_hardcases.hard_cases(target, region, fmt, lam, encodings)
    if target.pointwise:
        return _pointwise_cases(target, region, fmt, encodings)
    return _problem_cases(region, fmt, lam, encodings)
