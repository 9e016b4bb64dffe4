import numpy as np


def compute_gradient_logistic(X, y, w, b, batch=16):
    m, n = X.shape
    dj_dw = np.zeros(n)
    dj_db = 0.0
    for start in range(0, m - batch + 1, batch):
        Xb, yb = X[start:start + batch], y[start:start + batch]
        err = 1 / (1 + np.exp(-(Xb @ w + b))) - yb
        dj_dw += Xb.T @ err
        dj_db += err.sum()
    return dj_db / m, dj_dw / m
