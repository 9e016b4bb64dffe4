import numpy as np


def compute_cost_logistic(X, y, w, b):
    m, n = X.shape
    cost = 0.0
    for i in range(m):
        z_i = np.dot(X[i], w)
        cost += np.logaddexp(0, z_i) - y[i] * z_i
    return cost / m
