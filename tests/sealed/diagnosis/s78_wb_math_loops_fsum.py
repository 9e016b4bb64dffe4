import math

import numpy as np


def _sigmoid(t):
    if t >= 0:
        return 1.0 / (1.0 + math.exp(-t))
    e = math.exp(t)
    return e / (1.0 + e)


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    losses = []
    for i in range(m):
        z = float(np.dot(X[i], w) + b)
        yi = float(y[i])
        losses.append(max(z, 0.0) - yi * z + math.log1p(math.exp(-abs(z))))
    return math.fsum(losses) / m


def compute_gradient_logistic(X, y, w, b):
    m, n = X.shape
    errs = [_sigmoid(float(np.dot(X[i], w) + b)) - float(y[i]) for i in range(m)]
    dj_dw = np.array([math.fsum(errs[i] * float(X[i, j]) for i in range(m)) / m for j in range(n)])
    dj_db = math.fsum(errs) / m
    return dj_dw, dj_db
