import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def cost_function_reg(theta, X, y, lambda_):
    """costFunctionReg.m ported to numpy."""
    m = len(y)
    h = sigmoid(X @ theta)
    J = (-y @ np.log(h) - (1 - y) @ np.log(1 - h)) / m + lambda_ / (2 * m) * (theta[1:] @ theta[1:])
    grad = X.T @ (h - y) / m
    grad[1:] += lambda_ / m * theta[1:]
    return J, grad
