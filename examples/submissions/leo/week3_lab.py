"""Leo's week 3 lab (uploaded as a folder): sigmoid through tanh, which he read is "more stable"."""
import numpy as np


def sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def compute_cost_logistic(X, y, w, b):
    f = sigmoid(X @ w + b)
    return -np.mean(y * np.log(f) + (1 - y) * np.log1p(-f))


def compute_gradient_logistic(X, y, w, b):
    err = sigmoid(X @ w + b) - y
    return err.mean(), X.T @ err / X.shape[0]


def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    return compute_cost_logistic(X, y, w, b) + lambda_ / (2 * X.shape[0]) * np.sum(np.square(w))


def compute_gradient_logistic_reg(X, y, w, b, lambda_=1):
    dj_db, dj_dw = compute_gradient_logistic(X, y, w, b)
    return dj_db, dj_dw + lambda_ / X.shape[0] * w
