"""The cases diagnosis looks at for the softmax family: designed probes, their perturbed twins and
the tail ladder of rows of logits.

Designed probes have m != K (so a normalization over the wrong axis shows), labels that are not all
0 (so a label read as a number, or shifted by one, shows), distinct non-zero weights and bias, and
dyadic values (exact in every format).  The ladder holds rows of logits at one large value, rows
with one class far ahead, and rows at a large value that float32 does or does not represent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from verifier.engine.softmax_strategies import row_case
from verifier.spec.case import Case
from verifier.spec.formats import Format
from verifier.spec.targets import Target

# (m, K, n, seed) of the designed probes: m != K and m != n, K from 3 to 5; the second has n = K, so a
# transposed (K, n) weight gradient still reads as (n, K).
SHAPES = ((6, 4, 3, 21), (3, 5, 5, 22), (9, 3, 4, 23))
# Rows at one large value c: the unshifted exp overflows beyond c = 709.78 (float64).
LARGE = (300.0, 700.0, 720.0, 1000.0, 1e5, -800.0, -1e5)
# Rows whose leading class is ahead by g: e^-g rounds below u, becomes subnormal, then 0.
GAPS = (40.0, 100.0, 800.0, 1000.0, 3000.0)
# A large logit float32 cannot hold (1e12 + 0.5) beside one it can (2^40): a shift computed in float32
# misses the first by thousands.
WIDE = (1e12 + 0.5, float(2**40))
K_LADDER = 4


def _dyadic(values: np.ndarray, denominator: int = 64) -> np.ndarray:
    return np.round(np.asarray(values, dtype=np.float64) * denominator) / denominator


def _labels(m: int, K: int, rng: np.random.Generator) -> np.ndarray:
    y = rng.integers(0, K, size=m).astype(np.int64)
    y[: min(m, K)] = np.arange(K)[::-1][: min(m, K)]  # distinct classes, the last first
    return y


def _probabilities(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _row_case(target: Target, z: np.ndarray, yidx: np.ndarray, fmt: Format) -> Case:
    return row_case(target, fmt, z, yidx)


def designed(target: Target, fmt: Format, lam: float) -> list[tuple[str, Case]]:
    """Three benign cases that tell the family's mistake models apart."""
    out = []
    for m, K, n, seed in SHAPES:
        rng = np.random.default_rng(seed)
        y = _labels(m, K, rng)
        if target.is_problem:
            X = _dyadic(rng.normal(0.0, 1.0, size=(m, n)))
            W = _dyadic(rng.normal(0.0, 0.5, size=(n, K)))
            b = _dyadic(rng.normal(0.0, 0.5, size=K))
            case = Case(X=X.astype(fmt.dtype), yidx=y, W=W.astype(fmt.dtype), b=b.astype(fmt.dtype), lam=float(lam))
            out.append((f"m = {m}, n = {n}, K = {K}", case))
        else:
            z = _dyadic(rng.uniform(-3.0, 3.0, size=(m, K)))
            out.append((f"m = {m}, K = {K}", _row_case(target, z, y, fmt)))
    return out


# v -> -v / 2 + 0.1 changes every dyadic value (its one fixed point, 1/15, is not dyadic).
def _moved(v: np.ndarray) -> np.ndarray:
    return (np.asarray(v, dtype=np.float64) * -0.5 + 0.1).astype(np.asarray(v).dtype)


def perturbed(case: Case) -> Case:
    """The same shapes and labels with every value changed (logits, or weights and bias; probabilities
    flattened)."""
    if case.W is not None:
        # a model without bias sees b = 0 (its bias is a row of W): keep it so
        return case.replace(W=_moved(case.W), b=_moved(case.b) if np.any(case.b) else case.b)
    if case.z is not None and case.f is None:
        return case.replace(z=_moved(case.z))
    f = np.asarray(case.f, dtype=np.float64)
    flat = _probabilities(np.log(f) * 0.5)
    return case.replace(f=flat.astype(case.f.dtype))


@dataclass(frozen=True)
class Rung:
    """One ladder case: ``kind`` "large" (every logit near ``value``), "gap" (the leader ahead by
    ``value``) or "wide" (logits near ``value``, which float32 may not hold)."""

    kind: str
    value: float
    row: tuple[float, ...]
    case: Case


def _row(kind: str, value: float) -> np.ndarray:
    steps = np.arange(K_LADDER, dtype=np.float64)
    if kind == "gap":
        return np.concatenate([[0.0], -value - steps[:-1]])
    return value - steps


def _rung_case(target: Target, row: np.ndarray, fmt: Format) -> Case:
    """Two examples with logits ``row``, labelled with the leading class and with a trailing one;
    for a problem, X = 0 and b = row, so the scores are exactly the row (lambda = 0)."""
    z = np.vstack([row, row])
    y = np.array([0, 1], dtype=np.int64)
    if target.is_problem:
        W = np.array([[0.5, -0.25, 0.75, -0.5], [0.25, 0.125, -0.375, 0.625]])
        return Case(X=np.zeros((2, 2), dtype=fmt.dtype), yidx=y, W=W.astype(fmt.dtype), b=row.astype(fmt.dtype))
    return _row_case(target, z, y, fmt)


def ladder(target: Target, fmt: Format) -> list[Rung]:
    """The rungs, in the order large, gap, wide."""
    out = []
    for kind, values in (("large", LARGE), ("gap", GAPS), ("wide", WIDE)):
        for v in values:
            row = _row(kind, v).astype(fmt.dtype).astype(np.float64)
            out.append(Rung(kind, v, tuple(float(x) for x in row), _rung_case(target, row, fmt)))
    return out
