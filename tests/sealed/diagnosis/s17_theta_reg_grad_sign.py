import numpy as np
from scipy.special import expit


def cost_function_reg(theta, X, y, lambda_):
    """costFunctionReg: intercept theta[0] not regularized."""
    m = y.shape[0]
    z = X @ theta
    h = expit(z)
    J = np.mean(np.logaddexp(0, z) - y * z) + lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    grad = X.T @ (h - y) / m
    grad[1:] = grad[1:] - lambda_ / m * theta[1:]
    return J, grad
