"""Judge one observation against the oracle: error per component, envelope, verdict, message.

The message follows numpy.testing's layout: a header naming the envelope, the count of components
outside it, at most five of them as ACTUAL vs DESIRED with their error in ulps and bits, and the
worst ratio of error to envelope.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np

import reference
from verifier.spec.case import Case
from verifier.spec.formats import Format
from verifier.spec.targets import Outputs, Target

MAX_SHOWN = 5


@dataclass
class Verdict:
    """The comparison of one observation with the exact outputs."""

    passed: bool
    message: str
    ratio: float = 0.0  # worst error / envelope
    ulps: float = 0.0  # worst error in ulps of the format
    bits: float = 0.0
    component: str = ""
    expected: dict[str, Any] = field(default_factory=dict)
    actual: dict[str, Any] = field(default_factory=dict)
    nonfinite: bool = False
    failing: list[str] = field(default_factory=list)


def _label(component: str, index: tuple[int, ...]) -> str:
    return component + ("[" + ", ".join(str(i) for i in index) + "]" if index else "")


def show_exact(value) -> str:
    """An exact value with 17 significant digits (enough to tell float64 neighbours apart)."""
    if isinstance(value, mpmath.mpf) or hasattr(value, "_mpf_"):
        if mpmath.isinf(value):
            return "inf" if value > 0 else "-inf"
        return mpmath.nstr(value, 17, min_fixed=-4, max_fixed=16)
    return repr(float(value))


def _element(av: float, ev: Any, tv: float, fmt: Format) -> tuple[bool, float, bool]:
    """(within the envelope, absolute error, a non-finite result where the truth is finite) for one
    component: ``av`` returned, ``ev`` exact (mpf), ``tv`` the envelope."""
    if mpmath.isinf(ev):
        ok = av == float(ev)
        return ok, (0.0 if ok else math.inf), False
    if not math.isfinite(av):
        # a finite exact value beyond the format's range rounds to +-inf: that is the right answer
        ok = math.isinf(av) and float(reference.round_to_format(ev, fmt.name)) == av
        return ok, (0.0 if ok else math.inf), not ok
    err = float(abs(mpmath.mpf(av) - ev))
    return err <= tv, err, False


def _mismatch_line(label: str, av: float, ev: Any, ulps: float, ratio: float, tv: float) -> str:
    return (
        f" {label}: {av!r} (ACTUAL), {show_exact(ev)} (DESIRED): {_fmt_ulps(ulps)} ulps, "
        f"{reference.bits_of_error(ulps):.1f} bits, {_fmt_ratio(ratio)} the envelope {tv:.3g}"
    )


def compare(
    target: Target,
    case: Case,
    actual: Outputs,
    exact: Outputs,
    fmt: Format,
    standard: str,
    envelope: Mapping[str, np.ndarray] | None = None,
) -> Verdict:
    """Compare ``actual`` (float arrays) with ``exact`` (mpf arrays) under ``standard``'s envelope
    (``envelope``: that envelope when the caller already has it for this case)."""
    env = target.envelope(case, exact, fmt, standard) if envelope is None else envelope
    worst = (-1.0, 0.0, "")  # ratio, ulps, label
    lines: list[str] = []
    failing: list[str] = []
    total = 0
    nonfinite = False
    for comp in target.components:
        a = np.asarray(actual[comp])
        e = exact[comp]
        tol = np.broadcast_to(np.asarray(env[comp], dtype=np.float64), e.shape)
        for index in np.ndindex(e.shape):
            total += 1
            av, ev, tv = float(a[index]), e[index], float(tol[index])
            ok, err, bad_inf = _element(av, ev, tv, fmt)
            nonfinite = nonfinite or bad_inf
            ratio = err / tv if tv > 0 else (0.0 if err == 0 else math.inf)
            ulps = 0.0 if (ok and err == 0.0) else reference.ulp_distance(av, ev, fmt.name)
            label = _label(comp, index)
            if ratio > worst[0]:
                worst = (ratio, ulps, label)
            if not ok:
                failing.append(label)
                if len(lines) < MAX_SHOWN:
                    lines.append(_mismatch_line(label, av, ev, ulps, ratio, tv))
    ratio, ulps, label = worst
    expected = {c: [show_exact(v) for v in np.asarray(exact[c]).reshape(-1)] for c in target.components}
    shown = {c: np.asarray(actual[c]).reshape(-1).tolist() for c in target.components}
    if not failing:
        message = f"all {total} components within the {standard} envelope (worst {_fmt_ratio(ratio)} it, at {label})"
    else:
        pct = 100.0 * len(failing) / total
        header = (
            f"Not within the {standard} {fmt.name} envelope\n"
            f"Mismatched components: {len(failing)} / {total} ({pct:.1f}%)"
        )
        tail = (
            f"Max error among violations: {_fmt_ulps(ulps)} ulps ({reference.bits_of_error(ulps):.1f} bits) at {label}"
        )
        message = "\n".join([header, *lines, tail])
    return Verdict(
        passed=not failing,
        message=message,
        ratio=ratio,
        ulps=ulps,
        bits=reference.bits_of_error(ulps),
        component=label,
        expected=expected,
        actual=shown,
        nonfinite=nonfinite,
        failing=failing,
    )


def _fmt_ulps(ulps: float) -> str:
    if math.isinf(ulps):
        return "inf"
    return f"{ulps:.3g}" if ulps >= 1000 else f"{ulps:.1f}"


def _fmt_ratio(ratio: float) -> str:
    if math.isinf(ratio):
        return "infinitely outside"
    return f"{ratio:.2g}x"
