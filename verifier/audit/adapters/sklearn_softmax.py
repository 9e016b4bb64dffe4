"""scikit-learn for the softmax family: HalfMultinomialLoss and LinearModelLoss, as its estimators use them.

- ``HalfMultinomialLoss(n_classes=K).loss(y, z)`` as the per-example cross-entropy from logits
  (labels as floats, as sklearn passes them)
- ``LinearModelLoss(HalfMultinomialLoss(n_classes=K), fit_intercept=True).loss_gradient(coef, X, y)``
  with coef = [W^T | b] (K rows of n weights and the intercept) as the multinomial cost and its
  gradient (dJ/dW read back as an (n, K) array)
These are private modules of sklearn (``sklearn._loss``, ``sklearn.linear_model._linear_loss``): the
functions ``LogisticRegression`` calls for the multinomial model.
"""

from __future__ import annotations

import numpy as np

from verifier.audit.adapters import LibraryFunction

LIBRARY = "sklearn"


def version() -> str:
    import sklearn

    return sklearn.__version__


def _multinomial(K: int):
    from sklearn._loss.loss import HalfMultinomialLoss

    return HalfMultinomialLoss(n_classes=K)


def multinomial_loss(z, y):
    z = np.ascontiguousarray(z)
    return _multinomial(z.shape[-1]).loss(y_true=np.asarray(y).astype(z.dtype), raw_prediction=z)


def _loss_gradient(X, y, W, b):
    from sklearn.linear_model._linear_loss import LinearModelLoss

    W = np.asarray(W)
    K = W.shape[1]
    lml = LinearModelLoss(base_loss=_multinomial(K), fit_intercept=True)
    coef = np.ascontiguousarray(np.hstack([W.T, np.asarray(b, dtype=W.dtype).reshape(K, 1)]))
    return lml.loss_gradient(coef, np.ascontiguousarray(X), np.asarray(y).astype(W.dtype), l2_reg_strength=0.0)


def linear_model_cost(X, y, W, b):
    loss, _ = _loss_gradient(X, y, W, b)
    return loss


def linear_model_gradient(X, y, W, b):
    _, grad = _loss_gradient(X, y, W, b)
    K = np.shape(W)[1]
    grad = np.asarray(grad).reshape(K, -1)
    return grad[:, -1], grad[:, :-1].T


def _fixed(fn):
    return lambda precision: fn


def functions() -> list[LibraryFunction]:
    return [
        LibraryFunction(
            LIBRARY,
            "sklearn HalfMultinomialLoss.loss",
            "softmax-loss",
            _fixed(multinomial_loss),
            "HalfMultinomialLoss(n_classes=K).loss(y, z)",
        ),
        LibraryFunction(
            LIBRARY,
            "sklearn LinearModelLoss (multinomial) loss",
            "softmax-cost",
            _fixed(linear_model_cost),
            "LinearModelLoss(HalfMultinomialLoss, fit_intercept=True).loss_gradient(coef, X, y)[0]",
        ),
        LibraryFunction(
            LIBRARY,
            "sklearn LinearModelLoss (multinomial) gradient",
            "softmax-gradient",
            _fixed(linear_model_gradient),
            "loss_gradient(...)[1], coef = [W^T | b]",
        ),
    ]
