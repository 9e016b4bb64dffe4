from sigmoid import sigmoid


def predict(theta, X):
    """1 where sigmoid(X theta) >= 0.5, else 0"""
    return (sigmoid(X.dot(theta)) >= 0.5).astype(int)
