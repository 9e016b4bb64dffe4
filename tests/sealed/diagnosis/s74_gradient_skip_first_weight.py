import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m, n = X.shape
    err = expit(X @ w + b) - y
    dj_dw = np.zeros(n)
    for j in range(1, n):
        dj_dw[j] = np.dot(err, X[:, j]) / m
    dj_db = err.sum() / m
    return dj_db, dj_dw
