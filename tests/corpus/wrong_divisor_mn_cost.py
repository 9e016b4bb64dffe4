import numpy as np


def compute_cost_logistic(X, y, w, b):
    m, n = X.shape
    z = X @ w + b
    loss = np.logaddexp(0, z) - y * z
    return np.sum(loss) / (m * n)
