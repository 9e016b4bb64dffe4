import numpy as np


def softmax(z):
    # whatever comes in (float32 activations from a network, ints, lists),
    # do the arithmetic and the sums in float64
    z64 = np.asarray(z).astype(np.float64)
    shifted = z64 - np.max(z64, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True, dtype=np.float64)


def softmax_loss_vectorized(W, X, y, reg):
    W64 = np.asarray(W, dtype=np.float64)
    X64 = np.asarray(X, dtype=np.float64)
    N = X64.shape[0]
    s = X64 @ W64
    s = s - np.max(s, axis=1, keepdims=True)
    lse = np.log(np.sum(np.exp(s), axis=1, dtype=np.float64))
    loss = np.mean(lse - s[np.arange(N), y]) + reg * np.sum(W64 * W64, dtype=np.float64)
    P = np.exp(s - lse[:, None])
    P[np.arange(N), y] -= 1.0
    dW = X64.T @ P / N + 2.0 * reg * W64
    return float(loss), dW
