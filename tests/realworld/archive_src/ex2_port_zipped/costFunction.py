import numpy as np


def costFunction(theta, X, y):
    """ computes the cost of using theta as the
    parameter for logistic regression."""
    m = y.size
    z = X.dot(theta)
    # log(1 + exp(z)) - y z, the log loss written without log(0)
    J = (np.logaddexp(0, z) - y * z).sum() / m
    return J
