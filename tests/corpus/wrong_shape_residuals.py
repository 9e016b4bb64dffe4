import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    err = expit(X @ w + b) - y
    # multiply each row by its error and add up
    dj_dw = np.sum(X * err[:, None], axis=1) / m
    dj_db = np.sum(err) / m
    return dj_db, dj_dw
