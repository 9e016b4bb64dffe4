"""Judge one observation against the oracle: error per component, envelope, verdict, message.

The message follows numpy.testing's layout: a header naming the envelope, the count of components
outside it, at most five of them as ACTUAL vs DESIRED with their error in ulps and bits, and the
worst ratio of error to envelope.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np

import reference
from verifier.formats import Format
from verifier.targets import Case, Outputs, Target

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


def exact_as_float(value) -> float:
    return float(value)


def compare(target: Target, case: Case, actual: Outputs, exact: Outputs, fmt: Format, standard: str) -> Verdict:
    """Compare ``actual`` (float arrays) with ``exact`` (mpf arrays) under ``standard``'s envelope."""
    env = target.envelope(case, exact, fmt, standard)
    worst = (-1.0, 0.0, "", True)  # ratio, ulps, label, finite
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
            av = float(a[index])
            ev = e[index]
            tv = float(tol[index])
            label = _label(comp, index)
            if mpmath.isinf(ev):
                ok = av == float(ev)
                err = 0.0 if ok else math.inf
            elif not math.isfinite(av):
                # a finite exact value beyond the format's range rounds to +-inf: that is the right answer
                ok = math.isinf(av) and float(reference.round_to_format(ev, fmt.name)) == av
                err = 0.0 if ok else math.inf
                nonfinite = not ok
            else:
                err = float(abs(mpmath.mpf(av) - ev))
                ok = err <= tv
            ratio = err / tv if tv > 0 else (0.0 if err == 0 else math.inf)
            ulps = 0.0 if (ok and err == 0.0) else reference.ulp_distance(av, ev, fmt.name)
            if ratio > worst[0]:
                worst = (ratio, ulps, label, math.isfinite(av))
            if not ok:
                failing.append(label)
                if len(lines) < MAX_SHOWN:
                    lines.append(
                        f" {label}: {av!r} (ACTUAL), {show_exact(ev)} (DESIRED): "
                        f"{_fmt_ulps(ulps)} ulps, {reference.bits_of_error(ulps):.1f} bits, "
                        f"{_fmt_ratio(ratio)} the envelope {tv:.3g}"
                    )
    ratio, ulps, label, _ = worst
    passed = not failing
    expected = {c: [show_exact(v) for v in np.asarray(exact[c]).reshape(-1)] for c in target.components}
    shown = {c: np.asarray(actual[c]).reshape(-1).tolist() for c in target.components}
    if passed:
        message = f"all {total} components within the {standard} envelope (worst {_fmt_ratio(ratio)} it, at {label})"
    else:
        pct = 100.0 * len(failing) / total
        header = f"Not within the {standard} {fmt.name} envelope\nMismatched components: {len(failing)} / {total} ({pct:.1f}%)"
        tail = f"Max error among violations: {_fmt_ulps(ulps)} ulps ({reference.bits_of_error(ulps):.1f} bits) at {label}"
        message = "\n".join([header, *lines, tail])
    return Verdict(
        passed=passed,
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
