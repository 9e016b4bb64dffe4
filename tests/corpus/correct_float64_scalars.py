import numpy as np


def sigmoid(z):
    return np.where(z >= 0,
                    1 / (1 + np.exp(-np.abs(z))),
                    np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def compute_cost_logistic(X, y, w, b):
    z = np.matmul(X, w) + b
    return np.float64(np.mean(np.logaddexp(0, z) - y * z))


def compute_gradient_logistic(X, y, w, b):
    err = sigmoid(np.matmul(X, w) + b) - y
    dj_db = np.float64(np.mean(err))
    dj_dw = np.mean(X * err[:, np.newaxis], axis=0)
    return dj_db, dj_dw
