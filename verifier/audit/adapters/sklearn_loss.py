"""scikit-learn: HalfBinomialLoss, LinearModelLoss and metrics.log_loss.

- ``HalfBinomialLoss().loss(y, z)`` as the loss from a logit; ``.gradient(y, z)`` (dL/dz per example)
  turned into the problem gradient X^T g / m, mean(g)
- ``LinearModelLoss(HalfBinomialLoss(), fit_intercept=True).loss_gradient(coef, X, y,
  l2_reg_strength=lambda / m)`` with coef = [w, b]: with that strength sklearn's objective is the
  course's J (mean loss + lambda / (2m) ||w||^2) and its gradient
- ``metrics.log_loss([y_i], [f_i], labels=[0, 1])`` per example as the loss from a probability
These are private modules of sklearn (``sklearn._loss``, ``sklearn.linear_model._linear_loss``): the
functions its own estimators call.
"""

from __future__ import annotations

import numpy as np

from verifier.audit.adapters import LibraryFunction, labels_as, mean_gradient

LIBRARY = "sklearn"


def version() -> str:
    import sklearn

    return sklearn.__version__


def _binomial():
    from sklearn._loss.loss import HalfBinomialLoss

    return HalfBinomialLoss()


def half_binomial_loss(z, y):
    z = np.asarray(z)
    flat = np.ascontiguousarray(z.reshape(-1))  # the loss takes 1-d arrays
    out = _binomial().loss(y_true=labels_as(y, z).reshape(-1), raw_prediction=flat)
    return out.reshape(z.shape)


def half_binomial_gradient(X, y, w, b):
    z = np.asarray(X @ w + b)
    g = _binomial().gradient(y_true=labels_as(y, z), raw_prediction=z)
    return mean_gradient(g, X)


def _linear_model_loss(X, y, w, b, lambda_):
    from sklearn.linear_model._linear_loss import LinearModelLoss

    lml = LinearModelLoss(base_loss=_binomial(), fit_intercept=True)
    coef = np.concatenate([w, np.asarray([b], dtype=w.dtype)])
    m = X.shape[0]
    return lml.loss_gradient(coef, X, labels_as(y, X), l2_reg_strength=lambda_ / m)


def linear_model_cost(X, y, w, b, lambda_=0.0):
    loss, _ = _linear_model_loss(X, y, w, b, lambda_)
    return loss


def linear_model_gradient(X, y, w, b, lambda_=0.0):
    _, grad = _linear_model_loss(X, y, w, b, lambda_)
    return grad[-1], grad[:-1]


def log_loss(f, y):
    from sklearn.metrics import log_loss as sk_log_loss

    f = np.asarray(f)
    y = labels_as(y, f)
    out = [sk_log_loss([yi], [fi], labels=[0, 1]) for fi, yi in zip(f.reshape(-1), y.reshape(-1))]
    return np.asarray(out, dtype=np.float64).reshape(f.shape)


def _fixed(fn):
    return lambda precision: fn


REGULARIZED = 1.0  # lambda used for LinearModelLoss (l2_reg_strength = lambda / m)


def functions() -> list[LibraryFunction]:
    lml = "LinearModelLoss(HalfBinomialLoss()).loss_gradient, l2_reg_strength = lambda / m"
    return [
        LibraryFunction(
            LIBRARY,
            "HalfBinomialLoss.loss",
            "loss-from-logit",
            _fixed(half_binomial_loss),
            "HalfBinomialLoss().loss(y_true=y, raw_prediction=z)",
        ),
        LibraryFunction(
            LIBRARY,
            "HalfBinomialLoss.gradient",
            "gradient",
            _fixed(half_binomial_gradient),
            "g = HalfBinomialLoss().gradient(y, Xw + b); (mean(g), X^T g / m)",
        ),
        LibraryFunction(
            LIBRARY, "LinearModelLoss.loss_gradient (loss)", "cost", _fixed(linear_model_cost), lml, lam=REGULARIZED
        ),
        LibraryFunction(
            LIBRARY,
            "LinearModelLoss.loss_gradient (gradient)",
            "gradient",
            _fixed(linear_model_gradient),
            lml,
            lam=REGULARIZED,
        ),
        LibraryFunction(
            LIBRARY,
            "metrics.log_loss",
            "loss",
            _fixed(log_loss),
            "log_loss([y_i], [f_i], labels=[0, 1]) for each example",
        ),
    ]
