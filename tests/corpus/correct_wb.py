import numpy as np
from scipy.special import expit


def compute_cost_logistic(X, y, w, b):
    z = X @ w + b
    return np.mean(np.logaddexp(0, z) - y * z)


def compute_gradient_logistic(X, y, w, b):
    """returns dj_dw, dj_db (weights first)"""
    m = X.shape[0]
    diff = expit(X @ w + b) - y
    return X.T @ diff / m, diff.sum() / m
