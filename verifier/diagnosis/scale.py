"""Scale and sign: is a result a constant multiple of the truth, and which constant, in the problem's terms?

``ratio_of(samples)`` takes, for one output component, the candidate's and the exact values on
several probes (cases with different m and n) and returns a ``Ratio`` when candidate / exact is one
constant on each probe (every element alike) and the probes' constants follow one ``Factor`` of the
problem (1, m, 1/m, n, m*n, m/(m - 1), ...) times a fixed number.  ``name_ratio`` turns a ratio into a
catalog id and words: -1 is ``sign-flipped``, m ``not-averaged``, m/n ``wrong-divisor`` ("divided by
n instead of m"), and anything else ``scaled`` ("exactly 0.01 times the right value").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# Candidate / exact counts as one constant when its values differ by at most this (relative): far
# above the rounding of a float64 result of moderate size, far below any factor a mistake makes.
RATIO_REL = 1e-7
# Elements whose exact value is below this fraction of the component's largest are not used: their
# ratio carries the cancellation of a sum that is nearly 0.
MIN_SHARE = 1e-3
# Learning rates and step sizes students multiply a gradient by (the step returned as the gradient).
STEP_SIZES = (1.0, 0.5, 0.3, 0.25, 0.2, 0.1, 0.05, 0.03, 0.02, 0.01, 0.005, 0.003, 0.002, 0.001, 1e-4, 1e-5)


@dataclass(frozen=True)
class Factor:
    """A count of the problem the result can be off by: ``text`` in formulas, ``value(m, n)``, and
    ``reading``: what a result exactly this factor times the right one has done (for a mean)."""

    text: str
    value: Callable[[int, int], float]
    reading: str = ""


FACTORS: tuple[Factor, ...] = (
    Factor("1", lambda m, n: 1.0),
    Factor("m", lambda m, n: float(m), "the sum over the examples is never divided by m"),
    Factor("1/m", lambda m, n: 1.0 / m, "the result is divided by m twice"),
    Factor("m/n", lambda m, n: m / n, "the sum is divided by n (the number of features) instead of m"),
    Factor("1/n", lambda m, n: 1.0 / n, "the sum is divided by m*n instead of m"),
    Factor("m/(m-1)", lambda m, n: m / (m - 1) if m > 1 else math.nan, "the sum is divided by m - 1 instead of m"),
    Factor("m/(n+1)", lambda m, n: m / (n + 1), "the sum is divided by n + 1 (the number of parameters) instead of m"),
    Factor("n", lambda m, n: float(n)),
    Factor("m*n", lambda m, n: float(m * n)),
    Factor("1/(m*n)", lambda m, n: 1.0 / (m * n)),
    Factor("n/m", lambda m, n: n / m),
    Factor("m^2", lambda m, n: float(m * m)),
    Factor("1/m^2", lambda m, n: 1.0 / (m * m)),
    Factor("(m-1)/m", lambda m, n: (m - 1) / m),
)


@dataclass(frozen=True)
class Ratio:
    """candidate = constant * factor(m, n) * exact, on every probe and element looked at."""

    constant: float
    factor: Factor
    probes: int
    spread: float  # the largest relative deviation seen from the fitted ratio

    def text(self) -> str:
        """The ratio as a formula: "0.01", "m", "-1", "0.01 m", "1/2"."""
        c = _snap(self.constant)
        if self.factor.text == "1":
            return _num(c)
        if _is(c, 1):
            return self.factor.text
        if _is(c, -1):
            return "-" + self.factor.text
        return f"{_num(c)} {self.factor.text}"


def _is(c: float, value: float) -> bool:
    """The fitted constant ``c`` is ``value`` (to the precision a ratio is measured with)."""
    return math.isclose(c, value, rel_tol=10 * RATIO_REL)


def _num(c: float) -> str:
    for frac, text in ((0.5, "1/2"), (-0.5, "-1/2"), (0.25, "1/4"), (1 / 3, "1/3"), (2 / 3, "2/3")):
        if math.isclose(c, frac, rel_tol=1e-9):
            return text
    return f"{c:.6g}"


@dataclass(frozen=True)
class Sample:
    """One probe's candidate and exact values of one component, with the problem's m and n."""

    m: int
    n: int
    actual: np.ndarray
    exact: np.ndarray


def probe_ratio(s: Sample) -> float | None:
    """candidate / exact on one probe when it is the same for every (non-negligible) element."""
    a = np.asarray(s.actual, dtype=np.float64).reshape(-1)
    e = np.asarray(s.exact, dtype=np.float64).reshape(-1)
    if a.shape != e.shape or not np.all(np.isfinite(a)) or not np.all(np.isfinite(e)):
        return None
    big = float(np.max(np.abs(e), initial=0.0))
    if big == 0:
        return None
    use = np.abs(e) >= MIN_SHARE * big
    r = a[use] / e[use]
    if r.size == 0 or np.all(r == 0):
        return None
    mid = float(np.median(r))
    if mid == 0 or np.any(np.abs(r - mid) > RATIO_REL * abs(mid)):
        return None
    # the small elements must agree too (within the rounding of the big ones)
    if np.any(np.abs(a[~use] - mid * e[~use]) > RATIO_REL * abs(mid) * big):
        return None
    return mid


def ratio_of(samples: list[Sample]) -> Ratio | None:
    """The Ratio the samples follow, or None.  Needs two probes or more; a probe with no usable
    elements (all exact values 0) is skipped, and a wrong one (no single ratio) ends the search."""
    rs = []
    for s in samples:
        e = np.asarray(s.exact, dtype=np.float64)
        if e.size and not np.any(e):
            continue
        r = probe_ratio(s)
        if r is None:
            return None
        rs.append((s.m, s.n, r))
    if len(rs) < 2:
        return None
    fits = []
    for factor in FACTORS:
        cs = [r / factor.value(m, n) for m, n, r in rs]
        if not all(math.isfinite(c) for c in cs):
            continue
        mid = float(np.median(cs))
        spread = max(abs(c - mid) for c in cs) / abs(mid)
        if spread <= RATIO_REL:
            fits.append(Ratio(mid, factor, len(rs), spread))
    if not fits:
        return None
    nice = [f for f in fits if any(_is(abs(f.constant), v) for v in (1.0, 2.0, 0.5))]
    return (nice or fits)[0]


def _snap(c: float) -> float:
    """A fitted constant as the short decimal it almost certainly is (0.009999999999 -> 0.01)."""
    for digits in range(1, 9):
        r = float(f"{c:.{digits}g}")
        if math.isclose(r, c, rel_tol=10 * RATIO_REL):
            return r
    return c


@dataclass(frozen=True)
class Named:
    """A ratio in the catalog's terms: the id and a sentence saying what the ratio means."""

    id: str
    meaning: str


def name_ratio(ratio: Ratio, reduction: str = "mean", gradient: bool = False) -> Named | None:
    """The catalog id for a ratio and its reading; None for a ratio of exactly 1 (no mistake).
    ``gradient``: the component is a gradient (a step size is then a likely reading)."""
    c, f = ratio.constant, ratio.factor
    if f.text == "1" and _is(c, 1):
        return None
    if f.text == "1" and _is(c, -1):
        return Named("sign-flipped", "the result has the wrong sign")
    sign = ", and negated" if c < 0 else ""
    if _is(abs(c), 1) and reduction == "mean" and f.reading:
        return Named("not-averaged" if f.text == "m" else "wrong-divisor", f.reading + sign)
    if _is(abs(c), 1) and reduction == "sum" and f.text == "1/m":
        return Named("wrong-divisor", f"the sum is divided by m, but this assignment sums over the examples{sign}")
    if f.text == "1" and _is(abs(c), 0.5) and reduction == "mean":
        return Named("wrong-divisor", f"the sum is divided by 2m instead of m{sign}")
    step = _step_size(c) if f.text == "1" and gradient else None
    if step is not None:
        minus = "-" if c < 0 else ""
        return Named(
            "scaled", f"did you return the step {minus}alpha * gradient (alpha = {step:g}) instead of the gradient?"
        )
    return Named("scaled", "a constant factor that is no count of the problem")


def _step_size(c: float) -> float | None:
    for s in STEP_SIZES:
        if s != 1.0 and _is(abs(c), s):
            return s
    return None
