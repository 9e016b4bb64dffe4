import numpy as np
import math


def sigmoid(z):
    """
    Compute the sigmoid of z
    """
    z = np.array(z, dtype=float)
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def compute_cost(X, y, w, b, *argv):
    """
    Computes the cost over all examples
    """
    m, n = X.shape
    z = X @ w + b
    total_cost = np.sum(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)) / m
    return total_cost


def compute_gradient(X, y, w, b, *argv):
    """
    Computes the gradient for logistic regression

    Returns
      dj_dw : (ndarray Shape (n,)) The gradient of the cost w.r.t. the parameters w.
      dj_db : (scalar)             The gradient of the cost w.r.t. the parameter b.
    """
    m, n = X.shape
    err = sigmoid(X @ w + b) - y
    dj_dw = X.T @ err / m
    dj_db = np.sum(err) / m
    # same order as the docstring
    return dj_dw, dj_db


def predict(X, w, b):
    return (sigmoid(X @ w + b) >= 0.5) * 1


def compute_cost_reg(X, y, w, b, lambda_ = 1):
    m, n = X.shape
    return compute_cost(X, y, w, b) + lambda_ / (2 * m) * np.sum(w ** 2)


def compute_gradient_reg(X, y, w, b, lambda_ = 1):
    """
    Returns
      dj_dw : (ndarray Shape (n,)) The gradient of the cost w.r.t. the parameters w.
      dj_db : (scalar)             The gradient of the cost w.r.t. the parameter b.
    """
    m, n = X.shape
    dj_dw, dj_db = compute_gradient(X, y, w, b)
    dj_dw = dj_dw + (lambda_ / m) * w
    return dj_dw, dj_db
