"""Hypothesis strategies for canonical cases, one per input region.

Regions (DESIGN.md): ``benign`` (|z| <= 2, moderate features), ``saturated`` (sigma rounds to 1 or is
tiny but exp does not overflow), ``overflow`` (exp(|z|) overflows the format), ``underflow`` (sigma
subnormal or zero, and subnormal z), ``cancellation`` (large opposing features; for pointwise
targets the z where the textbook forms cancel), ``shapes`` (m = 1, n = 1, m < n, m up to 300) and
``labels`` (int, bool and float32 label encodings).  The format's thresholds come from the oracle.
Hypothesis rarely reaches the tails by chance, so each strategy draws from its region on purpose and
mixes in the floats right next to each threshold.  The softmax family's regions are drawn by
``verifier/engine/softmax_strategies.py``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from hypothesis import strategies as st

import reference
from verifier.engine import softmax_strategies
from verifier.spec.case import Case
from verifier.spec.formats import Format
from verifier.spec.targets import Target

REGIONS = ("benign", "shapes", "labels", "boundary", "saturated", "overflow", "underflow", "cancellation")
BENIGN_Z = 2.0  # benign logits: |z| <= 2, where every textbook formula is accurate
# Overflow region: |z| from the overflow threshold of exp up to this bound (far past it, yet a float
# whose products with moderate features stay finite).
OVERFLOW_Z_MAX = {"float64": 1e5, "float32": 1e4}
# Cancellation region: features of this size, with opposite signs, cancel in Xw (1e8 float64
# features lose about 27 bits when two of them cancel; 1e4 in float32 loses 13 of 24).
CANCELLING_FEATURE = {"float64": 1e8, "float32": 1e4}
# Margins that keep region bounds strictly inside their region after rounding to the format.
INSIDE_BELOW = 0.999  # saturated region: below the overflow threshold
UNDERFLOW_LOW = 1.02  # underflow region: just above (in magnitude, beyond) the zero threshold
UNDERFLOW_HIGH = 0.995  # underflow region: just inside the subnormal threshold


@functools.cache
def _float(lo: float, hi: float, fmt: Format) -> st.SearchStrategy[float]:
    """Floats of the format in [lo, hi] (bounds rounded inward to the format)."""
    if fmt.name == "float32":
        lo32, hi32 = np.float32(lo), np.float32(hi)
        if float(lo32) < lo:
            lo32 = np.nextafter(lo32, np.float32(np.inf))
        if float(hi32) > hi:
            hi32 = np.nextafter(hi32, np.float32(-np.inf))
        return st.floats(float(lo32), float(hi32), width=32, allow_nan=False, allow_infinity=False)
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def _near(points: list[float], fmt: Format) -> st.SearchStrategy[float]:
    """The given points rounded to the format and their float neighbours."""
    out = set()
    for p in points:
        v = fmt.dtype.type(p)
        for x in (np.nextafter(v, fmt.dtype.type(-np.inf)), v, np.nextafter(v, fmt.dtype.type(np.inf))):
            out.add(float(x))
    return st.sampled_from(sorted(out))


def thresholds(fmt: Format):
    return reference.thresholds(fmt.name)


@functools.cache
def logits(region: str, fmt: Format) -> st.SearchStrategy[float]:
    """Single logits z in ``region``."""
    t = thresholds(fmt)
    one, ovf, sub, zero = t.sigmoid_rounds_to_one, t.exp_overflow, t.sigmoid_subnormal, t.sigmoid_zero
    if region in ("benign", "shapes", "labels", "boundary"):
        return _float(-BENIGN_Z, BENIGN_Z, fmt)
    if region == "saturated":
        mag = st.one_of(_float(one / 2, ovf * INSIDE_BELOW, fmt), _near([t.exp_neg_negligible, one], fmt))
        return st.builds(lambda v, s: v * s, mag, st.sampled_from([1.0, -1.0]))
    if region == "overflow":
        hi = OVERFLOW_Z_MAX[fmt.name]
        mag = st.one_of(_float(ovf, hi, fmt), _near([ovf, -zero, hi], fmt))
        return st.builds(lambda v, s: v * s, mag, st.sampled_from([1.0, -1.0]))
    if region == "underflow":
        return st.one_of(
            _float(zero * UNDERFLOW_LOW, sub * UNDERFLOW_HIGH, fmt),
            _near([sub, zero], fmt),
            st.builds(
                lambda v, s: v * s, _float(fmt.eta, fmt.tiny, fmt) | st.just(fmt.eta), st.sampled_from([1.0, -1.0])
            ),
        )
    if region == "cancellation":
        return _float(-one, -BENIGN_Z, fmt)
    raise ValueError(f"region={region!r} is not one of {REGIONS}")


def labels_for(z: list[float], pattern: str) -> list[float]:
    if pattern == "ones":
        return [1.0] * len(z)
    if pattern == "zeros":
        return [0.0] * len(z)
    if pattern == "agree":
        return [1.0 if v > 0 else 0.0 for v in z]
    if pattern == "disagree":
        return [0.0 if v > 0 else 1.0 for v in z]
    raise ValueError(pattern)


HYPOTHESIS_DRAWN = 24  # arrays up to this size are drawn element by element (and shrink that way)


_SEEDS = st.integers(0, 2**32 - 1)
_PATTERNS = st.sampled_from(["random", "ones", "zeros", "agree", "disagree"])
_PATTERNS_SOFT = st.sampled_from(["random", "ones", "zeros", "agree", "disagree", "soft"])
_BITS = st.sampled_from([0.0, 1.0])
_UNIT = st.floats(0.0, 1.0)


def _rng(draw) -> np.random.Generator:
    return np.random.default_rng(draw(_SEEDS))


@st.composite
def _labels(draw, z: list[float], soft: bool) -> list[float]:
    pattern = draw(_PATTERNS_SOFT if soft else _PATTERNS)
    size = len(z)
    if pattern == "random":
        if size > HYPOTHESIS_DRAWN:
            return _rng(draw).integers(0, 2, size).astype(float).tolist()
        return [float(v) for v in draw(st.lists(_BITS, min_size=size, max_size=size))]
    if pattern == "soft":
        if size > HYPOTHESIS_DRAWN:
            return _rng(draw).uniform(0.0, 1.0, size).tolist()
        return draw(st.lists(_UNIT, min_size=size, max_size=size))
    return labels_for(z, pattern)


@st.composite
def _uniform(draw, size: int, lo: float, hi: float, fmt: Format) -> np.ndarray:
    """``size`` floats of the format in [lo, hi]: drawn one by one when few, from a seeded
    generator when many (drawing thousands of floats through Hypothesis is slow)."""
    if size <= HYPOTHESIS_DRAWN:
        return np.array(draw(st.lists(_float(lo, hi, fmt), min_size=size, max_size=size)), dtype=np.float64)
    values = _rng(draw).uniform(lo, hi, size).astype(fmt.dtype).astype(np.float64)
    return np.clip(values, lo, hi)


# Boolean labels are judged by contract.labels: a correct formula such as -y * log(f) raises for
# them (numpy has no boolean negative), which is a contract finding, not a wrong answer.
_ENCODINGS = ("float", "int")


@st.composite
def pointwise_cases(
    draw, target: Target, region: str, fmt: Format, soft_labels: bool = False, encodings: tuple[str, ...] = _ENCODINGS
) -> Case:
    """A case for a pointwise target: 1-d arrays of 1 to 8 inputs from ``region``."""
    size = draw(st.integers(1, 8))
    zs = draw(st.lists(logits(region, fmt), min_size=size, max_size=size))
    if target.inputs == ("z", "y") and region == "cancellation":
        # softplus(z) - y z cancels for y = 1, z > 0 (and for y = 0, z < 0)
        zs = [abs(v) for v in zs]
        ys = [1.0] * size
    else:
        ys = None
    inputs: dict[str, Any] = {}
    if "z" in target.inputs:
        inputs["z"] = np.asarray(zs, dtype=fmt.dtype)
    if "f" in target.inputs:
        f = [float(fmt.dtype.type(reference.round_to_format(reference.sigmoid(v), fmt.name))) for v in zs]
        if region == "overflow":
            f = [draw(st.sampled_from([0.0, 1.0, p])) for p in f]
        inputs["f"] = np.asarray(f, dtype=fmt.dtype)
    if "y" in target.inputs:
        if ys is None:
            ys = draw(_labels(zs, soft_labels))
        inputs["y"] = np.asarray(ys, dtype=np.float64)
        if region == "labels":
            inputs["y_encoding"] = draw(st.sampled_from(encodings))
    if region == "shapes":
        shape = draw(st.sampled_from([(size,), (size, 1), (1, size)] + ([()] if size == 1 else [])))
        for k in target.inputs:
            inputs[k] = np.asarray(inputs[k]).reshape(shape)
    return Case(**inputs)


@functools.cache
def _dims(region: str):
    if region == "shapes":
        return st.one_of(
            st.tuples(st.just(1), st.integers(1, 6)),
            st.tuples(st.integers(1, 40), st.just(1)),
            st.tuples(st.integers(1, 3), st.integers(4, 10)),
            st.tuples(st.integers(33, 300), st.integers(1, 8)),
        )
    return st.tuples(st.integers(1, 24), st.integers(1, 5))


@st.composite
def problem_cases(
    draw, region: str, fmt: Format, lam: float = 0.0, soft_labels: bool = False, encodings: tuple[str, ...] = _ENCODINGS
) -> Case:
    """A logistic-regression problem (X, y, w, b, lam) whose logits lie in ``region``."""
    m, n = draw(_dims(region))
    if region == "cancellation":
        n = max(n, 2)
    X = draw(_uniform(m * n, -2.0, 2.0, fmt)).reshape(m, n)
    w = draw(_uniform(n, -1.0, 1.0, fmt))
    b = draw(_float(-1.0, 1.0, fmt))
    if region in ("benign", "shapes", "labels", "cancellation"):
        if region == "cancellation":
            big = CANCELLING_FEATURE[fmt.name]
            bigs = draw(_uniform(m, big / 10, big * 10, fmt))
            signs = np.where(draw(_uniform(m, -1.0, 1.0, fmt)) < 0, -1.0, 1.0)
            X[:, 0] = (bigs * signs).astype(fmt.dtype)
            X[:, 1] = (-(bigs * signs) + X[:, 1]).astype(fmt.dtype)
            v = draw(_float(0.25, 1.0, fmt))
            w[0] = w[1] = v
            rest = X[:, 2:] @ w[2:] if n > 2 else np.zeros(m)
            z = (X[:, 1] + X[:, 0]) * v + rest + b
        else:
            z = X @ w + b
        top = float(np.max(np.abs(z))) if m else 0.0
        if top > BENIGN_Z:
            scale = BENIGN_Z / top
            if region == "cancellation":
                w[2:] *= scale
                b *= scale
                w[0] = w[1] = v * scale
            else:
                w *= scale
                b *= scale
    else:
        center = draw(logits(region, fmt))
        base = X @ w
        b = center - float(np.mean(base)) if m else center
    w = w.astype(fmt.dtype).astype(np.float64)
    b = float(fmt.dtype.type(b))
    X = X.astype(fmt.dtype).astype(np.float64)
    zf = X @ w + b
    y = np.asarray(draw(_labels([float(v) for v in zf], soft_labels)), dtype=np.float64)
    encoding = draw(st.sampled_from(encodings)) if region == "labels" else "float"
    return Case(X=X.astype(fmt.dtype), y=y, w=w.astype(fmt.dtype), b=b, lam=float(lam), y_encoding=encoding)


@st.composite
def boundary_cases(
    draw, fmt: Format, lam: float = 0.0, soft_labels: bool = False, encodings: tuple[str, ...] = _ENCODINGS
) -> Case:
    """A benign problem with one example on the decision boundary: a row of zeros with b = 0 (z is
    exactly 0), or b = -fl(x_k . w) (z is the rounding error of x_k . w, tiny and of either sign)."""
    case = draw(problem_cases("benign", fmt, lam, soft_labels, encodings))
    X = np.array(case.X, copy=True)
    k = draw(st.integers(0, X.shape[0] - 1))
    if draw(st.booleans()):
        X[k] = 0.0
        b = 0.0
    else:
        b = -float(fmt.dtype.type(np.dot(X[k], np.asarray(case.w, dtype=fmt.dtype))))
    return case.replace(X=X, b=b)


def cases(
    target: Target,
    region: str,
    fmt: Format,
    lam: float = 0.0,
    soft_labels: bool = False,
    encodings: tuple[str, ...] = _ENCODINGS,
):
    """The strategy for ``target``'s canonical cases in ``region``; ``encodings`` are the label
    encodings the labels region draws from."""
    if region not in REGIONS:
        raise ValueError(f"region={region!r} is not one of {', '.join(REGIONS)}")
    if target.multiclass:
        return softmax_strategies.cases(target, region, fmt, lam, encodings)
    if target.pointwise:
        return pointwise_cases(target, region, fmt, soft_labels, encodings)
    if region == "boundary":
        return boundary_cases(fmt, lam, soft_labels, encodings)
    return problem_cases(region, fmt, lam, soft_labels, encodings)
