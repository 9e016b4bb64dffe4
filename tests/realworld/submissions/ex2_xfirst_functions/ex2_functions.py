import numpy as np
import scipy as sp


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def costFunc(X, y, theta):
    m = len(y)
    h = sigmoid(X.dot(theta))
    J = -(1 / m) * (y.T.dot(sp.log(h)) + (1 - y).T.dot(sp.log(1 - h)))
    return J


def gradFunc(X, y, theta):
    m = len(y)
    h = sigmoid(X.dot(theta))
    grad = (1 / m) * X.T.dot(h - y)
    return grad


# versions with theta first for fmin_bfgs
def costFunc2(theta, X, y):
    return costFunc(X, y, theta)


def gradFunc2(theta, X, y):
    m = len(y)
    h = sigmoid(X.dot(theta))
    return ((1 / m) * X.T.dot(h - y)).flatten()
