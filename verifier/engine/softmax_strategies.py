"""Hypothesis strategies for the softmax family: rows of logits, probabilities, class labels and
multinomial problems (X, yidx, W, b), one strategy per input region.

The regions keep the catalog's names with the softmax family's meaning (``Target.check_titles``):
``benign`` |z| <= 4; ``shapes`` one example, K = 1, K = 2, many classes, many examples; ``labels``
the class-label encodings; ``boundary`` ties at moderate logits; ``saturated`` large gaps (one class
leads by more than the gap where e^-g drops below u, up to beyond where it underflows);
``overflow`` large logits (|z| past exp's overflow threshold, up to 1e15, where the unshifted exp
overflows); ``underflow`` every logit below exp's underflow threshold (the unshifted sum is 0), or a
gap that makes a probability subnormal; ``cancellation`` ties and near-ties of large logits (rows) or
large opposing features that cancel in X W (problems).  Thresholds come from the oracle.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from hypothesis import strategies as st

import reference
from verifier.spec.case import Case
from verifier.spec.formats import Format
from verifier.spec.target import Target

BENIGN = 4.0  # benign logits and scores: |z| <= 4
LARGE_MAX = {"float64": 1e15, "float32": 1e7}  # the overflow region's largest magnitude for rows
PROBLEM_LARGE_MAX = {"float64": 1e5, "float32": 1e4}  # and for the scores of a problem
CANCELLING_FEATURE = {"float64": 1e8, "float32": 1e4}
DRAWN = 24  # arrays up to this size are drawn element by element (and shrink that way)
_SEEDS = st.integers(0, 2**32 - 1)


def thresholds(fmt: Format) -> reference.SoftmaxThresholds:
    """The format's softmax thresholds (those of two classes: exp's, which do not depend on K)."""
    return reference.softmax_thresholds(fmt.name, 2)


@functools.cache
def _floats(lo: float, hi: float, fmt: Format) -> st.SearchStrategy[float]:
    """Floats of the format in [lo, hi] (bounds rounded inward)."""
    lo_f, hi_f = fmt.dtype.type(lo), fmt.dtype.type(hi)
    if float(lo_f) < lo:
        lo_f = np.nextafter(lo_f, fmt.dtype.type(np.inf))
    if float(hi_f) > hi:
        hi_f = np.nextafter(hi_f, fmt.dtype.type(-np.inf))
    if fmt.name == "float32":
        return st.floats(float(lo_f), float(hi_f), width=32, allow_nan=False, allow_infinity=False)
    return st.floats(float(lo_f), float(hi_f), allow_nan=False, allow_infinity=False)


@st.composite
def _values(draw, size: int, lo: float, hi: float, fmt: Format) -> np.ndarray:
    """``size`` floats of the format in [lo, hi] (from a seeded generator when many)."""
    if size <= DRAWN:
        return np.array(draw(st.lists(_floats(lo, hi, fmt), min_size=size, max_size=size)), dtype=np.float64)
    rng = np.random.default_rng(draw(_SEEDS))
    return np.clip(rng.uniform(lo, hi, size).astype(fmt.dtype).astype(np.float64), lo, hi)


def _signed(draw, mag: float) -> float:
    return mag if draw(st.booleans()) else -mag


@st.composite
def logit_rows(draw, region: str, m: int, K: int, fmt: Format, large_max: float | None = None) -> np.ndarray:
    """An (m, K) float64 array of logits of the format whose rows lie in ``region``."""
    t = thresholds(fmt)
    ovf, under, subn, one = t.exp_overflow, -t.exp_underflow, -t.exp_subnormal, t.sum_rounds_to_one
    big = large_max if large_max is not None else LARGE_MAX[fmt.name]
    if region in ("benign", "shapes", "labels"):
        rows = draw(_values(m * K, -BENIGN, BENIGN, fmt)).reshape(m, K)
    elif region == "boundary":  # ties at moderate logits
        rows = draw(_values(m * K, -BENIGN, BENIGN, fmt)).reshape(m, K)
        tie = draw(st.sampled_from(["all", "top"]))
        for i in range(m):
            if tie == "all":
                rows[i] = rows[i, 0]
            elif K > 1:  # another class than the leading one takes its value
                lead = int(np.argmax(rows[i]))
                other = draw(st.integers(0, K - 2))
                rows[i, other + (other >= lead)] = rows[i, lead]
    elif region == "saturated":  # one class leads by a large gap
        rows = np.empty((m, K))
        for i in range(m):
            top = draw(_floats(-BENIGN, BENIGN, fmt))
            gaps = draw(_values(K, one, under * 1.1, fmt))
            rows[i] = top - gaps
            rows[i, draw(st.integers(0, K - 1))] = top
    elif region == "overflow":  # large logits: the unshifted exp overflows
        rows = np.empty((m, K))
        for i in range(m):
            c = _signed(draw, draw(_floats(ovf, big, fmt)))
            if draw(st.booleans()):  # near one large value
                rows[i] = c + draw(_values(K, -30.0, 30.0, fmt))
            else:  # large values of both signs, some moderate
                mags = draw(_values(K, 0.0, big, fmt))
                signs = np.where(draw(_values(K, -1.0, 1.0, fmt)) < 0, -1.0, 1.0)
                rows[i] = mags * signs
            rows[i, draw(st.integers(0, K - 1))] = c
    elif region == "underflow":
        rows = np.empty((m, K))
        for i in range(m):
            if draw(st.booleans()):  # every logit below exp's underflow: the unshifted sum is 0
                c = -draw(_floats(under * 1.001, min(big, PROBLEM_LARGE_MAX[fmt.name]), fmt))
                rows[i] = c - draw(_values(K, 0.0, 40.0, fmt))
            else:  # a gap that leaves a probability subnormal or zero
                top = draw(_floats(-BENIGN, BENIGN, fmt))
                rows[i] = top - draw(_values(K, subn, under * 1.05, fmt))
                rows[i, draw(st.integers(0, K - 1))] = top
    elif region == "cancellation":  # ties and near-ties of large logits
        rows = np.empty((m, K))
        for i in range(m):
            # from just above 1e3, so that three ulps either way stay large
            c = fmt.dtype.type(_signed(draw, draw(_floats(1.001e3, big, fmt))))
            steps = draw(st.lists(st.integers(-3, 3), min_size=K, max_size=K))
            row = []
            for s in steps:
                v = c
                for _ in range(abs(s)):
                    v = np.nextafter(v, fmt.dtype.type(np.inf if s > 0 else -np.inf))
                row.append(float(v))
            rows[i] = row
    else:
        raise ValueError(f"region={region!r} is not a region of the softmax family")
    return rows.astype(fmt.dtype).astype(np.float64)


@st.composite
def class_labels(draw, z: np.ndarray) -> np.ndarray:
    """Class labels for rows ``z``: the leading class, the last, or any."""
    m, K = z.shape
    pattern = draw(st.sampled_from(["top", "bottom", "random"]))
    if pattern == "top":
        return np.argmax(z, axis=1).astype(np.int64)
    if pattern == "bottom":
        return np.argmin(z, axis=1).astype(np.int64)
    if m > DRAWN:
        return np.asarray(np.random.default_rng(draw(_SEEDS)).integers(0, K, m), dtype=np.int64)
    return np.array(draw(st.lists(st.integers(0, K - 1), min_size=m, max_size=m)), dtype=np.int64)


def rounded_softmax(z: np.ndarray, fmt: Format) -> np.ndarray:
    """The exact softmax of each row, correctly rounded to the format (probabilities a candidate gets)."""
    exact = reference.softmax(z)
    out = [float(reference.round_to_format(v, fmt.name)) for v in np.asarray(exact).reshape(-1)]
    return np.asarray(out, dtype=np.float64).reshape(z.shape)


@functools.cache
def _row_dims(region: str):
    if region == "shapes":
        return st.one_of(
            st.tuples(st.just(1), st.integers(1, 8)),
            st.tuples(st.integers(1, 40), st.just(1)),
            st.tuples(st.integers(1, 3), st.just(2)),
            st.tuples(st.integers(1, 4), st.integers(17, 64)),
            st.tuples(st.integers(20, 60), st.integers(2, 5)),
        )
    return st.tuples(st.integers(1, 6), st.integers(2, 8))


_ENCODINGS = ("float", "int")
# label smoothing weights: the common ones, none, all (the uniform target) and a tiny one
SMOOTHING_LADDER = (0.1, 0.0, 0.25, 1e-4, 1.0)
_SMOOTHING = st.one_of(st.sampled_from(SMOOTHING_LADDER), st.floats(0.0, 1.0))


def row_case(
    target: Target,
    fmt: Format,
    z: np.ndarray,
    yidx: np.ndarray | None,
    encoding: str = "float",
    smoothing: float = 0.1,
) -> Case:
    """The case of a row target for logits ``z`` (its rounded softmax where the target reads
    probabilities), class labels ``yidx`` and the label smoothing weight, each where the target reads it."""
    inputs: dict[str, Any] = {}
    if "z" in target.inputs:
        inputs["z"] = np.asarray(z).astype(fmt.dtype)
    if "f" in target.inputs:
        inputs["f"] = rounded_softmax(np.asarray(z, dtype=np.float64), fmt).astype(fmt.dtype)
    if "yidx" in target.inputs:
        inputs["yidx"] = np.asarray(yidx, dtype=np.int64)
        inputs["y_encoding"] = encoding
    if "smoothing" in target.inputs:
        inputs["smoothing"] = float(smoothing)
    return Case(**inputs)


@st.composite
def row_cases(draw, target: Target, region: str, fmt: Format, encodings: tuple[str, ...] = _ENCODINGS) -> Case:
    """A case of a row target: rows of logits (or their rounded softmax), class labels and a label
    smoothing weight."""
    m, K = draw(_row_dims(region))
    z = draw(logit_rows(region, m, K, fmt))
    labels = draw(class_labels(z)) if "yidx" in target.inputs else None
    encoding = "float"
    if labels is not None and region == "labels":
        encoding = draw(st.sampled_from([e for e in encodings if e != "bool"] or ["float"]))
    smoothing = draw(_SMOOTHING) if "smoothing" in target.inputs else 0.0
    return row_case(target, fmt, z, labels, encoding, smoothing)


@functools.cache
def _problem_dims(region: str):
    if region == "shapes":
        return st.one_of(
            st.tuples(st.just(1), st.integers(1, 4), st.integers(2, 5)),
            st.tuples(st.integers(1, 12), st.just(1), st.integers(2, 5)),
            st.tuples(st.integers(1, 12), st.integers(1, 4), st.just(1)),
            st.tuples(st.integers(1, 12), st.integers(1, 4), st.just(2)),
            st.tuples(st.integers(20, 80), st.integers(1, 5), st.integers(2, 4)),
            st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(10, 30)),
        )
    return st.tuples(st.integers(1, 8), st.integers(1, 4), st.integers(2, 5))


@st.composite
def problem_cases(draw, region: str, fmt: Format, lam: float = 0.0, encodings: tuple[str, ...] = _ENCODINGS) -> Case:
    """A multinomial problem (X, yidx, W, b, lam) whose scores X W + b lie in ``region``."""
    m, n, K = draw(_problem_dims(region))
    if region == "cancellation":
        n = max(n, 2)
    X = draw(_values(m * n, -2.0, 2.0, fmt)).reshape(m, n)
    W = draw(_values(n * K, -1.0, 1.0, fmt)).reshape(n, K)
    b = draw(_values(K, -1.0, 1.0, fmt))
    if region == "cancellation":
        big = CANCELLING_FEATURE[fmt.name]
        bigs = draw(_values(m, big / 10, big * 10, fmt)) * np.where(draw(_values(m, -1.0, 1.0, fmt)) < 0, -1.0, 1.0)
        X[:, 0] = bigs
        X[:, 1] = (-bigs + X[:, 1]).astype(fmt.dtype)
        W[1] = W[0]
    Z = X @ W + b
    if region in ("benign", "shapes", "labels", "boundary", "cancellation"):
        top = float(np.max(np.abs(Z)))
        if top > BENIGN:
            W *= BENIGN / top
            b *= BENIGN / top
    else:
        # each example's scores stay within 1/2 of their mean over the examples, so no gap between two
        # classes moves by more than 1 from the region's row of logits (the centre below)
        base = X @ W
        spread = float(np.max(np.abs(base - np.mean(base, axis=0)))) if m else 0.0
        if spread > 0.5:
            W *= 0.5 / spread
        center = draw(logit_rows(region, 1, K, fmt, PROBLEM_LARGE_MAX[fmt.name]))[0]
        b = center - np.mean(X @ W, axis=0)
    W = W.astype(fmt.dtype).astype(np.float64)
    b = b.astype(fmt.dtype).astype(np.float64)
    yidx = draw(class_labels(X @ W + b))
    encoding = (
        draw(st.sampled_from([e for e in encodings if e != "bool"] or ["float"])) if region == "labels" else "float"
    )
    return problem_case(X, yidx, W, b, lam, fmt, encoding)


def problem_case(X: Any, yidx: Any, W: Any, b: Any, lam: float, fmt: Format, encoding: str = "float") -> Case:
    """A multinomial problem's Case with X, W and b in the judged format."""
    return Case(
        X=np.asarray(X).astype(fmt.dtype),
        yidx=np.asarray(yidx),
        W=np.asarray(W).astype(fmt.dtype),
        b=np.asarray(b).astype(fmt.dtype),
        lam=float(lam),
        y_encoding=encoding,
    )


def cases(target: Target, region: str, fmt: Format, lam: float = 0.0, encodings: tuple[str, ...] = _ENCODINGS):
    """The strategy for a softmax-family target's canonical cases in ``region``."""
    if target.is_problem:
        return problem_cases(region, fmt, lam, encodings)
    return row_cases(target, region, fmt, encodings)
