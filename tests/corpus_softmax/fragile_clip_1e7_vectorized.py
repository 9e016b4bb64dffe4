import numpy as np


def softmax_loss_vectorized(W, X, y, reg):
    N = X.shape[0]
    s = X @ W
    s = s - s.max(axis=1, keepdims=True)
    P = np.exp(s)
    P = P / P.sum(axis=1, keepdims=True)
    eps = 1e-7                                  # same epsilon as keras
    p_true = np.clip(P[np.arange(N), y], eps, 1 - eps)
    loss = -np.mean(np.log(p_true)) + reg * np.sum(W * W)
    G = P.copy()
    G[np.arange(N), y] -= 1
    dW = X.T @ G / N + 2 * reg * W
    return loss, dW
