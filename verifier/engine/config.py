"""What one run judges and how (``RunConfig``), and where its time goes (``Perf``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from verifier.spec.case import Case
from verifier.spec.formats import Format
from verifier.spec.forms import DEFAULT_FORM, ProblemForm
from verifier.spec.profiles import Profile
from verifier.spec.targets import Target


@dataclass
class Perf:
    """Where a run's time goes (read by benchmarks/check.py): candidate calls, oracle and judging;
    the rest of a check's time is Hypothesis generating and shrinking.  ``first_failure_at`` is the
    perf_counter time the first failing example was seen (None until then)."""

    calls: float = 0.0
    oracle: float = 0.0
    checks: float = 0.0
    examples: int = 0
    first_failure_at: float | None = None

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]


DEFAULT_LABELS = ("float", "int")  # label encodings drawn unless an assignment asks for others


@dataclass(frozen=True)
class RunConfig:
    """What one run judges: the target (restricted to the components the signature returns), the
    format, standard, profile and seed, lambda, and the problem as the candidate sees it (``form``,
    ``bias``: False for a model without b, ``labels``: the label encodings it is given)."""

    target: Target
    fmt: Format
    standard: str
    profile: Profile
    seed: int
    lam: float = 0.0
    soft_labels: bool = False
    progress: Callable[[str], None] | None = None
    perf: Perf | None = None  # where the time goes, when a caller wants to know (benchmarks/check.py)
    form: ProblemForm = DEFAULT_FORM
    bias: bool = True
    labels: tuple[str, ...] = DEFAULT_LABELS

    def adapt(self, case: Case) -> Case:
        """A drawn canonical case as this run's candidate sees it: its form, and without b for a model
        without bias (the same logits: b moves into a column of ones)."""
        if not case.is_problem:
            return case
        if case.form != self.form:
            case = case.replace(form=self.form)
        return case if self.bias else case.without_bias()
