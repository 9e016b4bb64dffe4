import numpy as np


def compute_cost_logistic(X, y, w, b):
    """Cost over all examples (uses sigmoid from the earlier cell)."""
    m = X.shape[0]
    f_wb = sigmoid(X @ w + b)
    return -np.sum(y * np.log(f_wb) + (1 - y) * np.log(1 - f_wb)) / m
