import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    f_wb = sigmoid(X @ w + b)
    cost = -y * np.log10(f_wb) - (1 - y) * np.log10(1 - f_wb)
    return np.sum(cost) / m
