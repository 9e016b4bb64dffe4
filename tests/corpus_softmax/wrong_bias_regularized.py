import numpy as np


def _probs(X, W, b):
    z = X @ W + b
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_cost(X, Y, W, b, lam):
    m = X.shape[0]
    z = X @ W + b
    zmax = z.max(axis=1, keepdims=True)
    log_p = z - zmax - np.log(np.exp(z - zmax).sum(axis=1, keepdims=True))
    penalty = lam / (2 * m) * (np.sum(W ** 2) + np.sum(b ** 2))
    return -np.sum(Y * log_p) / m + penalty


def softmax_gradient(X, Y, W, b, lam):
    m = X.shape[0]
    err = _probs(X, W, b) - Y
    dW = X.T @ err / m + lam / m * W
    db = err.sum(axis=0) / m + lam / m * b
    return dW, db
