"""Multinomial logistic regression: cost and gradient written with np.einsum.

X (m, n), one-hot Y (m, K), W (n, K), b (K,). The penalty lam/(2m) ||W||^2
leaves the bias alone.
"""
import numpy as np


def _log_probs(X, W, b):
    Z = np.einsum("in,nk->ik", X, W) + b
    Z = Z - Z.max(axis=1, keepdims=True)
    return Z - np.log(np.einsum("ik->i", np.exp(Z)))[:, None]


def softmax_cost(X, Y, W, b, lam):
    m = X.shape[0]
    log_p = _log_probs(X, W, b)
    data_term = -np.einsum("ik,ik->", Y, log_p) / m
    return data_term + lam / (2 * m) * np.einsum("nk,nk->", W, W)


def softmax_gradient(X, Y, W, b, lam):
    m = X.shape[0]
    E = np.exp(_log_probs(X, W, b)) - Y          # P - Y, (m, K)
    dW = np.einsum("in,ik->nk", X, E) / m + (lam / m) * W
    db = np.einsum("ik->k", E) / m
    return dW, db
