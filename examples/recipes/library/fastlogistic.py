"""A small library's logistic regression: the functions its own test suite verifies against the
verifier's exact oracle (tests/test_fastlogistic.py and the pytest plugin, see README.md)."""

import numpy as np


def sigmoid(z):
    """1 / (1 + exp(-z)), elementwise, without overflow for large |z|."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def compute_cost_logistic(X, y, w, b):
    """Mean log-loss, written as softplus(z) - y z so that it stays finite for any z."""
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, z) - y * z)


def compute_gradient_logistic(X, y, w, b):
    """(dj_db, dj_dw): the gradient of the mean log-loss."""
    err = sigmoid(X @ w + b) - y
    return err.mean(), X.T @ err / X.shape[0]
