import numpy as np


def sigmoid(z):
    ez = np.exp(z)
    return ez / (1 + ez)


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    err = sigmoid(X @ w + b) - y
    return np.sum(err) / m, X.T @ err / m
