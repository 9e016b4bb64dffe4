"""The cases diagnosis looks at: counterexamples read back from a Result, and designed probes.

Designed probes tell mistake models apart: m = 40 (more than 32, not a multiple of it) with n = 3
and n = 1, a small m = 7 case, distinct non-zero weights and bias, and mixed labels.  The tail
ladder puts every logit of a case at one z, from moderate to far past overflow, to locate numeric
failures.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from verifier.spec.case import Case
from verifier.spec.formats import Format
from verifier.spec.targets import Target

# The tail ladder's rungs (|z|): fixed moderate points where 1 - sigma already cancels badly, then
# multiples of where sigma rounds to 1 (just before, just after, and well past), then multiples of
# exp's overflow threshold (half-way, just before, just after, far past).
LADDER_FIXED = (8.0, 15.0, 25.0)
LADDER_SATURATION = (0.8, 1.03, 1.08, 1.4, 2.7)
LADDER_OVERFLOW = (0.55, 0.99, 1.015, 1.13, 1.41)


def ladder_points(fmt: Format) -> list[float]:
    """Logits from moderate to far past exp's overflow, both signs, placed by the format's thresholds
    (for float64: 8, 15, 25, 30, 38.5, 40.5, 52, 100, 390, 703, 720, 802, 1000)."""
    import reference

    t = reference.thresholds(fmt.name)
    one, ovf = t.sigmoid_rounds_to_one, t.exp_overflow
    mags = [m for m in LADDER_FIXED] + [k * one for k in LADDER_SATURATION] + [k * ovf for k in LADDER_OVERFLOW]
    mags = sorted({float(fmt.dtype.type(round(v, 1))) for v in mags})
    return [-v for v in reversed(mags)] + mags


def case_from_plain(inputs: dict[str, Any], fmt: Format) -> Case:
    """Inverse of ``Case.plain``: numpy arrays in the format, floats for b and lam."""
    return Case.from_plain(inputs, fmt.dtype)


def _dyadic(values: np.ndarray, denominator: int = 64) -> np.ndarray:
    """Values rounded to multiples of 1/denominator: exact in float16 and wider formats."""
    return np.round(np.asarray(values, dtype=np.float64) * denominator) / denominator


def _problem(m: int, n: int, w: list[float], b: float, lam: float, fmt: Format, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    X = _dyadic(rng.normal(0.0, 1.0, size=(m, n)))
    y = (rng.random(m) < 0.5).astype(np.float64)
    y[0], y[1] = 0.0, 1.0
    return Case(X=X.astype(fmt.dtype), y=y, w=np.asarray(w, dtype=fmt.dtype), b=float(b), lam=float(lam))


def designed(target: Target, fmt: Format, lam: float) -> list[tuple[str, Case]]:
    """Benign cases chosen so that the mistake models disagree with each other and with the truth."""
    if not target.pointwise:
        return [
            ("m = 40, n = 3", _problem(40, 3, [0.5, -0.75, 0.25], 0.375, lam, fmt, 11)),
            ("m = 40, n = 1", _problem(40, 1, [0.625], -0.25, lam, fmt, 12)),
            ("m = 7, n = 2", _problem(7, 2, [-0.5, 0.875], 0.625, lam, fmt, 13)),
        ]
    z = np.array([-3.0, -1.5, -0.5, 0.25, 1.0, 2.5])
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    f = np.array([0.125, 0.3125, 0.4375, 0.625, 0.8125, 0.9375])
    case = Case(
        z=z.astype(fmt.dtype) if "z" in target.inputs else None,
        f=f.astype(fmt.dtype) if "f" in target.inputs else None,
        y=y if "y" in target.inputs else None,
    )
    return [("six moderate inputs", case)]


def ladder(target: Target, fmt: Format, lam: float) -> list[tuple[float, Case]]:
    """One case per logit z of the ladder (pointwise targets: one per label as well)."""
    import reference

    out: list[tuple[float, Case]] = []
    for z in ladder_points(fmt):
        if not target.pointwise:
            # two identical rows with Xw = 0, so every logit is exactly b = z; labels 0 and 1
            X = np.array([[0.25, 0.5], [0.25, 0.5]])
            out.append(
                (
                    z,
                    Case(
                        X=X.astype(fmt.dtype),
                        y=np.array([0.0, 1.0]),
                        w=np.array([0.5, -0.25], dtype=fmt.dtype),
                        b=float(fmt.dtype.type(z)),
                        lam=float(lam),
                    ),
                )
            )
            continue
        base = Case(
            z=np.array([z], dtype=fmt.dtype) if "z" in target.inputs else None,
            f=np.array([float(reference.round_to_format(reference.sigmoid(z), fmt.name))], dtype=fmt.dtype)
            if "f" in target.inputs
            else None,
        )
        if "y" in target.inputs:
            for label in (0.0, 1.0):
                out.append((z, base.replace(y=np.array([label]))))
        else:
            out.append((z, base))
    return out
