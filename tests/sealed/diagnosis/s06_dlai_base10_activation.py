import numpy as np


def sigmoid(z):
    return 1 / (1 + np.power(10.0, -z))


def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    dZ = A - Y
    dw = np.dot(X, dZ.T) / m
    db = np.sum(dZ) / m
    cost = float(np.squeeze(cost))
    return {"dw": dw, "db": db}, cost
