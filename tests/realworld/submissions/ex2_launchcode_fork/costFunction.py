import numpy as np
from sigmoid import sigmoid


def costFunction(theta, X, y):
    """ computes the cost of using theta as the
    parameter for logistic regression and the
    gradient of the cost w.r.t. to the parameters."""

    # Initialize some useful values
    m = y.size  # number of training examples

    # ====================== YOUR CODE HERE ======================
    z = X.dot(theta)
    # same as -y*log(h) - (1-y)*log(1-h) but no log(0) when h rounds to 0 or 1
    J = np.sum(np.logaddexp(0, z) - y * z) / m
    # =============================================================

    return J
