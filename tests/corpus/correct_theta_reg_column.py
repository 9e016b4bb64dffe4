# ex2_reg: regularized cost; theta[0] (intercept) is not regularized. grad as a column vector.
import numpy as np
from scipy.special import expit, log_expit


def sigmoid(z):
    return expit(z)


def cost_function_reg(theta, X, y, lambda_):
    m = len(y)
    theta = theta.reshape(-1, 1)
    y = y.reshape(-1, 1)
    z = X @ theta
    J = -np.sum(y * log_expit(z) + (1 - y) * log_expit(-z)) / m
    J = J + lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    grad = X.T @ (sigmoid(z) - y) / m
    grad[1:] = grad[1:] + (lambda_ / m) * theta[1:]
    return J, grad
