import numpy as np


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    f = 1.0 / (1.0 + 2.0 ** (-(X @ w + b)))
    return -np.sum(y * np.log(f) + (1 - y) * np.log(1 - f)) / m
