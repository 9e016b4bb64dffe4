"""statsmodels: ``Logit(y, [X, 1]).loglike`` and ``.score`` at params = [w, b].

The log-likelihood is -m J and the score is -m dJ/d(w, b), so the adapter returns -loglike / m and
-score / m.  statsmodels computes in float64 whatever it is given; in float32 mode that is judged
like any other result returned in a wider format.
"""

from __future__ import annotations

import warnings

import numpy as np

from verifier.audit.adapters import LibraryFunction, labels_as

LIBRARY = "statsmodels"


def version() -> str:
    import statsmodels

    return statsmodels.__version__


def _model(X, y):
    from statsmodels.discrete.discrete_model import Logit

    exog = np.hstack([X, np.ones((X.shape[0], 1), dtype=X.dtype)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Logit(labels_as(y, X), exog)


def _params(w, b):
    return np.concatenate([w, np.asarray([b], dtype=w.dtype)])


def loglike_cost(X, y, w, b):
    return -_model(X, y).loglike(_params(w, b)) / X.shape[0]


def score_gradient(X, y, w, b):
    g = -_model(X, y).score(_params(w, b)) / X.shape[0]
    return g[-1], g[:-1]


def _fixed(fn):
    return lambda precision: fn


def functions() -> list[LibraryFunction]:
    return [
        LibraryFunction(
            LIBRARY, "Logit.loglike", "cost", _fixed(loglike_cost), "-Logit(y, [X, 1]).loglike([w, b]) / m"
        ),
        LibraryFunction(
            LIBRARY, "Logit.score", "gradient", _fixed(score_gradient), "-Logit(y, [X, 1]).score([w, b]) / m"
        ),
    ]
