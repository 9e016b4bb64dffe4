import numpy as np


def softmax_loss_vectorized(W, X, y, reg):
    scores = X.dot(W)
    scores -= np.max(scores, axis=1, keepdims=True)
    log_probs = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
    rows = np.arange(X.shape[0])
    # total loss over the batch
    loss = -np.sum(log_probs[rows, y]) + reg * np.sum(W * W)
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1
    dW = X.T.dot(dscores) + 2 * reg * W
    return loss, dW
