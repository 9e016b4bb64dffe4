import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    err = expit(X @ w + b) - y
    dj_db = np.sum(err) / m
    dj_dw = X.T @ err / m
    return dj_db, dj_dw
