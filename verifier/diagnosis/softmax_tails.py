"""Where a softmax-family function breaks in the tails, read from the ladder of rows of logits
(verifier/diagnosis/softmax_cases.py).

- inf or NaN where the truth is finite on rows at one large value (the unshifted exp overflows), or
  NaN on rows with a large gap (a mean shift still overflows): ``overflow``;
- +-inf only on rows with a large gap, every row at one large value right: the log of a probability
  that rounded to 0 (log of softmax instead of log-softmax): ``log-of-zero``;
- the same wrong value on several gap rows while the truth moves: a probability clipped at eps,
  eps read back from the pinned value: ``clipping``;
- wrong at 1e12 + 0.5 (no float32 number) and right at 2^40 (a float32 number) while every row at one
  large value is right: the shift computed in float32: ``reduced-precision``.
Each finding names where it starts: the last rung that is right and the first that is not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from verifier.diagnosis.evidence import Candidate, adapt, observe, show_number
from verifier.diagnosis.models import as_float
from verifier.diagnosis.softmax_cases import Rung, ladder
from verifier.engine.judge import compare


@dataclass
class Point:
    """The candidate on one rung: outputs (None when the call failed), truth, verdict."""

    rung: Rung
    outputs: dict[str, np.ndarray] | None
    exact: dict[str, np.ndarray]
    passed: bool

    @property
    def blows_up(self) -> bool:
        """Some output inf or NaN where the truth is finite."""
        if self.outputs is None:
            return False
        return any(
            bool(np.any(~np.isfinite(np.asarray(v, dtype=np.float64)) & np.isfinite(self.exact[k])))
            for k, v in self.outputs.items()
        )

    @property
    def has_nan(self) -> bool:
        return self.outputs is not None and any(
            bool(np.any(np.isnan(np.asarray(v, dtype=np.float64)))) for v in self.outputs.values()
        )


def points(probe, cfg) -> list[Point]:
    """The candidate on every rung whose truth the oracle gives."""
    out = []
    for rung in ladder(cfg.target, cfg.fmt):
        case = adapt(cfg, rung.case)
        try:
            raw = cfg.target.exact(case)
        except (ArithmeticError, ValueError):
            continue
        obs = observe(probe, case)
        passed = False
        if obs.outputs is not None:
            passed = compare(cfg.target, case, obs.outputs, raw, cfg.fmt, cfg.standard).passed
        out.append(Point(Rung(rung.kind, rung.value, rung.row, case), obs.outputs, as_float(raw), passed))
    return out


def _values(ps: list[Point]) -> str:
    return ", ".join(show_number(p.rung.value) for p in ps)


def _onset(ps: list[Point], kind: str) -> str:
    rungs = sorted((p for p in ps if p.rung.kind == kind and p.rung.value > 0), key=lambda p: p.rung.value)
    first_bad = next((p for p in rungs if not p.passed), None)
    if first_bad is None:
        return ""
    good = [p for p in rungs if p.passed and p.rung.value < first_bad.rung.value]
    before = f"right up to {show_number(good[-1].rung.value)}, " if good else ""
    return f" ({before}wrong from {show_number(first_bad.rung.value)})"


def _overflow(ps: list[Point], fmt) -> Candidate | None:
    large = [p for p in ps if p.rung.kind == "large" and p.blows_up]
    gap_nan = [p for p in ps if p.rung.kind == "gap" and p.blows_up and p.has_nan]
    if not large and not gap_nan:
        return None
    import reference

    ovf = reference.thresholds(fmt.name).exp_overflow
    words = []
    if large:
        words.append(f"rows of logits near {_values(large)}{_onset(ps, 'large')}")
    if gap_nan:
        words.append(f"rows whose leading class is ahead by {_values(gap_nan)}")
    detail = (
        f"the result is inf or NaN for {' and for '.join(words)}, where the true value is finite: e^z "
        f"overflows to inf beyond z = {ovf:.2f} ({fmt.name}) unless the row's maximum is subtracted first"
    )
    evidence = {"rows": [list(p.rung.row) for p in large + gap_nan], "threshold": ovf, "cause": "no-max-shift"}
    return Candidate("overflow", 0.9, detail, evidence)


def _log_of_zero(ps: list[Point]) -> Candidate | None:
    bad = [p for p in ps if p.blows_up]
    if not bad or any(p.rung.kind != "gap" or p.has_nan for p in bad):
        return None
    detail = (
        f"the result is infinite for rows whose leading class is ahead by {_values(bad)}{_onset(ps, 'gap')}, "
        "where a probability rounds to 0 and its log is -inf; the true log-probability is finite "
        "(z_k - logsumexp(z)), and rows of large logits are right"
    )
    return Candidate("log-of-zero", 0.9, detail, {"gaps": [p.rung.value for p in bad], "cause": "log-of-softmax"})


def _pinned_component(ps: list[Point]) -> tuple[str, list[Point]] | None:
    """A component whose value is the same on 2+ failing gap rungs while the truth differs there."""
    bad = [p for p in ps if p.rung.kind == "gap" and not p.passed and p.outputs is not None and not p.blows_up]
    for comp in bad[0].outputs if bad and bad[0].outputs is not None else ():
        groups: dict[bytes, list[Point]] = {}
        for p in bad:
            groups.setdefault(np.asarray(p.outputs[comp], dtype=np.float64).tobytes(), []).append(p)  # type: ignore[index]
        for same in groups.values():
            truths = {np.asarray(p.exact[comp]).tobytes() for p in same}
            if len(same) >= 2 and len(truths) == len(same):
                return comp, same
    return None


def _clipping(ps: list[Point]) -> Candidate | None:
    found = _pinned_component(ps)
    if found is None:
        return None
    comp, same = found
    value = np.asarray(same[0].outputs[comp], dtype=np.float64).reshape(-1)  # type: ignore[index]
    top = float(np.max(value))
    rows = len(same[0].rung.case.yidx)  # a cost is the mean over the rows: one pinned, one near 0
    eps = math.exp(-top * rows) if value.size == 1 else math.exp(-top)
    truth = np.asarray(same[-1].exact[comp], dtype=np.float64).reshape(-1)
    detail = (
        f"{comp} stays at {show_number(top)} for rows whose leading class is ahead by {_values(same)}, "
        f"while the true value moves (to {show_number(float(np.max(truth)))} at {show_number(same[-1].rung.value)}): "
        f"the probability is clipped or guarded, as if at eps = {eps:.3g} (-log(eps) = {show_number(-math.log(eps))})"
    )
    return Candidate("clipping", 0.8, detail, {"component": comp, "eps": eps, "gaps": [p.rung.value for p in same]})


def _float32_shift(ps: list[Point]) -> Candidate | None:
    wide = {p.rung.value: p for p in ps if p.rung.kind == "wide"}
    odd, even = wide.get(1e12 + 0.5), wide.get(float(2**40))
    large_ok = all(p.passed for p in ps if p.rung.kind == "large")
    if odd is None or even is None or odd.passed or not even.passed or not large_ok:
        return None
    detail = (
        "the result is wrong for logits near 1e12 + 0.5, which float32 cannot hold, and right for logits near "
        "2^40 = 1.09951e+12, which it can, and for every other large row: the row's maximum (the shift) is "
        "computed in float32 and misses the true maximum by thousands, so exp overflows"
    )
    return Candidate("reduced-precision", 0.9, detail, {"rows": [list(odd.rung.row), list(even.rung.row)]})


FINDERS = (_float32_shift, _log_of_zero, _clipping)


def findings(probe, cfg) -> list[Candidate]:
    """The tail causes the ladder shows, the most specific first; [] when every rung is right."""
    ps = points(probe, cfg)
    if all(p.passed for p in ps):
        return []
    for finder in FINDERS:
        found = finder(ps)
        if found is not None:
            return [found]
    found = _overflow(ps, cfg.fmt)
    return [found] if found is not None else []
