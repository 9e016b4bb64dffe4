import numpy as np
from scipy.special import log_expit


def compute_cost_logistic(X, y, w, b):
    """Log-loss using log(1 - sigmoid(z)) = log(sigmoid(z)) - z."""
    m = X.shape[0]
    z = X @ w + b
    log_f = log_expit(z)
    log_1mf = log_f - z
    return -np.sum(y * log_f + (1 - y) * log_1mf) / m
