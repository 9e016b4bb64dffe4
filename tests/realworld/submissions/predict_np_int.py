import numpy as np


def _sigmoid(z):
    return np.clip(1 / (1.0 + np.exp(-z)), 1e-8, 1 - (1e-8))


def _f(X, w, b):
    return _sigmoid(np.matmul(X, w) + b)


def predict(X, w, b):
    return np.round(_f(X, w, b)).astype(np.int)
