import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    return np.exp(np.minimum(z, 0)) / (1 + np.exp(-np.abs(z)))


def costFunction(theta, X, y):
    m = np.size(y, 0)
    z = X.dot(theta)
    J = (np.logaddexp(0, z) - y * z).mean()
    return J


def gradientFunction(theta, X, y):
    m = np.size(y, 0)
    h = sigmoid(X.dot(theta))
    grad = np.zeros(theta.shape)
    grad[0] = np.sum(h - y) / m
    grad[1:] = X[:, 1:].T.dot(h - y) / m
    return grad


def costFunctionReg(theta, X, y, Lambda):
    m = np.size(y, 0)
    J = costFunction(theta, X, y) + Lambda / (2.0 * m) * theta[1:].dot(theta[1:])
    return J


def gradientFunctionReg(theta, X, y, Lambda):
    m = np.size(y, 0)
    grad = gradientFunction(theta, X, y)
    grad[1:] = grad[1:] + (Lambda / m) * theta[1:]
    return grad


def predict(theta, X):
    m = X.shape[0]
    p = np.zeros((m,))
    p[X.dot(theta) >= 0] = 1
    return p
