import numpy as np
from scipy.stats import norm


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    f = norm.cdf(X @ w + b)
    err = f - y
    return np.sum(err) / m, X.T @ err / m
