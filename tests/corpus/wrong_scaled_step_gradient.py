import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def compute_gradient_logistic(X, y, w, b):
    alpha = 0.01
    m = X.shape[0]
    err = sigmoid(X @ w + b) - y
    dj_dw = X.T @ err / m
    dj_db = np.sum(err) / m
    # the update step, ready to subtract
    return alpha * dj_db, alpha * dj_dw
