import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def predict(X, w, b):
    m, n = X.shape
    p = np.zeros(m)
    for i in range(m):
        f_wb = sigmoid(np.dot(X[i], w) + b)
        if f_wb > 0.5:
            p[i] = 1
        else:
            p[i] = 0
    return p
