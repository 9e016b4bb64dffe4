import numpy as np


def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X @ W
    scores = scores - scores.max(axis=1, keepdims=True)
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(num_train), y].mean() + reg * np.sum(W * W)
    # dL/dscores = probs - y
    dscores = np.exp(log_probs) - y[:, np.newaxis]
    dW = X.T @ dscores / num_train + 2 * reg * W
    return loss, dW
