"""The problem's form as a course writes it: a mean or a sum over the examples, and the L2 penalty's
factor, with or without the intercept.

    J = R * (1/m) sum_i L_i  +  c * (||w||^2 [+ b^2])      R = 1 (mean) or m (sum)
                                                          c = lam/(2m), lam/2 or lam

The default (mean, lam/(2m), intercept not penalized) is the Coursera form the oracle computes
directly.  Any other form is computed exactly from the oracle's data term at lambda = 0 and the exact
rational penalty; where the two parts of a gradient component cancel, the data term is recomputed at
a higher precision until the sum is known to ``RESULT_BITS`` bits (Ziv's strategy).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

REDUCTIONS = ("mean", "sum")
PENALTIES = ("lam/(2m)", "lam/2", "lam")
RESULT_BITS = 128  # relative accuracy of a combined exact value, as the oracle's own default
START_BITS = 160  # first precision of the data term in a combination
MAX_BITS = 1 << 13  # the Ziv loop stops here (a sum that is still undecided is returned as computed)


@dataclass(frozen=True)
class ProblemForm:
    """``reduction`` "mean" | "sum"; ``penalty`` "lam/(2m)" | "lam/2" | "lam"; ``penalize_intercept``."""

    reduction: str = "mean"
    penalty: str = "lam/(2m)"
    penalize_intercept: bool = False

    def __post_init__(self) -> None:
        if self.reduction not in REDUCTIONS:
            raise ValueError(f"reduction={self.reduction!r} is not known; use one of: {', '.join(REDUCTIONS)}")
        if self.penalty not in PENALTIES:
            raise ValueError(f"penalty={self.penalty!r} is not known; use one of: {', '.join(PENALTIES)}")
        if not isinstance(self.penalize_intercept, bool):
            raise ValueError(f"penalize_intercept={self.penalize_intercept!r}: write true or false")

    @property
    def is_default(self) -> bool:
        return self == DEFAULT_FORM

    def scale(self, m: int) -> int:
        """R: 1 for a mean, m for a sum."""
        return m if self.reduction == "sum" else 1

    def coefficient(self, lam: float, m: int) -> Fraction:
        """c, the exact factor in front of ||w||^2."""
        factor = {"lam/(2m)": Fraction(1, 2 * m), "lam/2": Fraction(1, 2), "lam": Fraction(1)}[self.penalty]
        return factor * Fraction(lam)

    def equivalent_lambda(self, lam: float, m: int) -> float:
        """The lambda of the default form whose penalty, scaled by R, equals this form's (for envelopes)."""
        return float(2 * m * self.coefficient(lam, m) / self.scale(m))

    def describe(self) -> str:
        pen = {"lam/(2m)": "lambda/(2m)", "lam/2": "lambda/2", "lam": "lambda"}[self.penalty]
        on = "||theta||^2 (intercept included)" if self.penalize_intercept else "||w||^2"
        return f"{self.reduction} of the losses + {pen} {on}"

    def plain(self) -> dict[str, Any]:
        return {"reduction": self.reduction, "penalty": self.penalty, "penalize_intercept": self.penalize_intercept}


DEFAULT_FORM = ProblemForm()

# How courses write the penalty, and the factor each spelling means (spaces are ignored).
PENALTY_SPELLINGS = {
    "lam/(2m)*||W||^2": "lam/(2m)",
    "lam/(2m)*||w||^2": "lam/(2m)",
    "lam/2*||W||^2": "lam/2",
    "lam/2*||w||^2": "lam/2",
    "0.5*reg*sum(W^2)": "lam/2",
    "lam*||W||^2": "lam",
    "lam*||w||^2": "lam",
    "reg*sum(W^2)": "lam",
    "reg*sum(W*W)": "lam",
    "reg*np.sum(W*W)": "lam",
}


def penalty_named(text: str) -> str:
    """The penalty factor (one of PENALTIES) that ``text`` means: a factor itself, or a course's
    spelling of the whole penalty such as "reg*sum(W^2)" (cs231n: "lam")."""
    key = "".join(str(text).split())
    if key in PENALTIES:
        return key
    if key in PENALTY_SPELLINGS:
        return PENALTY_SPELLINGS[key]
    known = ", ".join([*PENALTIES, *PENALTY_SPELLINGS])
    raise ValueError(f"penalty={text!r} is not known; use one of: {known}")


def _mp(q: Fraction) -> Any:
    return mpmath.mpf(q.numerator) / q.denominator


def combine(data: Any, scale: int, extra: Fraction) -> Any:
    """scale * data + extra where data is exact to the working precision and the two cannot cancel
    (both of one sign: costs, Hessian diagonals)."""
    with mpmath.workprec(RESULT_BITS + 64):
        return +(mpmath.mpf(scale) * data + _mp(extra))


def combine_cancelling(compute: Any, scale: int, extras: list[Fraction]) -> list[Any]:
    """scale * data_j + extras[j] for data = compute(prec), recomputed at doubling precision until each
    sum is known to RESULT_BITS bits relative (data_j is accurate to prec bits relative)."""
    prec = START_BITS
    while True:
        data = compute(prec)
        out, settled = [], True
        with mpmath.workprec(prec + 64):
            for d, e in zip(data, extras):
                total = mpmath.mpf(scale) * d + _mp(e)
                bound = abs(mpmath.mpf(scale) * d) * mpmath.ldexp(1, -prec + 2)
                if total == 0 and bound == 0:
                    out.append(total)
                    continue
                if bound > abs(total) * mpmath.ldexp(1, -RESULT_BITS):
                    settled = False
                out.append(total)
        if settled or prec >= MAX_BITS:
            return out
        prec *= 2


def penalty_gradient(form: ProblemForm, lam: float, w: np.ndarray, b: float, m: int) -> list[Fraction]:
    """d/d(w, b) of c (||w||^2 [+ b^2]), exactly, in the canonical order (w..., b)."""
    c = form.coefficient(lam, m)
    out = [2 * c * Fraction(float(v)) for v in np.asarray(w, dtype=np.float64).reshape(-1)]
    out.append(2 * c * Fraction(float(b)) if form.penalize_intercept else Fraction(0))
    return out


def penalty_value(form: ProblemForm, lam: float, w: np.ndarray, b: float, m: int) -> Fraction:
    """c (||w||^2 [+ b^2]) exactly."""
    c = form.coefficient(lam, m)
    total = sum((Fraction(float(v)) ** 2 for v in np.asarray(w, dtype=np.float64).reshape(-1)), Fraction(0))
    if form.penalize_intercept:
        total += Fraction(float(b)) ** 2
    return c * total


def parse_form(reduction: str = "mean", penalty: str = "lam/(2m)", penalize_intercept: bool = False) -> ProblemForm:
    """A validated ProblemForm (ValueError naming the bad value and the choices); ``penalty`` may be a
    course's spelling (``penalty_named``)."""
    return ProblemForm(reduction, penalty_named(penalty), penalize_intercept)
