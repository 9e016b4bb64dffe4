import numpy as np
from scipy.special import expit


def compute_gradient_logistic_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    err = expit(X @ w + b) - y
    dj_dw = X.T @ err / m
    dj_db = np.sum(err) / m
    # same factor as in the cost
    dj_dw += lambda_ / (2 * m) * w
    return dj_db, dj_dw
