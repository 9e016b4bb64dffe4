import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    f_wb = expit(X @ w.reshape(-1, 1) + b)
    err = f_wb - y
    dj_dw = X.T @ err / m
    dj_db = np.sum(err) / m
    return dj_dw, dj_db
