"""scipy.special: expit, log_expit and a loss built from xlogy / xlog1py.

- ``expit`` as sigmoid; ``log_expit`` as the loss from a logit, -(y log_expit(z) + (1 - y) log_expit(-z))
- ``xlogy`` / ``xlog1py`` as the loss from a probability, -(xlogy(y, f) + xlog1py(1 - y, -f))
- the cost as the mean of the log_expit loss, the gradient as X^T (expit(Xw + b) - y) / m
"""

from __future__ import annotations

import numpy as np

from verifier.audit.adapters import LibraryFunction, labels_as, mean_gradient

LIBRARY = "scipy"


def version() -> str:
    import scipy

    return scipy.__version__


def special_module():
    from scipy import special

    return special


def expit(z):
    return special_module().expit(z)


def log_expit_loss(z, y):
    sp = special_module()
    y = labels_as(y, z)
    return -(y * sp.log_expit(z) + (1 - y) * sp.log_expit(-z))


def xlogy_loss(f, y):
    sp = special_module()
    y = labels_as(y, f)
    return -(sp.xlogy(y, f) + sp.xlog1py(1 - y, -f))


def log_expit_cost(X, y, w, b):
    z = X @ w + b
    return np.mean(log_expit_loss(z, y))


def expit_gradient(X, y, w, b):
    z = X @ w + b
    return mean_gradient(expit(z) - labels_as(y, z), X)


def _fixed(fn):
    return lambda precision: fn


def functions() -> list[LibraryFunction]:
    return [
        LibraryFunction(LIBRARY, "scipy.special.expit", "sigmoid", _fixed(expit), "expit(z)"),
        LibraryFunction(
            LIBRARY,
            "scipy.special.log_expit",
            "loss-from-logit",
            _fixed(log_expit_loss),
            "-(y log_expit(z) + (1 - y) log_expit(-z))",
        ),
        LibraryFunction(
            LIBRARY, "scipy.special.xlogy / xlog1py", "loss", _fixed(xlogy_loss), "-(xlogy(y, f) + xlog1py(1 - y, -f))"
        ),
        LibraryFunction(
            LIBRARY,
            "mean of log_expit loss",
            "cost",
            _fixed(log_expit_cost),
            "mean over examples of the log_expit loss at z = Xw + b",
        ),
        LibraryFunction(
            LIBRARY,
            "expit(z) - y gradient",
            "gradient",
            _fixed(expit_gradient),
            "X^T (expit(Xw + b) - y) / m and mean(expit(Xw + b) - y)",
        ),
    ]
