import numpy as np
from scipy.special import expit

ALPHA = 1e-3


def compute_gradient_logistic(X, y, w, b):
    """Gradient for one step of gradient descent."""
    m, n = X.shape
    err = expit(X @ w + b) - y
    dj_dw = ALPHA * (X.T @ err) / m
    dj_db = ALPHA * err.sum() / m
    return dj_db, dj_dw
