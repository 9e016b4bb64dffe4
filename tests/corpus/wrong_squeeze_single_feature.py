import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    X = np.squeeze(X)       # drop useless dimensions
    m = len(y)
    err = expit(np.dot(X, w) + b) - y
    dj_dw = np.dot(X.T, err) / m
    dj_db = np.sum(err) / m
    return dj_db, dj_dw
