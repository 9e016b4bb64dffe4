"""Exact oracle for logistic regression (placeholder until the oracle lands)."""
