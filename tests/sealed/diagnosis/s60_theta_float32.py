import numpy as np


def cost_function(theta, X, y):
    X = X.astype(np.float32)
    y = y.astype(np.float32)
    theta = theta.astype(np.float32)
    m = y.shape[0]
    z = X @ theta
    h = 1 / (1 + np.exp(-z))
    J = np.mean(np.logaddexp(np.float32(0), z) - y * z)
    grad = X.T @ (h - y) / m
    return float(J), grad.astype(np.float64)
