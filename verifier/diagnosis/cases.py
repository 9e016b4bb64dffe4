"""The cases diagnosis looks at: counterexamples read back from a Result, and designed probes.

Designed probes tell mistake models apart: m = 40 (more than 32, not a multiple of it) with n = 3
and n = 1, a small m = 7 case, distinct non-zero weights and bias, and mixed labels.  The tail
ladder puts every logit of a case at one z, from moderate to far past overflow, to locate numeric
failures.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from verifier.formats import Format
from verifier.targets import Case, Target

PROBLEM_KEYS = ("X", "y", "w", "b", "lam")


def ladder_points(fmt: Format) -> list[float]:
    """Logits from moderate to far past exp's overflow, both signs, placed by the format's thresholds
    (for float64: 8, 15, 25, 30, 38.5, 40.5, 52, 100, 390, 703, 720, 802, 1000)."""
    import reference

    t = reference.thresholds(fmt.name)
    one, ovf = t.sigmoid_rounds_to_one, t.exp_overflow
    mags = [8.0, 15.0, 25.0, 0.8 * one, 1.03 * one, 1.08 * one, 1.4 * one, 2.7 * one,
            0.55 * ovf, 0.99 * ovf, 1.015 * ovf, 1.13 * ovf, 1.41 * ovf]
    mags = sorted({float(fmt.dtype.type(round(v, 1))) for v in mags})
    return [-v for v in reversed(mags)] + mags


def case_from_plain(inputs: dict[str, Any], fmt: Format) -> Case:
    """Inverse of ``verifier.runner.plain_case``: numpy arrays in the format, floats for b and lam."""
    case: Case = {}
    for k, v in inputs.items():
        if k in ("X", "w", "z", "f"):
            case[k] = np.asarray(v, dtype=np.float64).astype(fmt.dtype)
        elif k == "y":
            case[k] = np.asarray(v, dtype=np.float64)
        elif k in ("b", "lam"):
            case[k] = float(v)
        else:
            case[k] = v
    if "X" in case and case["X"].ndim == 1:
        case["X"] = case["X"].reshape(len(case.get("y", case["X"])), -1)
    return case


def with_changes(case: Case, **changes) -> Case:
    """A copy of ``case`` with some inputs replaced (and the cached logits dropped)."""
    out = {k: v for k, v in case.items() if not k.startswith("_")}
    out.update(changes)
    return out


def _dyadic(values: np.ndarray, denominator: int = 64) -> np.ndarray:
    """Values rounded to multiples of 1/denominator: exact in float16 and wider formats."""
    return np.round(np.asarray(values, dtype=np.float64) * denominator) / denominator


def _problem(m: int, n: int, w: list[float], b: float, lam: float, fmt: Format, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    X = _dyadic(rng.normal(0.0, 1.0, size=(m, n)))
    y = (rng.random(m) < 0.5).astype(np.float64)
    y[0], y[1] = 0.0, 1.0
    return {"X": X.astype(fmt.dtype), "y": y, "w": np.asarray(w, dtype=fmt.dtype), "b": float(b), "lam": float(lam)}


def designed(target: Target, fmt: Format, lam: float) -> list[tuple[str, Case]]:
    """Benign cases chosen so that the mistake models disagree with each other and with the truth."""
    if target.kind == "problem":
        return [
            ("m = 40, n = 3", _problem(40, 3, [0.5, -0.75, 0.25], 0.375, lam, fmt, 11)),
            ("m = 40, n = 1", _problem(40, 1, [0.625], -0.25, lam, fmt, 12)),
            ("m = 7, n = 2", _problem(7, 2, [-0.5, 0.875], 0.625, lam, fmt, 13)),
        ]
    z = np.array([-3.0, -1.5, -0.5, 0.25, 1.0, 2.5])
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    f = np.array([0.125, 0.3125, 0.4375, 0.625, 0.8125, 0.9375])
    case: Case = {}
    if "z" in target.inputs:
        case["z"] = z.astype(fmt.dtype)
    if "f" in target.inputs:
        case["f"] = f.astype(fmt.dtype)
    if "y" in target.inputs:
        case["y"] = y
    return [("six moderate inputs", case)]


def ladder(target: Target, fmt: Format, lam: float) -> list[tuple[float, Case]]:
    """One case per logit z of the ladder (pointwise targets: one per label as well)."""
    import reference

    out: list[tuple[float, Case]] = []
    for z in ladder_points(fmt):
        if target.kind == "problem":
            # two identical rows with Xw = 0, so every logit is exactly b = z; labels 0 and 1
            X = np.array([[0.25, 0.5], [0.25, 0.5]])
            case = {"X": X.astype(fmt.dtype), "y": np.array([0.0, 1.0]), "w": np.array([0.5, -0.25], dtype=fmt.dtype),
                    "b": float(fmt.dtype.type(z)), "lam": float(lam)}
            out.append((z, case))
            continue
        base: Case = {}
        if "z" in target.inputs:
            base["z"] = np.array([z], dtype=fmt.dtype)
        if "f" in target.inputs:
            base["f"] = np.array([float(reference.round_to_format(reference.sigmoid(z), fmt.name))], dtype=fmt.dtype)
        if "y" in target.inputs:
            for label in (0.0, 1.0):
                out.append((z, {**base, "y": np.array([label])}))
        else:
            out.append((z, base))
    return out
