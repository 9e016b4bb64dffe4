import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    """
    Computes the cost over all examples, with L2 regularization on w (not on b)
    """
    m, n = X.shape
    z = X @ w + b
    cost = np.sum(np.logaddexp(0.0, z) - y * z) / m
    reg_cost = 0.0
    for j in range(n):
        reg_cost += w[j] ** 2
    reg_cost = (lambda_ / (2 * m)) * reg_cost
    return cost + reg_cost


def compute_gradient_logistic_reg(X, y, w, b, lambda_=1):
    m, n = X.shape
    err = sigmoid(X @ w + b) - y
    dj_dw = X.T @ err / m
    dj_db = np.sum(err) / m
    for j in range(n):
        dj_dw[j] = dj_dw[j] + (lambda_ / m) * w[j]
    return dj_db, dj_dw
