import numpy as np
from sigmoid import sigmoid


def predict(theta, X):
    """ computes the predictions for X using a threshold at 0.5
    (i.e., if sigmoid(theta'*x) >= 0.5, predict 1)
    """
    # ====================== YOUR CODE HERE ======================
    p = np.round(sigmoid(X.dot(theta)), 1) >= 0.5
    # =========================================================================
    return p
