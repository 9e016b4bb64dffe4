from costFunction import costFunction


def costFunctionReg(theta, X, y, Lambda):
    """
    Compute cost for logistic regression with regularization
    """
    m = len(y)   # number of training examples

# ====================== YOUR CODE HERE ======================
# Instructions: Compute the cost of a particular choice of theta.

# =============================================================
    J = 0
    return J
