import numpy as np
from scipy.special import expit


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    f_wb = expit(X @ w + b)
    cost = np.sum((f_wb - y) ** 2) / (2 * m)
    return cost
