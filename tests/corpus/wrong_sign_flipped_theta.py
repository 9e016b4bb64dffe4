# costFunction.m ported to numpy
import numpy as np


def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def cost_function(theta, X, y):
    m = len(y)
    z = X @ theta
    J = np.mean(np.logaddexp(0, z) - y * z)
    h = sigmoid(z)
    # gradient of the log-likelihood
    grad = (1 / m) * (X.T @ (y - h))
    return J, grad
