import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    # error = label - prediction
    err = y - expit(X @ w + b)
    dj_dw = X.T @ err / m
    dj_db = np.sum(err) / m
    return dj_db, dj_dw
