import math


def compute_cost_logistic(X, y, w, b):
    m, n = X.shape
    cost = 0.0
    for i in range(m - 1):
        z = float(X[i] @ w + b)
        if z > 0:
            cost += z + math.log1p(math.exp(-z)) - y[i] * z
        else:
            cost += math.log1p(math.exp(z)) - y[i] * z
    return cost / m
