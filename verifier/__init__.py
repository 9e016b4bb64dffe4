"""Property-based verification of logistic regression code against an exact oracle."""

__version__ = "0.1.0"
