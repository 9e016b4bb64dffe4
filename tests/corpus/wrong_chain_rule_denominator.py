import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    f = expit(X @ w + b)
    # dL/df = (f - y) / (f (1 - f)), then multiply by dz/dw = x
    dL = (f - y) / (f * (1 - f))
    dj_dw = X.T @ dL / m
    dj_db = np.sum(dL) / m
    return dj_db, dj_dw
