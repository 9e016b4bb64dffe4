import numpy as np
from scipy.special import expit


def cost_function_reg(theta, X, y, lambda_):
    m = y.size
    z = X @ theta
    h = expit(z)
    t = theta
    t[0] = 0
    J = np.mean(np.logaddexp(0, z) - y * z) + lambda_ / (2 * m) * np.sum(t ** 2)
    grad = (X.T @ (h - y) + lambda_ * t) / m
    return J, grad
