import numpy as np
from helper import sigmoid, softplus


def compute_cost(X, y, w, b, *argv):
    z = X @ w + b
    return np.mean(softplus(z) - y * z)


def compute_gradient(X, y, w, b, *argv):
    m = X.shape[0]
    r = sigmoid(X @ w + b) - y
    return r.sum() / m, X.T @ r / m


def compute_cost_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    return compute_cost(X, y, w, b) + lambda_ * np.dot(w, w) / (2 * m)


def compute_gradient_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    dj_db, dj_dw = compute_gradient(X, y, w, b)
    return dj_db, dj_dw + lambda_ * w / m


def predict(X, w, b):
    return (X @ w + b >= 0).astype(int)
