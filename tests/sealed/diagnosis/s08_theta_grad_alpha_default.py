import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def cost_function(theta, X, y, alpha=0.1):
    """Cost and gradient for logistic regression (ex2 costFunction)."""
    m = len(y)
    z = X @ theta
    J = np.mean(np.logaddexp(0, z) - y * z)
    grad = alpha * (X.T @ (sigmoid(z) - y)) / m
    return J, grad
