import numpy as np
from scipy.special import expit


def sigmoid(z):
    return expit(z)


def costFunction(theta, X, y):
    m = y.size
    z = X.dot(theta)
    J = np.mean(np.logaddexp(0, z) - y * z)
    grad = X.T.dot(sigmoid(z) - y) / m
    return J, grad


def costFunctionReg(theta, X, y, Lambda):
    m = len(y)
    y = y.reshape(1, m)
    h = sigmoid(-X.dot(theta)).reshape(1, m)
    J = (-1 / m) * (y.dot(np.log(h).T) + (1 - y).dot(np.log(1 - h).T)) \
        + Lambda / (2 * m) * np.sum(theta[1:] ** 2)
    mask = np.r_[0, np.ones(len(theta) - 1)]
    grad = (1 / m) * (h - y).dot(X) + (Lambda / m) * (theta * mask)
    return J.item(), grad


def predict(theta, X):
    return (sigmoid(X.dot(theta)) >= 0.5).astype(int)
