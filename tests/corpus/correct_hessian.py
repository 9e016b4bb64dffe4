"""Hessian of the logistic cost, for Newton's method."""
import numpy as np
from scipy.special import expit


def compute_hessian_logistic(X, y, w, b):
    """Second derivatives of J w.r.t. (w_1, ..., w_n, b), shape (n+1, n+1).

    H = (1/m) A^T diag(s (1 - s)) A with A = [X, 1]; s (1 - s) is computed as
    sigmoid(z) * sigmoid(-z), which keeps its accuracy when s rounds to 1.
    """
    m, n = X.shape
    z = X @ w + b
    d = expit(z) * expit(-z)
    A = np.hstack([X, np.ones((m, 1))])
    return (A.T * d) @ A / m
