"""Property-based verification of logistic regression code against an exact oracle.

``verifier.check(candidate, target=..., convention=...)`` judges one function and returns a
``Result``; see docs/ for the targets, conventions, envelopes and the JSON schema.
"""

__version__ = "0.1.0"

from verifier.api import UsageError, check  # noqa: E402

__all__ = ["check", "UsageError", "__version__"]
