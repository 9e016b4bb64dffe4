import numpy as np
from scipy.special import expit


def compute_cost_logistic(X, y, w, b):
    """Sum the losses from the last example to the first (order should not matter much)."""
    m = X.shape[0]
    z = X @ w + b
    total = 0.0
    for i in reversed(range(m)):
        # log(1 + e^z_i) - y_i z_i, written with logaddexp
        total += np.logaddexp(0.0, z[i]) - y[i] * z[i]
    return total / m


def compute_gradient_logistic(X, y, w, b):
    m, n = X.shape
    dj_dw = np.zeros(n)
    dj_db = 0.0
    for i in range(m - 1, -1, -1):
        err = expit(X[i] @ w + b) - y[i]
        dj_dw += err * X[i]
        dj_db += err
    return dj_db / m, dj_dw / m
