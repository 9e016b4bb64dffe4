# Ivan: float32 "to save memory".
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float32)
    return (1 / (1 + np.exp(-np.abs(z)))) * (z >= 0) + (np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z)))) * (z < 0)


def compute_cost_logistic(X, y, w, b):
    X, y, w = X.astype(np.float32), y.astype(np.float32), w.astype(np.float32)
    z = X @ w + np.float32(b)
    return np.mean(np.logaddexp(np.float32(0), z) - y * z)


def compute_gradient_logistic(X, y, w, b):
    X, y, w = X.astype(np.float32), y.astype(np.float32), w.astype(np.float32)
    err = sigmoid(X @ w + np.float32(b)) - y
    return np.mean(err), X.T @ err / np.float32(len(y))


def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    return compute_cost_logistic(X, y, w, b) + lambda_ / (2 * len(y)) * np.sum(w.astype(np.float32) ** 2)


def compute_gradient_logistic_reg(X, y, w, b, lambda_=1):
    dj_db, dj_dw = compute_gradient_logistic(X, y, w, b)
    return dj_db, dj_dw + lambda_ / len(y) * w.astype(np.float32)


def predict(X, w, b):
    return np.where(X @ w + b >= 0, 1, 0)


def my_softmax(z):
    z = np.asarray(z, dtype=np.float32)
    e = np.exp(z - np.max(z))
    return e / np.sum(e)
