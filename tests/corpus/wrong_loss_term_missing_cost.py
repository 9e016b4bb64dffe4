import numpy as np


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    total = 0.0
    for i in range(m):
        f = 1 / (1 + np.exp(-(np.dot(X[i], w) + b)))
        total += -y[i] * np.log(f)
    return total / m
