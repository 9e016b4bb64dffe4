import numpy as np
from scipy.special import expit

CHUNK = 32


def compute_gradient_logistic(X, y, w, b):
    """Accumulate the gradient chunk by chunk (keeps memory low for big m)."""
    m, n = X.shape
    dj_dw = np.zeros(n)
    dj_db = 0.0
    n_chunks = max(1, m // CHUNK)
    for k in range(n_chunks):
        Xc = X[k * CHUNK:(k + 1) * CHUNK]
        yc = y[k * CHUNK:(k + 1) * CHUNK]
        err = expit(Xc @ w + b) - yc
        dj_dw += Xc.T @ err
        dj_db += err.sum()
    return dj_db / m, dj_dw / m
