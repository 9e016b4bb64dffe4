import numpy as np
from scipy.special import expit


def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    z = X @ w + b
    cost = np.sum(np.logaddexp(0, z) - y * z) / m
    reg = lambda_ / (2 * m) * np.sum(w ** 2)   # b is not regularized
    return cost + reg


def compute_gradient_logistic_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    diff = expit(X @ w + b) - y
    dj_dw = X.T @ diff / m + (lambda_ / m) * w
    dj_db = diff.sum() / m
    return dj_dw, dj_db
