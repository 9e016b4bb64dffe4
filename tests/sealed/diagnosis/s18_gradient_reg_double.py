import numpy as np
from scipy.special import expit


def compute_gradient_logistic_reg(X, y, w, b, lambda_):
    """Gradient of J = logloss + lambda/(2m) * sum(w^2)."""
    m, n = X.shape
    err = expit(X @ w + b) - y
    dj_db = err.mean()
    dj_dw = X.T @ err / m + 2 * lambda_ / m * w
    return dj_db, dj_dw
