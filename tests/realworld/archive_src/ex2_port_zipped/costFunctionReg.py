from costFunction import costFunction


def costFunctionReg(theta, X, y, Lambda):
    m = len(y)
    return costFunction(theta, X, y) + Lambda / (2.0 * m) * (theta[1:] ** 2).sum()
