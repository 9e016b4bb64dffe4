import numpy as np
from scipy.special import expit


def compute_gradient_logistic_reg(X, y, w, b, lambda_):
    m, n = X.shape
    err = expit(np.dot(X, w) + b) - y
    dj_dw = np.dot(X.T, err) / m
    dj_db = np.sum(err) / m
    dj_dw -= (lambda_ / m) * w
    return dj_dw, dj_db
