"""The catalog of checks: stable ids, tiers, what each one tests, and which targets it applies to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from verifier.spec.targets import Target


def _always(target: Target) -> bool:
    return True


def _reads_labels(target: Target) -> bool:
    return target.reads_labels


def _reads_any_labels(target: Target) -> bool:
    """0/1 labels or class labels: both come in more than one encoding."""
    return target.reads_labels or target.reads_classes


def _pointwise(target: Target) -> bool:
    return target.pointwise


def _decides(target: Target) -> bool:
    return target.decides


def _takes_logits(target: Target) -> bool:
    """The cancellation region is placed in z: targets of a probability f have none of their own."""
    return "f" not in target.inputs


@dataclass(frozen=True)
class Check:
    """One check: ``id`` is stable (reports and grading refer to it), ``kind`` says how it judges.

    Kinds: ``accuracy`` (agreement with the oracle within the envelope, on cases from ``region``),
    ``finite`` (a finite result wherever the truth is finite, over all tail regions), ``identity``
    (relations the function must satisfy, e.g. sigma(-z) = 1 - sigma(z)), ``contract`` (shapes,
    purity, determinism, array inputs).
    """

    id: str
    tier: str
    title: str
    kind: str
    region: str = ""
    applies: Callable[[Target], bool] = _always
    encoding: str = ""  # the label encoding the check needs; it runs only when the labels include it

    def title_for(self, target: Target) -> str:
        """The title in the target's own words where it has them (the softmax family's regions)."""
        return target.title_of(self.id, self.title)

    def applies_to(self, target: Target, labels: tuple[str, ...] | None = None) -> bool:
        """Whether the check runs for ``target`` when candidates get labels in ``labels`` (None: any)."""
        if self.encoding and labels is not None and self.encoding not in labels:
            return False
        return self.applies(target)


CATALOG: tuple[Check, ...] = (
    Check(
        "correctness.benign",
        "correctness",
        "agrees with the exact value for moderate inputs (|z| <= 2)",
        "accuracy",
        "benign",
    ),
    Check("correctness.shapes", "correctness", "agrees for m = 1, n = 1, m < n and m up to 300", "accuracy", "shapes"),
    Check(
        "correctness.labels",
        "correctness",
        "agrees when labels are int or float arrays",
        "accuracy",
        "labels",
        _reads_any_labels,
    ),
    Check(
        "correctness.boundary",
        "correctness",
        "agrees at the decision boundary (z = 0, and z within the rounding of Xw + b)",
        "accuracy",
        "boundary",
        _decides,
    ),
    Check(
        "correctness.identities",
        "correctness",
        "satisfies the function's identities (symmetry, label flip, row order, duplicated data)",
        "identity",
        "benign",
    ),
    Check(
        "stability.saturated",
        "stability",
        "agrees where sigma(z) rounds to 1 or is tiny (|z| beyond the saturation threshold)",
        "accuracy",
        "saturated",
    ),
    Check(
        "stability.overflow",
        "stability",
        "agrees where exp(|z|) overflows (|z| beyond 709.78 in float64)",
        "accuracy",
        "overflow",
    ),
    Check(
        "stability.underflow",
        "stability",
        "agrees where sigma(z) is subnormal or zero, and for subnormal z",
        "accuracy",
        "underflow",
    ),
    Check(
        "stability.cancellation",
        "stability",
        "agrees where the textbook formulas cancel (large opposing features, 1 - sigma)",
        "accuracy",
        "cancellation",
        _takes_logits,
    ),
    Check("stability.finite", "stability", "returns finite values wherever the true value is finite", "finite"),
    Check(
        "contract.arrays",
        "contract",
        "accepts numpy arrays (not only Python scalars) and returns the input's shape",
        "contract",
        applies=_pointwise,
    ),
    Check(
        "contract.labels",
        "contract",
        "accepts labels given as a boolean array",
        "contract",
        applies=_reads_labels,
        encoding="bool",
    ),
    Check("contract.shapes", "contract", "returns the documented types and shapes", "contract"),
    Check("contract.pure", "contract", "does not modify its input arrays", "contract"),
    Check("contract.deterministic", "contract", "returns identical results for identical inputs", "contract"),
)

CHECKS = {c.id: c for c in CATALOG}
TAIL_REGIONS = ("saturated", "overflow", "underflow", "cancellation")


def checks_for(target: Target, labels: tuple[str, ...] | None = None) -> list[Check]:
    """The checks that apply to ``target`` (with labels in ``labels``), in catalog order."""
    return [c for c in CATALOG if c.applies_to(target, labels)]
