import numpy as np


def cost_function(theta, X, y):
    m = len(y)
    h = X @ theta
    # cost with h as the hypothesis; h must be in (0, 1) for the logs
    z = h
    J = np.mean(np.logaddexp(0, z) - y * z)
    grad = X.T @ (h - y) / m
    return J, grad
