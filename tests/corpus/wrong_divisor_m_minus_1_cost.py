import numpy as np


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    z = X @ w + b
    losses = np.logaddexp(0, z) - y * z
    # unbiased mean (like the sample variance)
    return np.sum(losses) / (m - 1)
