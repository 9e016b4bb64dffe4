import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def predict(X, w, b):
    # a bit more conservative than 0.5
    p = sigmoid(np.dot(X, w) + b)
    return np.where(p >= 0.55, 1, 0)
