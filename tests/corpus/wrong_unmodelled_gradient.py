import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    err = expit(X @ w + b) - y
    # residuals weighted by their own size
    dj_dw = X.T @ (err * np.abs(err)) / m
    dj_db = np.mean(err**3)
    return dj_db, dj_dw
