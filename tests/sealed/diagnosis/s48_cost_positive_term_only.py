import numpy as np
from scipy.special import log_expit


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    z = X @ w + b
    return np.sum(-y * log_expit(z)) / m
