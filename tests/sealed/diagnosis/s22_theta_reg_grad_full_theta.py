import numpy as np
from scipy.special import expit, log_expit


def cost_function_reg(theta, X, y, lambda_):
    """Regularized cost and gradient (theta[0] is the intercept)."""
    m = len(y)
    z = X @ theta
    J = -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z)) + lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    grad = X.T @ (expit(z) - y) / m + (lambda_ / m) * theta
    return J, grad
