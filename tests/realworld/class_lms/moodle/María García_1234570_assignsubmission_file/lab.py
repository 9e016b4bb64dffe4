import numpy as np
import math
import copy

EPS = 1e-15


def sigmoid(z):
    """Numerically stable sigmoid."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def compute_cost(X, y, w, b, *argv):
    m = X.shape[0]
    h = sigmoid(X @ w + b)
    # avoid log(0)
    h = np.clip(h, EPS, 1 - EPS)
    return -np.sum(y * np.log(h) + (1 - y) * np.log(1 - h)) / m


def compute_gradient(X, y, w, b, *argv):
    m = X.shape[0]
    h = sigmoid(X @ w + b)
    dj_dw = X.T @ (h - y) / m
    dj_db = np.sum(h - y) / m
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
