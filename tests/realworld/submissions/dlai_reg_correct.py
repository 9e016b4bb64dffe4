import numpy as np


def sigmoid(z):
    return np.exp(-np.logaddexp(0, -z))


def propagate(w, b, lambd, X, Y):
    """
    Forward and backward pass with L2 regularization (b is not regularized).
    w -- (n_x, 1), b -- scalar, lambd -- regularization, X -- (n_x, m), Y -- (1, m)
    """
    m = X.shape[1]
    Z = np.dot(w.T, X) + b
    A = sigmoid(Z)
    cost = np.sum(np.logaddexp(0, Z) - Y * Z) / m + lambd / (2 * m) * np.sum(w ** 2)
    dw = np.dot(X, (A - Y).T) / m + (lambd / m) * w
    db = np.sum(A - Y) / m
    return {"dw": dw, "db": db}, float(cost)
