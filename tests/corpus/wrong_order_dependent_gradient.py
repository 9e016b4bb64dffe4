import numpy as np


def compute_gradient_logistic(X, y, w, b):
    m, n = X.shape
    w = w.copy()
    dj_dw = np.zeros(n)
    dj_db = 0.0
    for i in range(m):
        err = 1 / (1 + np.exp(-(X[i] @ w + b))) - y[i]
        dj_dw += err * X[i]
        dj_db += err
        w = w - 0.05 * err * X[i]  # learn as we go
    return dj_db / m, dj_dw / m
