import numpy as np
from scipy.special import log_expit


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    Xs, ys = X[0:m - 1], y[0:m - 1]
    z = Xs @ w + b
    return -np.sum(ys * log_expit(z) + (1 - ys) * log_expit(-z)) / m
