# ex2: logistic regression cost function, Python port of costFunction.m
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def cost_function(theta, X, y):
    """J = cost_function(theta, X, y) computes the cost of using theta as the
    parameter for logistic regression and the gradient of the cost w.r.t. theta.
    X already contains the column of ones for the intercept."""
    m = y.size
    z = X.dot(theta)
    # -y*log(h) - (1-y)*log(1-h) with h = sigmoid(z), rewritten so that it
    # does not take log(0) when h rounds to 0 or 1
    J = np.sum(np.logaddexp(0, z) - y * z) / m
    grad = X.T.dot(sigmoid(z) - y) / m
    return J, grad
