import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    err = expit(X @ w) - y
    dj_dw = X.T @ err / m
    dj_db = np.mean(err)
    return dj_db, dj_dw
