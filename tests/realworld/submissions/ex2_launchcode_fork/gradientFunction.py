import numpy as np
from sigmoid import sigmoid


def gradientFunction(theta, X, y):
    """
    Compute the gradient of the cost w.r.t. the parameters.
    """
    m = len(y)  # number of training examples

    # ====================== YOUR CODE HERE ======================
    h = sigmoid(X.dot(theta))
    grad = (1.0 / m) * X.T.dot(h - y)
    # =============================================================

    return grad
