import numpy as np


def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    z = X @ w + b
    cost = np.sum(np.logaddexp(0, z) - y * z) / m
    w **= 2                       # square in place, saves a copy
    reg_cost = (lambda_ / (2 * m)) * np.sum(w)
    return cost + reg_cost
