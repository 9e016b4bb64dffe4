import numpy as np
from sigmoid import sigmoid


def gradientFunction(theta, X, y):
    """
    Compute the gradient of the cost w.r.t. the parameters.
    """
    m = len(y)   # number of training examples

# ====================== YOUR CODE HERE ======================
# Instructions: Compute the gradient of a particular choice of theta.

# =============================================================
    grad = np.zeros(theta.shape)
    return grad
