import numpy as np
from scipy.special import expit

EPS = 1e-9


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    z = X @ w + b
    p = np.clip(expit(z), EPS, 1 - EPS)
    q = np.clip(expit(-z), EPS, 1 - EPS)
    return -np.sum(y * np.log(p) + (1 - y) * np.log(q)) / m
