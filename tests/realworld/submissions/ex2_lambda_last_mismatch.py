"""Homework 4, part 2: regularized logistic regression."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def costFunctionReg(theta, X, y, lambda_):
    m = y.shape[0]
    z = X @ theta
    J = np.mean(np.logaddexp(0, z) - y * z) + lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    grad = X.T @ (sigmoid(z) - y) / m
    grad[1:] += lambda_ / m * theta[1:]
    return J, grad
