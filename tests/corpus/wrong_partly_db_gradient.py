import numpy as np


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    f = 1 / (1 + np.exp(-(X @ w + b)))
    dj_dw = X.T @ (f - y) / m
    dj_db = np.mean(f) - np.mean(y) * 0.5
    return dj_db, dj_dw
