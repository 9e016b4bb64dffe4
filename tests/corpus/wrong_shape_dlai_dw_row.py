import numpy as np


def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    Z = np.dot(w.T, X) + b
    cost = np.squeeze(np.sum(np.logaddexp(0, Z) - Y * Z) / m)
    dw = np.dot(A - Y, X.T) / m
    db = np.sum(A - Y) / m
    return {"dw": dw, "db": db}, cost
