import numpy as np


def compute_cost_logistic(X, y, w, b):
    """Average loss, updated example by example."""
    m = X.shape[0]
    avg = 0.0
    for i in range(m):
        z = X[i] @ w + b
        loss_i = np.logaddexp(0, z) - y[i] * z
        avg = loss_i if i == 0 else (avg + loss_i) / 2
    return avg
