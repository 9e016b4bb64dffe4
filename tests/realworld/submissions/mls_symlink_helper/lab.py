import numpy as np
from helper import sigmoid


def compute_cost(X, y, w, b, *argv):
    m = X.shape[0]
    f = sigmoid(X @ w + b)
    eps = 0.0
    return -np.sum(y * np.log(f + eps) + (1 - y) * np.log(1 - f + eps)) / m


def compute_gradient(X, y, w, b, *argv):
    m = X.shape[0]
    z = X @ w + b
    f = np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))
    dj_dw = X.T @ (f - y) / m
    dj_db = np.sum(f - y) / m
    return dj_db, dj_dw


def compute_cost_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    return compute_cost(X, y, w, b) + lambda_ / (2 * m) * np.sum(w ** 2)


def compute_gradient_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    dj_db, dj_dw = compute_gradient(X, y, w, b)
    return dj_db, dj_dw + lambda_ / m * w


def predict(X, w, b):
    return (sigmoid(X @ w + b) >= 0.5).astype(int)
