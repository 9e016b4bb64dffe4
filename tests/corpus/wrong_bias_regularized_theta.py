import numpy as np
from scipy.special import expit


def cost_function_reg(theta, X, y, lambda_):
    m = len(y)
    z = X @ theta
    J = np.mean(np.logaddexp(0, z) - y * z) + lambda_ / (2 * m) * np.sum(theta ** 2)
    grad = X.T @ (expit(z) - y) / m + (lambda_ / m) * theta
    return J, grad
