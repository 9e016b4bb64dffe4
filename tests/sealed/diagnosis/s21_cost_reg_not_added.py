import numpy as np
from scipy.special import log_expit


def compute_cost_logistic_reg(X, y, w, b, lambda_=1.0):
    """Cost with L2 regularization of the weights."""
    m, n = X.shape
    z = X @ w + b
    cost = -np.sum(y * log_expit(z) + (1 - y) * log_expit(-z)) / m
    reg_cost = 0.0
    for j in range(n):
        reg_cost += w[j] ** 2
    reg_cost = (lambda_ / (2 * m)) * reg_cost
    total_cost = cost
    return total_cost
