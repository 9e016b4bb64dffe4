import numpy as np


def compute_cost_logistic_reg(X, y, w, b, lambda_=1.0):
    m = X.shape[0]
    z = X @ w + b
    cost = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))
    return cost + lambda_ / (2 * m) * np.linalg.norm(w)
