from sigmoid import sigmoid


def gradientFunction(theta, X, y):
    """gradient of the cost w.r.t. the parameters."""
    m = len(y)
    return X.T.dot(sigmoid(X.dot(theta)) - y) / m
