import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    z = X @ w.reshape(-1, 1) + b
    err = expit(z) - y.reshape(-1, 1)
    dj_dw = (X.T @ err).ravel() / m
    dj_db = float(err.sum()) / m
    return dj_db, dj_dw
