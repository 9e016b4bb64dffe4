import numpy as np
from scipy.special import expit

CHUNK = 6


def compute_gradient_logistic(X, y, w, b):
    """Gradient accumulated chunk by chunk to save memory."""
    m, n = X.shape
    dj_dw = np.zeros(n)
    dj_db = 0.0
    for k in range(m // CHUNK):
        Xc = X[k * CHUNK:(k + 1) * CHUNK]
        err = expit(Xc @ w + b) - y[k * CHUNK:(k + 1) * CHUNK]
        dj_dw += Xc.T @ err
        dj_db += err.sum()
    return dj_dw / m, dj_db / m
