# -*- coding: utf-8 -*-
"""ex2: logistic regression (cost / gradient / regularized versions / predict)."""
import math

import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.exp(np.minimum(z, 0)) / (1.0 + np.exp(-np.abs(z)))
    return out


def costFunction(theta, x, y):
    m = len(y)
    total = 0.0
    for i in range(m):
        h = sigmoid(np.dot(x[i], theta))
        total += -y[i] * math.log(h) - (1 - y[i]) * math.log(1 - h)
    return total / m


def gradientFunction(theta, x, y):
    m = len(y)
    h = sigmoid(x.dot(theta))
    return x.T.dot(h - y) / m


def costFunctionReg(theta, x, y, _lambda):
    m = len(y)
    J = costFunction(theta, x, y)
    reg = (_lambda / (2 * m)) * np.sum(theta[1:] ** 2)
    return J + reg / m


def gradientFunctionReg(theta, x, y, _lambda):
    m = len(y)
    n = len(theta)
    h = sigmoid(x.dot(theta))
    total = 0.0
    for i in range(m):
        total += np.sum((h[i] - y[i]) * x[i])
    grad = np.array([total / m] * n)
    grad[1:] = grad[1:] + (_lambda / m) * theta[1:]
    return grad


def predict(theta, x):
    return sigmoid(x.dot(theta)) >= 0.5


if __name__ == '__main__':
    data = np.loadtxt('ex2data2.txt', delimiter=',')
    X = np.c_[np.ones(data.shape[0]), data[:, :2]]
    y = data[:, 2]
    theta = np.zeros(3)
    print(costFunction(theta, X, y))
    print(costFunctionReg(theta, X, y, 1))
