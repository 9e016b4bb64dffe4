"""Inline SVG plots: the error (bits) of every example a check tried against its logit z.

Drawn with matplotlib's object API on the Agg/SVG canvas (no pyplot, no global backend change), text
kept as text, sizes set by the page: the SVG has a viewBox and no fixed width or height.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from typing import Any

from matplotlib import rc_context
from matplotlib.figure import Figure

from verifier.spec.results import CheckResult

_RC: dict[str, Any] = {"svg.fonttype": "none", "svg.hashsalt": "verifier", "font.size": 9, "axes.titlesize": 9}
_MAX_BITS = 64.0


def _regions(precision: str) -> list[tuple[float, float, str, str]]:
    import reference

    t = reference.thresholds(precision)
    big = 1e6
    return [
        (t.sigmoid_rounds_to_one, t.exp_overflow, "saturated", "#fdf0c2"),
        (-t.exp_overflow, -t.sigmoid_rounds_to_one, "saturated", "#fdf0c2"),
        (t.exp_overflow, big, "overflow", "#f9d3c8"),
        (-big, t.sigmoid_zero, "underflow", "#d9e4f5"),
        (t.sigmoid_zero, -t.exp_overflow, "overflow", "#f9d3c8"),
    ]


def error_plot(checks: Iterable[CheckResult], precision: str = "float64", title: str = "") -> str:
    """An SVG of bits of error against z for every sample of ``checks``, failures marked; "" when
    there is nothing to plot."""
    ok_z: list[float] = []
    ok_b: list[float] = []
    bad_z: list[float] = []
    bad_b: list[float] = []
    clipped_z: list[float] = []
    for c in checks:
        for s in c.samples:
            z = s.z
            if not math.isfinite(z):
                continue
            b = s.bits if math.isfinite(s.bits) else _MAX_BITS
            if b >= _MAX_BITS:
                clipped_z.append(z)
            (ok_z if s.passed else bad_z).append(z)
            (ok_b if s.passed else bad_b).append(min(b, _MAX_BITS))
    if not ok_z and not bad_z:
        return ""
    with rc_context(_RC):  # type: ignore[arg-type]
        fig = Figure(figsize=(5.6, 2.8), layout="constrained")
        ax = fig.add_subplot()
        zs = ok_z + bad_z
        lim = max(10.0, max(abs(z) for z in zs) * 1.3)
        for lo, hi, _name, colour in _regions(precision):
            lo, hi = max(lo, -lim), min(hi, lim)
            if lo < hi:
                ax.axvspan(lo, hi, color=colour, lw=0, zorder=0)
        ax.scatter(
            ok_z, ok_b, s=9, c="#3b7d3b", marker="o", alpha=0.6, label=f"within the envelope ({len(ok_z)})", zorder=2
        )
        if bad_z:
            ax.scatter(bad_z, bad_b, s=28, c="#c0392b", marker="x", label=f"failed ({len(bad_z)})", zorder=3)
        ax.set_xscale("symlog", linthresh=1.0)
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-1, _MAX_BITS + 2)
        ax.set_xlabel("z (logit), symmetric log scale")
        ax.set_ylabel("bits of error")
        ax.grid(True, lw=0.3, alpha=0.5)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=8, ncols=2, frameon=False, borderaxespad=0.2)
        if title:
            ax.set_title(title)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return _responsive(buf.getvalue())


def _responsive(svg: str) -> str:
    """Drop the XML prologue and the fixed size; keep the viewBox so CSS sizes the plot."""
    start = svg.find("<svg")
    svg = svg[start:]
    head_end = svg.find(">")
    head = re.sub(r'\s(width|height)="[^"]*"', "", svg[:head_end])
    return head + ' role="img" aria-label="error in bits against z"' + svg[head_end:]


def score_histogram(scores: list[float], max_score: float) -> str:
    """An SVG histogram of the total scores of a class."""
    with rc_context(_RC):  # type: ignore[arg-type]
        fig = Figure(figsize=(6.4, 2.4), layout="constrained")
        ax = fig.add_subplot()
        top = max(max_score, max(scores, default=0.0), 1.0)
        bins = min(20, max(5, int(top)))
        ax.hist(scores, bins=bins, range=(0, top), color="#4a78b5", edgecolor="white")
        ax.set_xlim(0, top)
        ax.set_xlabel("total score")
        ax.set_ylabel("submissions")
        ax.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]
        ax.grid(True, axis="y", lw=0.3, alpha=0.5)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return _responsive(buf.getvalue())
