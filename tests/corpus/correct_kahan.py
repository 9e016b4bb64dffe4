# Cost and gradient with Kahan (compensated) summation over the examples.
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    # exp(-|z|) is always <= 1, then pick the right branch
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _kahan_sum(values):
    total = 0.0
    c = 0.0
    for v in values:
        t = v - c
        s = total + t
        c = (s - total) - t
        total = s
    return total


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    z = X @ w + b
    losses = np.logaddexp(0.0, z) - y * z
    return _kahan_sum(losses.tolist()) / m


def compute_gradient_logistic(X, y, w, b):
    m, n = X.shape
    err = sigmoid(X @ w + b) - y
    dj_dw = np.array([_kahan_sum((err * X[:, j]).tolist()) for j in range(n)]) / m
    dj_db = _kahan_sum(err.tolist()) / m
    return dj_db, dj_dw
