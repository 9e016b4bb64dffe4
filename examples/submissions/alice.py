"""Week 3 lab, Alice: vectorized, written with the tails in mind."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    z = X @ w + b
    return np.sum(np.logaddexp(0, z) - y * z) / m


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    err = sigmoid(X @ w + b) - y
    return np.sum(err) / m, X.T @ err / m


def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    return compute_cost_logistic(X, y, w, b) + lambda_ / (2 * m) * np.sum(w ** 2)


def compute_gradient_logistic_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    dj_db, dj_dw = compute_gradient_logistic(X, y, w, b)
    return dj_db, dj_dw + lambda_ / m * w


def predict(X, w, b):
    return (X @ w + b >= 0).astype(int)
