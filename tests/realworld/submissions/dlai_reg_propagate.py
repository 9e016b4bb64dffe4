import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def propagate(w, b, lambd, X, Y, cost_function="cross_entropy"):
    """
    Forward and backward pass with L2 regularization.
    w -- (n_x, 1), b -- scalar, lambd -- regularization, X -- (n_x, m), Y -- (1, m)
    """
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    if cost_function == "cross_entropy":
        cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=1, keepdims=True) / m
        cost = cost + lambd / (2 * m) * np.sum(w)
    dZ = A - Y
    dw = np.dot(X, dZ.T) / m - (lambd / m) * w
    db = np.sum(dZ, axis=1, keepdims=True) / m
    grads = {"dw": dw, "db": db}
    return grads, cost
