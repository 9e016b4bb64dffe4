# Bob: the loops from the lab's hints, exactly as in the lecture.
import numpy as np
import math


def sigmoid(z):
    g = 1 / (1 + np.exp(-z))
    return g


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    cost = 0.0
    for i in range(m):
        z_i = np.dot(X[i], w) + b
        f_wb_i = sigmoid(z_i)
        cost += -y[i] * np.log(f_wb_i) - (1 - y[i]) * np.log(1 - f_wb_i)
    cost = cost / m
    return cost


def compute_gradient_logistic(X, y, w, b):
    m, n = X.shape
    dj_dw = np.zeros((n,))
    dj_db = 0.
    for i in range(m):
        f_wb_i = sigmoid(np.dot(X[i], w) + b)
        err_i = f_wb_i - y[i]
        for j in range(n):
            dj_dw[j] = dj_dw[j] + err_i * X[i, j]
        dj_db = dj_db + err_i
    dj_dw = dj_dw / m
    dj_db = dj_db / m
    return dj_db, dj_dw


def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    m, n = X.shape
    cost_without_reg = compute_cost_logistic(X, y, w, b)
    reg_cost = 0.
    for j in range(n):
        reg_cost += (w[j] ** 2)
    return cost_without_reg + (lambda_ / (2 * m)) * reg_cost


def compute_gradient_logistic_reg(X, y, w, b, lambda_=1):
    m, n = X.shape
    dj_db, dj_dw = compute_gradient_logistic(X, y, w, b)
    for j in range(n):
        dj_dw[j] = dj_dw[j] + (lambda_ / m) * w[j]
    return dj_db, dj_dw


def predict(X, w, b):
    p = sigmoid(X @ w + b)
    return (p >= 0.5) * 1
