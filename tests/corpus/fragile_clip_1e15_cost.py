import numpy as np
from scipy.special import expit

EPS = 1e-15


def compute_cost_logistic(X, y, w, b):
    p = expit(X @ w + b)
    p = np.clip(p, EPS, 1 - EPS)   # avoid log(0)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
