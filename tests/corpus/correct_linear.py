import numpy as np


def compute_cost_linear(X, y, w, b):
    m = X.shape[0]
    err = X @ w + b - y
    return np.dot(err, err) / (2 * m)


def compute_gradient_linear(X, y, w, b):
    m, n = X.shape
    err = X @ w + b - y
    dj_dw = X.T @ err / m
    dj_db = np.sum(err) / m
    return dj_db, dj_dw
