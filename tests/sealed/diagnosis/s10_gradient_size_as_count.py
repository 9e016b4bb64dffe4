import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    """Vectorized gradient of the logistic cost."""
    m = X.size
    err = expit(X @ w + b) - y
    dj_dw = X.T @ err / m
    dj_db = np.sum(err) / m
    return dj_db, dj_dw
