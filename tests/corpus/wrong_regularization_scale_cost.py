import numpy as np


def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    z = X @ w + b
    cost = np.sum(np.logaddexp(0, z) - y * z) / m
    reg = (lambda_ / m) * np.sum(np.square(w))
    return cost + reg
