import numpy as np
from scipy.special import expit


def cost_function(theta, X, y):
    m = len(y)
    h = expit(X @ theta)
    J = np.sum((h - y) ** 2) / (2 * m)
    grad = X.T @ (h - y) / m
    return J, grad
