import numpy as np


def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    z = X @ w + b
    cost = np.mean(np.logaddexp(0, z) - y * z)
    # penalize all the parameters
    params = np.append(w, b)
    return cost + lambda_ / (2 * m) * np.sum(params ** 2)
