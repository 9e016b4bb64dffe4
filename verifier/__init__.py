"""Property-based verification of logistic regression code against an exact oracle.

``verifier.check(candidate, target=..., convention=...)`` judges one function and returns a
``Result``; see docs/ for the targets, conventions, envelopes and the JSON schema.
"""

__version__ = "0.1.0"



def __getattr__(name: str):
    # check and UsageError load verifier.api (numpy, Hypothesis, mpmath) on first use, so that
    # importing a light submodule (the pytest plugin, loaded in every pytest run) stays cheap.
    if name in ("check", "UsageError"):
        from verifier import api

        return getattr(api, name)
    raise AttributeError(f"module 'verifier' has no attribute {name!r}")



def assert_correct(fn, target: str = "gradient", convention: str = "mls", **kwargs):
    """Raise AssertionError with the readable summary unless ``fn`` passes every check."""
    from verifier.assertions import assert_correct as _assert_correct

    return _assert_correct(fn, target=target, convention=convention, **kwargs)


__all__ = ["check", "assert_correct", "UsageError", "__version__"]
