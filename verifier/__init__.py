"""Property-based verification of logistic regression code against an exact oracle.

``verifier.check(candidate, target=..., convention=...)`` judges one function and returns a
``Result``; ``verifier.assert_correct`` raises with a readable summary instead.  docs/architecture.md
maps the packages; docs/ holds the targets, conventions, envelopes and the JSON schema.
"""

from __future__ import annotations

from typing import Any

from verifier.about import __version__
from verifier.errors import UsageError

__all__ = ["check", "assert_correct", "Lab", "UsageError", "__version__"]


def __getattr__(name: str) -> Any:
    # check loads numpy, Hypothesis and mpmath on first use, so that importing a light submodule
    # (the pytest plugin, loaded in every pytest run; the sandbox's worker) stays cheap.
    if name == "check":
        import sys

        if "IPython" in sys.modules:  # in a notebook: register how a Result shows there (loads matplotlib)
            import verifier.report.notebook  # noqa: F401
        from verifier.checking import check

        return check
    if name == "Lab":  # notebook feedback on an assignment's tasks (verifier/report/lab.py)
        from verifier.report.lab import Lab

        return Lab
    raise AttributeError(f"module 'verifier' has no attribute {name!r}")


def assert_correct(fn: Any, target: str = "gradient", convention: str = "mls", **kwargs: Any) -> Any:
    """Raise AssertionError with the readable summary unless ``fn`` passes every check; returns the
    Result when it did."""
    from verifier.assertions import assert_correct as _assert_correct

    return _assert_correct(fn, target=target, convention=convention, **kwargs)
