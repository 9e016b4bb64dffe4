"""The deterministic hard cases of the softmax family, and its fixed moderate probe cases.

Every bank holds them whatever the seed, so a defect in a region is found under every seed:

- ``saturated``: a leading class by gaps at and just past where the shifted sum rounds to 1, of 50,
  100 and 700, where a probability turns subnormal, underflows to 0, and beyond;
- ``overflow``: logits of +-1000 (and a float32's 100), both signs in one row, 50 classes around 700,
  +-1e12 (where a shift taken from a float32 copy misses the max by thousands) and near the top of
  the format's range;
- ``underflow``: rows whose every logit is below exp's underflow threshold, a gap of 740 (a subnormal
  probability) and 800 (an underflowing one);
- ``cancellation``: ties and neighbours of large logits (rows), cancelling features (problems);
- ``benign``, ``shapes``, ``labels``, ``boundary``: fixed rows and problems of many shapes, K = 1, 2
  and 64, ties, and every label encoding the run allows.

Row targets meet each hard row twice, labelled with its leading class and with its last class (the
label-smoothed loss with the weights of ``SMOOTHING_LADDER`` in turn, 0 among them); problem targets
meet it as the scores of two identical examples (X W = 0, b = the row).
"""

from __future__ import annotations

import numpy as np

from verifier.engine.softmax_strategies import (
    CANCELLING_FEATURE,
    PROBLEM_LARGE_MAX,
    SMOOTHING_LADDER,
    problem_case,
    row_case,
    thresholds,
)
from verifier.spec.case import Case
from verifier.spec.formats import Format
from verifier.spec.target import Target

FAR = {"float64": (1e4, 1e12, 1e300), "float32": (1e3, 1e12, 1e37)}


def _near(v: float, fmt: Format, steps: int) -> float:
    x = fmt.dtype.type(v)
    for _ in range(abs(steps)):
        x = np.nextafter(x, fmt.dtype.type(np.inf if steps > 0 else -np.inf))
    return float(x)


def hard_rows(region: str, fmt: Format) -> list[list[float]]:
    """The region's hard rows of logits, as floats of the format."""
    t = thresholds(fmt)
    ovf, under, subn, one = t.exp_overflow, -t.exp_underflow, -t.exp_subnormal, t.sum_rounds_to_one
    big = round(ovf * 1.41)  # 1000 in float64, 125 in float32
    rows: list[list[float]] = []
    if region == "saturated":
        for g in (one, one * 1.02, 50.0, 100.0, subn * 0.99, subn * 1.02, under * 0.999, under * 1.1):
            rows += [[0.0, -g, -g], [2.5, 2.5 - g], [-g, 1.0, -g, -g]]
    elif region == "overflow":
        rng = np.random.default_rng(7)
        rows += [[big, -big], [big, big - 1, 0.0], [-big, big, -big], [big, big, big], [big * 0.5 + ovf, 0.5]]
        rows += [list(np.round(ovf + rng.uniform(-300, 300, 50) * ovf / 710, 3))]
        for far in FAR[fmt.name]:
            rows += [[far, 0.0], [far, -far, 1.0], [-far, -far * 0.75], [far * 1.2345, far * 1.2345 - 3.5 * far / 1e3]]
    elif region == "underflow":
        rows += [[-big, -big - 1, -big - 2], [-big, -1.8 * big], [-under - 1, -under - 5, -under - 15]]
        rows += [[0.0, -subn - 32.0, -subn - 32.0], [0.0, -under - 55.0], [-100 * big, -100 * big - 3]]
    elif region == "cancellation":
        for c in (1e3, 1e8, -1e6, 1e12):
            rows += [[c, c, _near(c, fmt, -1)], [_near(c, fmt, 2), c, _near(c, fmt, -3), c]]
        rows += [[float(big)] * 50]
    elif region in ("benign", "labels"):
        rows += [[0.5, -1.25, 2.0], [0.0, 0.0, 0.0], [1.0, 2.0, 3.0, 4.0, 3.5], [-3.5, 3.5], [0.25, -0.75, 1.5, -2.0]]
    elif region == "boundary":
        rows += [[1.0, 1.0, 1.0], [2.0, 2.0, -1.0], [0.5, -0.5, 0.5, -0.5]]
    out = []
    for row in rows:
        out.append([float(fmt.dtype.type(v)) for v in row])
    return out


def _labelled(rows: list[list[float]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each row twice: labelled with its leading class and with its last class."""
    out = []
    for row in rows:
        z = np.array([row, row], dtype=np.float64)
        out.append((z, np.array([int(np.argmax(row)), len(row) - 1], dtype=np.int64)))
    return out


def _shapes(fmt: Format) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(31)
    shapes = ((3, 1), (1, 1), (1, 5), (4, 2), (2, 64), (40, 3))
    out = []
    for m, K in shapes:
        z = np.round(rng.uniform(-3.5, 3.5, (m, K)) * 64) / 64
        out.append((z, (np.arange(m) % K).astype(np.int64)))
    return out


def _row_case(
    target: Target, fmt: Format, z: np.ndarray, yidx: np.ndarray, encoding: str = "float", i: int = 0
) -> Case:
    """A hard row case; the label-smoothed loss meets the smoothing ladder in turn."""
    return row_case(target, fmt, z, yidx, encoding, SMOOTHING_LADDER[i % len(SMOOTHING_LADDER)])


def _problem_case(z_row: np.ndarray, yidx: np.ndarray, lam: float, fmt: Format, encoding: str = "float") -> Case:
    """Identical examples whose scores are exactly ``z_row`` (X W = 0, b = z_row)."""
    K, m = len(z_row), len(yidx)
    X = np.tile(np.array([[0.25, 0.5]]), (m, 1))
    w0 = np.resize(np.array([0.5, -0.25, 0.75, -1.0]), K)
    W = np.vstack([w0, -0.5 * w0])
    return problem_case(X, yidx, W, z_row, lam, fmt, encoding)


def _benign_problem(m: int, n: int, K: int, lam: float, fmt: Format, seed: int, encoding: str = "float") -> Case:
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(0.0, 1.0, (m, n)) * 64) / 64
    W = np.round(rng.uniform(-1.0, 1.0, (n, K)) * 64) / 64
    top = float(np.max(np.abs(X @ W)))
    if top > 3.0:
        W = np.round(W * (3.0 / top) * 64) / 64
    b = np.round(rng.uniform(-0.5, 0.5, K) * 64) / 64
    yidx = (np.arange(m) % K).astype(np.int64)
    return problem_case(X, yidx, W, b, lam, fmt, encoding)


def _cancelling_problem(lam: float, fmt: Format) -> Case:
    big = CANCELLING_FEATURE[fmt.name]
    X = np.array([[big, -big + 0.5, 0.25], [-3 * big, 3 * big - 0.25, -0.5], [7 * big, -7 * big, 1.0]])
    W = np.array([[0.5, -0.25, 0.125], [0.5, -0.25, 0.125], [-0.75, 0.5, 0.25]])
    return problem_case(X, np.array([0, 2, 1]), W, np.array([0.125, 0.0, -0.25]), lam, fmt)


def hard_cases(target: Target, region: str, fmt: Format, lam: float, encodings: tuple[str, ...]) -> list[Case]:
    """The deterministic hard cases of ``region`` for a softmax-family target."""
    labels = [e for e in encodings if e != "bool"] or ["float"]
    if not target.is_problem:
        if region == "shapes":
            return [_row_case(target, fmt, z, y, i=i) for i, (z, y) in enumerate(_shapes(fmt))]
        pairs = _labelled(hard_rows(region, fmt))
        if region == "labels":
            return [_row_case(target, fmt, z, y, enc) for enc in labels for z, y in pairs[:2]]
        return [_row_case(target, fmt, z, y, i=i) for i, (z, y) in enumerate(pairs)]
    if region == "shapes":
        shaped = ((1, 1, 3), (1, 4, 2), (30, 1, 3), (5, 3, 1), (3, 2, 20), (60, 4, 4))
        return [_benign_problem(m, n, K, lam, fmt, 500 + i) for i, (m, n, K) in enumerate(shaped)]
    if region in ("benign", "boundary"):
        benign = ((7, 2, 3), (12, 3, 4), (2, 1, 2), (9, 4, 5))
        return [_benign_problem(m, n, K, lam, fmt, 600 + i) for i, (m, n, K) in enumerate(benign)]
    if region == "labels":
        return [_benign_problem(9, 3, 4, lam, fmt, 700 + i, enc) for i, enc in enumerate(labels)]
    big = PROBLEM_LARGE_MAX[fmt.name]  # scores a model reaches; beyond, the penalty on W overflows
    rows = [z for z, _ in _labelled(hard_rows(region, fmt)) if np.max(np.abs(z)) <= big]
    cases = [_problem_case(z[0], np.array([int(np.argmax(z[0])), z.shape[1] - 1]), lam, fmt) for z in rows]
    if region == "cancellation":
        cases.insert(0, _cancelling_problem(lam, fmt))
    return cases


def probe_cases(target: Target, fmt: Format, lam: float) -> list[Case]:
    """Three fixed moderate cases of different shapes (seed-independent)."""
    rng = np.random.default_rng(20240917)
    out = []
    for m, n, K in ((5, 2, 3), (8, 3, 4), (3, 1, 2)):
        if target.is_problem:
            out.append(_benign_problem(m, n, K, lam, fmt, int(rng.integers(1 << 30))))
            continue
        z = np.round(rng.uniform(-2, 2, (m, K)) * 64) / 64
        out.append(_row_case(target, fmt, z, (np.arange(m) % K).astype(np.int64), i=len(out)))
    return out
