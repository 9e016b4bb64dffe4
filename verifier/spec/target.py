"""``Target``: a checkable function as data: its canonical inputs, output components, oracle, envelope
and the flags the rest of the verifier reads instead of its name.

Kinds: ``pointwise`` (elementwise in z, f, y), ``rowwise`` (along the last axis of rows of logits or
probabilities: the softmax family) and ``problem`` (a model over X and its parameters).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from verifier.spec.case import Case
from verifier.spec.formats import Format

Outputs = dict[str, np.ndarray]


def _obj(value) -> np.ndarray:
    """An mpmath scalar or object array as an object ndarray."""
    if isinstance(value, np.ndarray):
        return value
    out = np.empty((), dtype=object)
    out[()] = value
    return out


@dataclass(frozen=True)
class Target:
    """A checkable function: its canonical inputs and output components, oracle and envelope."""

    name: str
    kind: str  # "pointwise", "rowwise" or "problem"
    inputs: tuple[str, ...]
    components: tuple[str, ...]
    title: str
    _exact: Callable[[Case], Outputs]
    _envelope: Callable[[Case, Outputs, Format, str], dict[str, np.ndarray]]
    regularizable: bool = False
    takes_log: bool = False  # the formula takes log(sigma) or log(1 - sigma): log(0) is a risk
    logistic: bool = True  # built on the logistic function (False: the linear-regression twins)
    multiclass: bool = False  # the softmax family: K classes, class labels, a weight matrix
    reduces_rows: bool = False  # rowwise: one value per row (logsumexp, a loss), not one per class
    penalizes_intercept: bool = True  # a form may put the intercept in the penalty (not for softmax)
    # what a check's cases are for this target, where the catalog's words are the logistic ones
    check_titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def pointwise(self) -> bool:
        """Elementwise in its inputs (z, f, y), as opposed to a problem over (X, y, w, b)."""
        return self.kind == "pointwise"

    @property
    def rowwise(self) -> bool:
        """Along the last axis of rows of logits or probabilities (the softmax family)."""
        return self.kind == "rowwise"

    @property
    def is_problem(self) -> bool:
        """A model over features X and parameters (cost, gradient, ...)."""
        return self.kind == "problem"

    @property
    def reads_labels(self) -> bool:
        """Reads 0/1 (or soft) labels y."""
        return "y" in self.inputs

    @property
    def reads_classes(self) -> bool:
        """Reads class labels yidx (integers in [0, K))."""
        return "yidx" in self.inputs

    @property
    def has_gradient(self) -> bool:
        return "dj_dw" in self.components

    @property
    def has_cost(self) -> bool:
        return "cost" in self.components

    def exact(self, case: Case) -> Outputs:
        """The oracle's exact outputs for ``case``."""
        return self._exact(case)

    def envelope(self, case: Case, exact: Outputs, fmt: Format, standard: str) -> dict[str, np.ndarray]:
        """The allowed absolute error of each output component (float64 arrays)."""
        return self._envelope(case, exact, fmt, standard)

    def restricted(self, components: tuple[str, ...]) -> Target:
        """This target judged on some of its components only (a signature that returns fewer)."""
        if components == self.components:
            return self
        return dataclasses.replace(self, components=tuple(c for c in self.components if c in components))

    @property
    def decides(self) -> bool:
        """Its output is a decision (0 or 1), not a real number."""
        return self.components == ("p",)

    def expected_shapes(self, case: Case) -> dict[str, tuple[int, ...]]:
        """The shape of each output component for ``case``."""
        if self.pointwise:
            return {"value": np.shape(case[self.inputs[0]])}
        if self.rowwise:
            shape = np.shape(case[self.inputs[0]])
            return {"value": shape[:-1] if self.reduces_rows else shape}
        n = case.n
        if self.multiclass:
            K = case.K
            return {c: {"cost": (), "dj_dw": (n, K), "dj_db": (K,)}[c] for c in self.components}
        shapes = {"cost": (), "dj_dw": (n,), "dj_db": (), "hessian": (n + 1, n + 1), "p": (case.m,)}
        return {c: shapes[c] for c in self.components}

    def logits(self, case: Case) -> np.ndarray:
        """The logits the case is about (for plots and regions), as float64."""
        if case.z is not None:
            return np.asarray(case.z, dtype=np.float64).reshape(-1)
        if case.f is not None:
            f = np.asarray(case.f, dtype=np.float64).reshape(-1)
            with np.errstate(divide="ignore"):
                return np.log(f) if self.multiclass else np.log(f) - np.log1p(-f)
        return case.logits_float.reshape(-1)

    def title_of(self, check_id: str, default: str) -> str:
        """A check's title for this target (its own words where it has them)."""
        return self.check_titles.get(check_id, default)
