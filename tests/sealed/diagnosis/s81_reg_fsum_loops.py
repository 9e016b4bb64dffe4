import math

import numpy as np
from scipy.special import expit


def compute_cost_logistic_reg(X, y, w, b, lambda_=1.0):
    m, n = X.shape
    z = X @ w + b
    losses = y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z)
    data = math.fsum(losses) / m
    reg = lambda_ / (2 * m) * math.fsum(wj * wj for wj in w)
    return data + reg


def compute_gradient_logistic_reg(X, y, w, b, lambda_):
    m, n = X.shape
    err = expit(X @ w + b) - y
    dj_dw = np.array([math.fsum(err * X[:, j]) / m + lambda_ / m * w[j] for j in range(n)])
    dj_db = math.fsum(err) / m
    return dj_db, dj_dw
