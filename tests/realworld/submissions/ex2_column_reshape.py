import numpy as np
from scipy.special import expit, log_expit
import scipy.optimize as op


def sigmoid(z):
    return expit(z)


def costFunction(theta, X, y):
    """J and grad for fmin / minimize: theta comes in flat, y is a column."""
    m, n = X.shape
    theta = theta.reshape((n, 1))
    y = y.reshape((m, 1))
    z = X.dot(theta)
    # log(h) = log_expit(z), log(1 - h) = log_expit(-z)
    J = -np.sum(y * log_expit(z) + (1 - y) * log_expit(-z)) / m
    grad = X.T.dot(sigmoid(z) - y) / m
    return J, grad.flatten()


def costFunctionReg(theta, X, y, lambda_):
    m, n = X.shape
    theta = theta.reshape((n, 1))
    y = y.reshape((m, 1))
    J, grad = costFunction(theta, X, y)
    J = J + lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    grad = grad.reshape((n, 1))
    grad[1:] = grad[1:] + (lambda_ / m) * theta[1:]
    return J, grad.flatten()


if __name__ == "__main__":
    data = np.loadtxt("ex2data1.txt", delimiter=",")
    X = np.c_[np.ones(len(data)), data[:, :2]]
    y = data[:, 2:]
    initial_theta = np.zeros(X.shape[1])
    Result = op.minimize(fun=costFunction, x0=initial_theta, args=(X, y), method="TNC", jac=True)
    print(Result.x)
