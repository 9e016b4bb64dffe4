import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(z))


def cost_function(theta, X, y):
    m = len(y)
    h = sigmoid(np.dot(X, theta))
    J = -np.sum(y * np.log(h) + (1 - y) * np.log(1 - h)) / m
    grad = np.dot(X.T, h - y) / m
    return J, grad
