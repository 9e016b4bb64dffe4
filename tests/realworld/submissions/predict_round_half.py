import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def predict(X, w, b):
    return sigmoid(X.dot(w) + b).round()
