import numpy as np


def softmax_cost(X, Y, W, b, lam):
    m = X.shape[0]
    Z = X @ W + b
    A = np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True)
    cost = -np.sum(Y * np.log(A)) / m
    return cost + (lam / (2 * m)) * np.sum(np.square(W))


def softmax_gradient(X, Y, W, b, lam):
    m = X.shape[0]
    Z = X @ W + b
    A = np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True)
    dZ = A - Y
    dW = (1 / m) * X.T @ dZ + (lam / m) * W
    db = (1 / m) * np.sum(dZ, axis=0)
    return dW, db
