import numpy as np
from scipy.special import expit


def compute_gradient_logistic_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    err = expit(X @ w + b) - y
    dj_dw = X.T @ err / m - (lambda_ / m) * w
    dj_db = err.mean()
    return dj_db, dj_dw
