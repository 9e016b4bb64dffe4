import numpy as np


def compute_cost_logistic(X, y, w, b):
    """Average cross-entropy over the m examples."""
    m = X.shape[0]
    z = np.dot(X, w) + b
    f_wb = 1.0 / (1.0 + 2.0 ** (-z))
    loss = -y * np.log(f_wb) - (1 - y) * np.log(1 - f_wb)
    return np.sum(loss) / m
