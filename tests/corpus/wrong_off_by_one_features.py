import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m, n = X.shape
    dj_dw = np.zeros(n)
    err = expit(X @ w + b) - y
    for j in range(n - 1):
        dj_dw[j] = np.dot(err, X[:, j]) / m
    dj_db = np.sum(err) / m
    return dj_db, dj_dw
