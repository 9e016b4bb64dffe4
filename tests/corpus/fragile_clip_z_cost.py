import numpy as np


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    z = np.clip(X @ w + b, -30, 30)  # keep exp in range
    return np.sum(np.logaddexp(0, z) - y * z) / m
