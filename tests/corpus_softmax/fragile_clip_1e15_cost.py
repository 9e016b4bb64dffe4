import numpy as np


def softmax_cost(X, Y, W, b, lam):
    m = X.shape[0]
    Z = X @ W + b
    Z = Z - Z.max(axis=1, keepdims=True)
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    P = np.clip(P, 1e-15, 1 - 1e-15)        # avoid log(0)
    return -np.sum(Y * np.log(P)) / m + lam / (2 * m) * np.sum(W ** 2)


def softmax_gradient(X, Y, W, b, lam):
    m = X.shape[0]
    Z = X @ W + b
    Z = Z - Z.max(axis=1, keepdims=True)
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    return X.T @ (P - Y) / m + lam / m * W, (P - Y).sum(axis=0) / m
