import numpy as np


def softmax_probs(X, W, b):
    Z = X @ W + b
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def softmax_gradient(X, Y, W, b, lam):
    m = X.shape[0]
    err = softmax_probs(X, W, b) - Y             # (m, K)
    dW = err.T @ X / m + (lam / m) * W.T          # one row per class
    db = err.sum(axis=0) / m
    return dW, db
