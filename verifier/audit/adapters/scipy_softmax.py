"""scipy.special for the softmax family: softmax, log_softmax and logsumexp, and losses built on them.

scipy's default axis for these three is None (the whole array); the adapter passes ``axis=-1``, one
row per example, as the targets mean.

- ``softmax(z, axis=-1)``, ``log_softmax(z, axis=-1)``, ``logsumexp(z, axis=-1)`` as themselves
- ``-log_softmax(z, axis=-1)[i, y_i]`` as the per-example cross-entropy from logits
- the mean of that loss at X W + b as the multinomial cost; X^T (softmax(X W + b) - Y) / m and the
  mean of softmax(X W + b) - Y as its gradient
"""

from __future__ import annotations

import numpy as np

from verifier.audit.adapters import LibraryFunction, one_hot, picked
from verifier.audit.adapters.scipy_special import LIBRARY, special_module, version

__all__ = ["LIBRARY", "functions", "version"]


def softmax(z):
    return special_module().softmax(z, axis=-1)


def log_softmax(z):
    return special_module().log_softmax(z, axis=-1)


def logsumexp(z):
    return special_module().logsumexp(z, axis=-1)


def cross_entropy(z, y):
    return -picked(log_softmax(z), y)


def cost(X, y, W, b):
    return np.mean(cross_entropy(X @ W + b, y))


def gradient(X, y, W, b):
    z = X @ W + b
    r = softmax(z) - one_hot(y, z)
    m = r.dtype.type(X.shape[0])
    return r.sum(axis=0) / m, X.T @ r / m


def _fixed(fn):
    return lambda precision: fn


def functions() -> list[LibraryFunction]:
    return [
        LibraryFunction(LIBRARY, "scipy.special.softmax", "softmax", _fixed(softmax), "softmax(z, axis=-1)"),
        LibraryFunction(
            LIBRARY, "scipy.special.log_softmax", "log-softmax", _fixed(log_softmax), "log_softmax(z, axis=-1)"
        ),
        LibraryFunction(LIBRARY, "scipy.special.logsumexp", "logsumexp", _fixed(logsumexp), "logsumexp(z, axis=-1)"),
        LibraryFunction(
            LIBRARY,
            "-log_softmax picked at the label",
            "softmax-loss",
            _fixed(cross_entropy),
            "-log_softmax(z, axis=-1)[i, y_i]",
        ),
        LibraryFunction(
            LIBRARY,
            "mean of the log_softmax loss",
            "softmax-cost",
            _fixed(cost),
            "mean of -log_softmax(XW + b)[i, y_i]",
        ),
        LibraryFunction(
            LIBRARY,
            "softmax(z) - Y gradient",
            "softmax-gradient",
            _fixed(gradient),
            "X^T (softmax(XW + b) - Y) / m and the mean of softmax(XW + b) - Y",
        ),
    ]
