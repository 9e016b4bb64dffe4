# costFunction.m, line by line
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def cost_function(theta, X, y):
    m = y.size
    h = sigmoid(X.dot(theta))
    J = (1 / m) * (-y.dot(np.log(h)) - (1 - y).dot(np.log(1 - h)))
    grad = (1 / m) * X.T.dot(h - y)
    return J, grad
