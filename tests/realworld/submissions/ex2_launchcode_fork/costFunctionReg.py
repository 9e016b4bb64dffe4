import numpy as np
from sigmoid import sigmoid


def costFunctionReg(theta, X, y, mylambda):
    """
    Compute cost for logistic regression with regularization
    """
    # Initialize some useful values
    m = len(y)  # number of training examples
    # y comes from pd.read_csv in ex2_reg.py
    y = y.values

    # ====================== YOUR CODE HERE ======================
    z = X.dot(theta)
    J = np.sum(np.logaddexp(0, z) - y * z) / m
    J = J + (mylambda / (2.0 * m)) * np.sum(np.square(theta[1:]))
    # =============================================================

    return J
