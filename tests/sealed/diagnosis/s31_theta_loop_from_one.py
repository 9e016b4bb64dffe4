import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def cost_function(theta, X, y):
    """Port of costFunction.m (loop version)."""
    m = len(y)
    J = 0.0
    grad = np.zeros(theta.shape)
    for i in range(1, m):
        z = X[i] @ theta
        h = sigmoid(z)
        J += np.logaddexp(0, z) - y[i] * z
        grad += (h - y[i]) * X[i]
    return J / m, grad / m
