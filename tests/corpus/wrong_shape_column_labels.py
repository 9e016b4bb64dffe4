import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    y = y.reshape(-1, 1)            # make y a column vector
    f = expit(X @ w + b)            # (m,)
    err = f - y                     # broadcasts to (m, m)
    dj_dw = X.T @ err / m
    dj_db = np.sum(err) / m
    return dj_db, dj_dw
