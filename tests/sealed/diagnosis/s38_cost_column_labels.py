import numpy as np


def compute_cost_logistic(X, y, w, b):
    """Mean log-loss; labels as a column vector."""
    y = y.reshape(-1, 1)
    z = X @ w + b
    loss = np.logaddexp(0, z) - y * z
    return float(np.mean(loss))
