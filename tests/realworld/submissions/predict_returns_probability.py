import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def predict(X, w, b):
    """probability that each example is positive"""
    return sigmoid(X.dot(w) + b)
