"""numpy, the textbook formulas: the baseline a student writes from the course's equations.

sigma = 1 / (1 + exp(-z)), sigma' = sigma (1 - sigma), loss = -y log f - (1 - y) log(1 - f), the cost
as the mean of that loss at f = sigma(Xw + b) and the gradient X^T (sigma(Xw + b) - y) / m.  Labels
are used as they arrive (a bool label array breaks ``1 - y``, as it does in a student's code).
"""

from __future__ import annotations

import numpy as np

from verifier.audit.adapters import LibraryFunction

LIBRARY = "numpy"


def version() -> str:
    return np.__version__


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_derivative(z):
    s = sigmoid(z)
    return s * (1 - s)


def loss(f, y):
    return -y * np.log(f) - (1 - y) * np.log(1 - f)


def loss_from_logit(z, y):
    return loss(sigmoid(z), y)


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    f = sigmoid(X @ w + b)
    return np.sum(loss(f, y)) / m


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    err = sigmoid(X @ w + b) - y
    return np.sum(err) / m, X.T @ err / m


def _fixed(fn):
    return lambda precision: fn


def functions() -> list[LibraryFunction]:
    how = "the course's formula in numpy"
    return [
        LibraryFunction(LIBRARY, "1 / (1 + np.exp(-z))", "sigmoid", _fixed(sigmoid), how),
        LibraryFunction(LIBRARY, "s * (1 - s)", "sigmoid-derivative", _fixed(sigmoid_derivative), how),
        LibraryFunction(LIBRARY, "-y log(f) - (1 - y) log(1 - f)", "loss", _fixed(loss), how),
        LibraryFunction(LIBRARY, "loss(sigmoid(z), y)", "loss-from-logit", _fixed(loss_from_logit), how),
        LibraryFunction(LIBRARY, "compute_cost_logistic (textbook)", "cost", _fixed(compute_cost_logistic), how),
        LibraryFunction(
            LIBRARY, "compute_gradient_logistic (textbook)", "gradient", _fixed(compute_gradient_logistic), how
        ),
    ]
