import numpy as np


def compute_cost_logistic_reg(X, y, w, b, lambda_=1.0):
    m = X.shape[0]
    z = np.matmul(X, w) + b
    total = 0.0
    for i in range(m):
        total += np.logaddexp(0.0, z[i]) - y[i] * z[i]
    return total / m + lambda_ / 2 * np.sum(np.square(w))
