import numpy as np
from scipy.special import expit


def compute_gradient_logistic_reg(X, y, w, b, lambda_):
    m = X.shape[0]
    err = expit(X @ w + b) - y
    dj_dw = X.T @ err / m + (lambda_ / m) * w
    dj_db = err.sum() / m + (lambda_ / m) * b
    return dj_dw, dj_db
