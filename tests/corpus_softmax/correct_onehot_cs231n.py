import numpy as np


def _one_hot(y, C):
    return np.eye(C)[y]


def softmax_loss_naive(W, X, y, reg):
    N, C = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros_like(W, dtype=float)
    for i in range(N):
        f = X[i] @ W
        f = f - f.max()
        lse = np.log(np.exp(f).sum())
        p = np.exp(f - lse)
        loss -= f[y[i]] - lse
        dW += np.outer(X[i], p - _one_hot(y[i], C))
    loss = loss / N + reg * (W ** 2).sum()
    dW = dW / N + 2 * reg * W
    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    N, C = X.shape[0], W.shape[1]
    Y = _one_hot(y, C)                              # (N, C)
    f = X @ W
    f = f - f.max(axis=1, keepdims=True)
    log_p = f - np.log(np.exp(f).sum(axis=1, keepdims=True))
    loss = -(Y * log_p).sum() / N + reg * (W ** 2).sum()
    dW = X.T @ (np.exp(log_p) - Y) / N + 2 * reg * W
    return loss, dW
