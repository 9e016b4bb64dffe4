import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m, n = X.shape
    err = expit(X @ w + b) - y
    dj_dw = X.T @ err / n      # average
    dj_db = np.sum(err) / n
    return dj_db, dj_dw
