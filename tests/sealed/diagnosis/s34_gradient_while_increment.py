import math

import numpy as np


def compute_gradient_logistic(X, y, w, b):
    m, n = X.shape
    dj_dw = np.zeros(n)
    dj_db = 0.0
    i = 0
    while i < m - 1:
        i += 1
        z = float(np.dot(X[i], w) + b)
        f = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        err = f - y[i]
        dj_dw += err * X[i]
        dj_db += err
    return dj_db / m, dj_dw / m
