"""Property-based verification of logistic regression code against an exact oracle.

``verifier.check(candidate, target=..., convention=...)`` judges one function and returns a
``Result``; see docs/ for the targets, conventions, envelopes and the JSON schema.
"""

__version__ = "0.1.0"

from verifier.api import UsageError, check  # noqa: E402



def assert_correct(fn, target: str = "gradient", convention: str = "mls", **kwargs):
    """Raise AssertionError with the readable summary unless ``fn`` passes every check."""
    from verifier.assertions import assert_correct as _assert_correct

    return _assert_correct(fn, target=target, convention=convention, **kwargs)


__all__ = ["check", "assert_correct", "UsageError", "__version__"]
