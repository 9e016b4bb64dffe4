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


def adapt(cfg, case: Case) -> Case:
    """A designed case as this run's candidate sees it (its problem form; no b for a model without bias)."""
    return cfg.adapt(case) if hasattr(cfg, "adapt") else case


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


def more_sizes(target: Target, fmt: Format, lam: float) -> list[tuple[str, Case]]:
    """Two more benign cases with other m and n (other inputs for a pointwise target): with the
    designed ones, enough to tell a constant factor from one that grows with m or n."""
    if not target.pointwise:
        return [
            ("m = 13, n = 4", _problem(13, 4, [0.25, -0.5, 0.75, -0.125], -0.625, lam, fmt, 14)),
            ("m = 22, n = 5", _problem(22, 5, [-0.375, 0.5, 0.125, -0.25, 0.625], 0.5, lam, fmt, 15)),
        ]
    z = np.array([-2.5, -1.25, -0.75, 0.5, 0.875, 1.75, 2.75, 3.5])
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0])
    f = np.array([0.0625, 0.1875, 0.375, 0.5, 0.5625, 0.6875, 0.875, 0.96875])
    case = Case(
        z=z.astype(fmt.dtype) if "z" in target.inputs else None,
        f=f.astype(fmt.dtype) if "f" in target.inputs else None,
        y=y if "y" in target.inputs else None,
    )
    return [("eight other moderate inputs", case)]


def _at_logit(z: float, label: float, lam: float, fmt: Format) -> Case:
    """Two identical examples with Xw = 0, so both logits are exactly b = z, and the same label."""
    X = np.array([[0.25, 0.5], [0.25, 0.5]])
    return Case(
        X=X.astype(fmt.dtype),
        y=np.array([label, label]),
        w=np.array([0.5, -0.25], dtype=fmt.dtype),
        b=float(fmt.dtype.type(z)),
        lam=float(lam),
    )


def at_logit(target: Target, fmt: Format, z: float, label: float, lam: float = 0.0) -> Case:
    """The case that puts every logit at ``z`` with label ``label``: two identical examples for a
    problem target, one element for a pointwise one (f = sigma(z) rounded, for targets that read f)."""
    import reference

    if not target.pointwise:
        return _at_logit(z, label, lam, fmt)
    return Case(
        z=np.array([z], dtype=fmt.dtype) if "z" in target.inputs else None,
        f=np.array([float(reference.round_to_format(reference.sigmoid(z), fmt.name))], dtype=fmt.dtype)
        if "f" in target.inputs
        else None,
        y=np.array([label]) if "y" in target.inputs else None,
    )


def ladder(target: Target, fmt: Format, lam: float) -> list[tuple[float, Case]]:
    """One case per logit z of the ladder and per label (targets without labels: one per z)."""
    out: list[tuple[float, Case]] = []
    labels = (0.0, 1.0) if "y" in target.inputs else (0.0,)
    for z in ladder_points(fmt):
        for label in labels:
            out.append((z, at_logit(target, fmt, z, label, lam)))
    return out
