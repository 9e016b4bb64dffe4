import numpy as np
from scipy.special import expit, log_expit


def cost_function_reg(theta, X, y, lambda_):
    m = y.shape[0]
    z = X @ theta
    J = -(y @ log_expit(z) + (1 - y) @ log_expit(-z)) / m
    J += lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    grad = X.T @ (expit(z) - y) / m
    grad[1:] += lambda_ / m * theta[1:]
    return J, grad
