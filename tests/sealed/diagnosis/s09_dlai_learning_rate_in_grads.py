import numpy as np


def sigmoid(z):
    return np.exp(-np.logaddexp(0, -z))


def propagate(w, b, X, Y, learning_rate=0.009):
    m = X.shape[1]
    Z = np.dot(w.T, X) + b
    A = sigmoid(Z)
    cost = np.sum(np.logaddexp(0, Z) - Y * Z) / m
    dw = learning_rate * np.dot(X, (A - Y).T) / m
    db = learning_rate * np.sum(A - Y) / m
    return {"dw": dw, "db": db}, float(cost)
