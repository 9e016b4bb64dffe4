"""Inline SVG plots: the error (bits) of every example a check tried against its logit z.

Drawn with matplotlib's object API on the Agg/SVG canvas (no pyplot, no global backend change), text
kept as text, sizes set by the page: the SVG has a viewBox and no fixed width or height.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from matplotlib import rc_context
from matplotlib.figure import Figure

from verifier.spec.results import CheckResult

_RC: dict[str, Any] = {"svg.fonttype": "none", "svg.hashsalt": "verifier", "font.size": 9, "axes.titlesize": 9}
_MAX_BITS = 64.0
Z_EDGE = 1e300  # the error plot's axis ends here at the most (past it, matplotlib's axis limits overflow)


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


class Band(NamedTuple):
    """A colour band of the ratio error / envelope (1 is the envelope's edge)."""

    key: str
    label: str  # in the report's key
    short: str  # inside the plot
    colour: str
    top: float  # the largest ratio of the band


# A failed example is a red cross whatever its ratio; a passed one whose ratio was not recorded is "within".
BANDS: tuple[Band, ...] = (
    Band("far", "under 1% of the envelope", "< 1%", "#1b6e3a", 0.01),
    Band("inside", "1-50% of the envelope", "1-50%", "#6aaa3a", 0.5),
    Band("edge", "50-100% of the envelope", "50-100%", "#d99a00", 1.0),
    Band("within", "within the envelope (ratio not recorded)", "within", "#7f8c8d", math.inf),
)
FAILED = Band("failed", "outside the envelope: failed", "failed", "#c0392b", math.inf)
ILL_CONDITIONED_NOTE = (
    "Many bits of error can still be within the envelope: where the exact value is a small difference "
    "of large terms (ill-conditioned, e.g. softplus(z) - y z at large z, or a gradient near zero), the "
    "rounding of those terms alone moves the result that much, so the envelope allows it. Colour is "
    "the error divided by the envelope, not the bits."
)
LEGEND_TITLE = "colour: error / envelope (1 = its edge)"
LEGEND_TITLE_PROBLEM = "; many bits yet inside = an ill-conditioned case"
POINTWISE_NOTE = "Colour is the error divided by the envelope (1 = its edge), not the bits."


@dataclass(frozen=True)
class PlotPoint:
    """One example on the plot: the z that decides its error, its bits of error (capped at 64), its
    ratio to the envelope (NaN when not recorded), the verdict and the colour band."""

    z: float
    bits: float
    ratio: float
    passed: bool
    band: str


@dataclass(frozen=True)
class PlotData:
    """What the error plot shows: the points, the axis label, the legend entries and the legend's note."""

    points: tuple[PlotPoint, ...]
    problem: bool
    deciding: bool  # a problem's examples sit at the z of the row that decides their error
    x_label: str
    legend: tuple[tuple[str, str, str, int], ...]  # (band key, label with count, colour, count)
    short: tuple[str, ...]  # the labels drawn inside the plot, with counts
    note: str


def band_of(ratio: float, passed: bool) -> str:
    """The colour band of an example: ``failed`` when it failed, else by its ratio to the envelope."""
    if not passed:
        return FAILED.key
    if not math.isfinite(ratio) or ratio < 0:
        return "within"
    return next(b.key for b in BANDS if ratio <= b.top or b.key == "edge")


def error_plot_data(checks: Iterable[CheckResult], problem: bool = False) -> PlotData:
    """The points of ``checks``' samples and the legend.  For a problem target (cost, gradient) a
    sample's ``z`` is the logit of the row that decides its error, recorded by the engine."""
    points = []
    for c in checks:
        for s in c.samples:
            if not math.isfinite(s.z):
                continue
            bits = s.bits if math.isfinite(s.bits) else _MAX_BITS
            ratio = float(getattr(s, "ratio", math.nan))
            points.append(PlotPoint(s.z, min(bits, _MAX_BITS), ratio, s.passed, band_of(ratio, s.passed)))
    counts = {b.key: sum(p.band == b.key for p in points) for b in (*BANDS, FAILED)}
    shown = [b for b in (*BANDS, FAILED) if counts[b.key]]
    legend = tuple((b.key, f"{b.label} ({counts[b.key]})", b.colour, counts[b.key]) for b in shown)
    short = tuple(f"{b.short} ({counts[b.key]})" for b in shown)
    # Samples that record their ratio come from an engine that places them at the deciding row; older
    # results placed a problem's example at its largest |z|, and the label says so.
    deciding = problem and any(math.isfinite(p.ratio) for p in points)
    if not problem:
        x_label = "z (logit), symmetric log scale"
    elif deciding:
        x_label = "z of the row that decides the error (symmetric log scale)"
    else:
        x_label = "largest |z| of the example's rows (symmetric log scale)"
    note = ILL_CONDITIONED_NOTE if problem else POINTWISE_NOTE
    return PlotData(tuple(points), problem, deciding, x_label, legend, short, note)


def is_problem(target: str) -> bool:
    """True for a problem target (cost, gradient, ...: inputs X, y, w, b), by the target's name."""
    if not target:
        return False
    from verifier.spec.targets import get_target

    try:
        return not get_target(target).pointwise
    except (KeyError, ValueError):
        return False


def legend_note(target: str) -> str:
    """The legend's explanation of the colours for ``target``'s plot."""
    return ILL_CONDITIONED_NOTE if is_problem(target) else POINTWISE_NOTE


def error_plot(checks: Iterable[CheckResult], precision: str = "float64", title: str = "", target: str = "") -> str:
    """An SVG of bits of error against z for every sample of ``checks``, coloured by the ratio to the
    envelope, failures marked; "" when there is nothing to plot.  ``target`` (its name) tells a problem
    target, whose examples sit at the z of the row that decides their error."""
    problem = is_problem(target)
    data = error_plot_data(checks, problem)
    if not data.points:
        return ""
    # numpy's overflow in matplotlib's symmetric-log transform near the largest floats is not news
    with rc_context(_RC), np.errstate(over="ignore", invalid="ignore"):  # type: ignore[arg-type]
        fig = Figure(figsize=(5.6, 3.2), layout="constrained")
        ax = fig.add_subplot()
        # the axis reaches 30% past the largest finite |z|, at most Z_EDGE; a z beyond (an infinite
        # one too) is drawn at the edge of its side
        finite = [abs(p.z) for p in data.points if math.isfinite(p.z)]
        lim = min(max(10.0, max(finite, default=0.0) * 1.3), Z_EDGE)
        for lo, hi, _name, colour in _regions(precision):
            lo, hi = max(lo, -lim), min(hi, lim)
            if lo < hi:
                ax.axvspan(lo, hi, color=colour, lw=0, zorder=0)
        for (key, _label, colour, _count), label in zip(data.legend, data.short):
            zs = [min(max(p.z, -lim), lim) for p in data.points if p.band == key]
            bs = [p.bits for p in data.points if p.band == key]
            if key == FAILED.key:
                ax.scatter(zs, bs, s=28, c=colour, marker="x", label=label, zorder=4)
            else:
                ax.scatter(zs, bs, s=10, c=colour, marker="o", alpha=0.75, label=label, zorder=3, linewidths=0)
        ax.set_xscale("symlog", linthresh=1.0)
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-1, _MAX_BITS + 2)
        ax.set_xlabel(data.x_label)
        ax.set_ylabel("bits of error")
        ax.grid(True, lw=0.3, alpha=0.5)
        fig.legend(
            loc="outside upper left",
            fontsize=8,
            ncols=min(len(data.legend), 5),
            frameon=False,
            handletextpad=0.2,
            columnspacing=1.0,
            title=LEGEND_TITLE + (LEGEND_TITLE_PROBLEM if problem else ""),
            title_fontsize=8,
            alignment="left",
        )
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
