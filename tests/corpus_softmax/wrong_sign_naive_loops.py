import numpy as np


def softmax_loss_naive(W, X, y, reg):
    loss = 0.0
    dW = np.zeros_like(W)
    N, C = X.shape[0], W.shape[1]
    for i in range(N):
        s = X[i].dot(W)
        s = s - s.max()
        e = np.exp(s)
        loss += -s[y[i]] + np.log(e.sum())
        for j in range(C):
            dW[:, j] += e[j] / e.sum() * X[i]
        dW[:, y[i]] += X[i]        # the correct class term
    loss = loss / N + reg * np.sum(W * W)
    dW = dW / N + 2 * reg * W
    return loss, dW
