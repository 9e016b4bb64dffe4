import math

import numpy as np


def sigmoid_scalar(z):
    return 1.0 / (1.0 + math.exp(-z))


def compute_gradient_logistic(X, y, w, b):
    m, n = X.shape
    dj_dw = np.zeros((n,))
    dj_db = 0.0
    for i in range(m):
        f_wb_i = sigmoid_scalar(float(np.dot(X[i], w) + b))
        err_i = f_wb_i - y[i]
        for j in range(n):
            dj_dw[j] += err_i * X[i, j]
        dj_db += err_i
    return dj_db / m, dj_dw / m
