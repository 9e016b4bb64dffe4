import numpy as np


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    y = y.reshape(-1, 1)
    f = 1 / (1 + np.exp(-(X @ w + b)))
    return float(-np.mean(y * np.log(f) + (1 - y) * np.log(1 - f)))
