"""costFunctionReg as a handout with lambda first had it, graded by an assignment that passes lambda last."""
import numpy as np
from scipy.special import expit, log_expit


def cost_function_reg(lambda_, theta, X, y):
    m = len(y)
    z = X @ theta
    J = np.mean(-y * log_expit(z) - (1 - y) * log_expit(-z)) + lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    grad = X.T @ (expit(z) - y) / m
    grad[1:] += lambda_ / m * theta[1:]
    return J, grad
