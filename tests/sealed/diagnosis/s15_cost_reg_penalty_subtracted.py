import numpy as np


def compute_cost_logistic_reg(X, y, w, b, lambda_=1.0):
    """Regularized logistic cost."""
    m, n = X.shape
    z = X @ w + b
    cost = np.sum(np.logaddexp(0, z) - y * z) / m
    reg_cost = (lambda_ / (2 * m)) * np.sum(w ** 2)
    return cost - reg_cost
