import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    err = expit(X @ w + b) - y
    dj_dw = np.mean(X.T * err, axis=1) / m
    dj_db = np.mean(err) / m
    return dj_dw, dj_db
