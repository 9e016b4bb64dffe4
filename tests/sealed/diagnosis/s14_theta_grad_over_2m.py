import numpy as np
from scipy.special import expit, log_expit


def cost_function(theta, X, y):
    m = y.size
    z = X.dot(theta)
    J = -(y.dot(log_expit(z)) + (1 - y).dot(log_expit(-z))) / m
    grad = X.T.dot(expit(z) - y) / (2 * m)
    return J, grad
