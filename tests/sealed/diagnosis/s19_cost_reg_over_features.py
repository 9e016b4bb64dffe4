import numpy as np
from scipy.special import log_expit


def compute_cost_logistic_reg(X, y, w, b, lambda_=1.0):
    m, n = X.shape
    z = X @ w + b
    data = -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z))
    penalty = lambda_ / (2 * n) * np.dot(w, w)
    return data + penalty
