import numpy as np


def softmax_cost(X, Y, W, b, lam):
    m = X.shape[0]
    Z = X @ W + b
    Z = Z - np.max(Z, axis=1, keepdims=True)
    log_P = Z - np.log(np.sum(np.exp(Z), axis=1, keepdims=True))
    return -np.sum(Y * log_P) / m + lam / (2 * m) * np.sum(W * W)


def softmax_gradient(X, Y, W, b, lam):
    m = X.shape[0]
    Z = X @ W + b
    Z = Z - np.max(Z, axis=1, keepdims=True)
    P = np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True)
    diff = Y - P
    dW = X.T @ diff / m + lam / m * W
    db = np.sum(diff, axis=0) / m
    return dW, db
