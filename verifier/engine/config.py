"""What one run judges and how (``RunConfig``), and where its time goes (``Perf``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from verifier.spec.formats import Format
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


@dataclass(frozen=True)
class RunConfig:
    target: Target
    fmt: Format
    standard: str
    profile: Profile
    seed: int
    lam: float = 0.0
    soft_labels: bool = False
    progress: Callable[[str], None] | None = None
    perf: Perf | None = None  # where the time goes, when a caller wants to know (benchmarks/check.py)
