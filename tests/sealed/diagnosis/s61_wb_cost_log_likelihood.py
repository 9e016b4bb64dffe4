import numpy as np
from scipy.special import log_expit


def compute_cost_logistic(X, y, w, b):
    z = X @ w + b
    return np.mean(y * log_expit(z) + (1 - y) * log_expit(-z))
