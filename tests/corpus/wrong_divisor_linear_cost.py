import numpy as np


def compute_cost_linear(X, y, w, b):
    m = X.shape[0]
    f_wb = X @ w + b
    return np.sum((f_wb - y) ** 2) / m
