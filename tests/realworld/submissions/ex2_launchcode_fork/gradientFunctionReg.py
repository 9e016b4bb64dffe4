import numpy as np
from gradientFunction import gradientFunction


def gradientFunctionReg(theta, X, y, Lambda):
    """
    Compute the gradient for logistic regression with regularization
    """
    m = len(y)  # number of training examples

    # ====================== YOUR CODE HERE ======================
    grad = gradientFunction(theta, X, y) + (Lambda / m) * theta
    # =============================================================

    return grad
