import numpy as np


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    f = 1 / (1 + np.exp(-(X @ w + b)))
    eps = 1e-5
    return -np.sum(y * np.log(f + eps) + (1 - y) * np.log(1 - f + eps)) / m
