"""Logistic regression from scratch, plain Python maths in loops (no vectorization yet)."""
import math

import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    g = np.zeros_like(z)
    for idx, value in np.ndenumerate(z):
        g[idx] = 1.0 / (1.0 + math.exp(-value))
    return g


def compute_cost_logistic(X, y, w, b):
    m, n = X.shape
    cost = 0.0
    for i in range(m):
        z = b
        for j in range(n):
            z += X[i, j] * w[j]
        f = 1.0 / (1.0 + math.exp(-z))
        cost += -y[i] * math.log(f) - (1 - y[i]) * math.log(1 - f)
    return cost / m


def compute_gradient_logistic(X, y, w, b):
    m, n = X.shape
    dj_dw = [0.0] * n
    dj_db = 0.0
    for i in range(m):
        z = b
        for j in range(n):
            z += X[i, j] * w[j]
        err = 1.0 / (1.0 + math.exp(-z)) - y[i]
        for j in range(n):
            dj_dw[j] += err * X[i, j]
        dj_db += err
    return dj_db / m, np.array(dj_dw) / m


if __name__ == "__main__":
    X_tmp = np.array([[0.5, 1.5], [1, 1], [1.5, 0.5], [3, 0.5], [2, 2], [1, 2.5]])
    y_tmp = np.array([0, 0, 0, 1, 1, 1])
    w_tmp = np.array([2., 3.])
    b_tmp = 1.
    dj_db_tmp, dj_dw_tmp = compute_gradient_logistic(X_tmp, y_tmp, w_tmp, b_tmp)
    print(f"dj_db: {dj_db_tmp}")
    print(f"dj_dw: {dj_dw_tmp.tolist()}")
