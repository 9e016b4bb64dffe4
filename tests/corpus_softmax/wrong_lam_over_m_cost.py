import numpy as np
from scipy.special import log_softmax


def softmax_cost(X, Y, W, b, lam):
    m = X.shape[0]
    log_p = log_softmax(X @ W + b, axis=1)
    return -np.sum(Y * log_p) / m + (lam / m) * np.sum(W ** 2)


def softmax_gradient(X, Y, W, b, lam):
    m = X.shape[0]
    err = np.exp(log_softmax(X @ W + b, axis=1)) - Y
    return X.T @ err / m + (lam / m) * W, err.sum(axis=0) / m
