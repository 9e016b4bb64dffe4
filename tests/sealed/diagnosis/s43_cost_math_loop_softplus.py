import math

import numpy as np


def compute_cost_logistic(X, y, w, b):
    m, n = X.shape
    cost = 0.0
    for i in range(m):
        z_i = float(np.dot(X[i], w) + b)
        cost += y[i] * math.log1p(math.exp(-z_i)) + (1 - y[i]) * math.log1p(math.exp(z_i))
    return cost / m
