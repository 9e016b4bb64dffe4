"""``assert_correct``: a library's own tests assert that a function passes every check.

    from verifier import assert_correct

    def test_expit():
        assert_correct(scipy.special.expit, target="sigmoid", convention="mls")

On failure it raises AssertionError carrying the readable summary (the same as ``verifier check``
prints: each failed check, its smallest counterexample and the diagnosis), with this frame hidden
from pytest's traceback.
"""

from __future__ import annotations

from typing import Any

from verifier.checking import check
from verifier.report.summary import summarize
from verifier.spec.results import Result


def assert_correct(fn: Any, target: str = "gradient", convention: str = "mls", **kwargs: Any) -> Result:
    """Judge ``fn`` with ``verifier.check`` (same keyword arguments) and raise AssertionError with the
    summary unless every check passed; returns the Result when it did."""
    __tracebackhide__ = True
    result = check(fn, target=target, convention=convention, **kwargs)
    if not result.passed:
        failed = len(result.failed())
        raise AssertionError(
            f"{result.function} is not a correct {result.target} ({failed} of {len(result.checks)} checks failed)\n"
            + summarize(result)
        )
    return result
