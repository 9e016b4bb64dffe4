import numpy as np


def softmax_loss_vectorized(W, X, y, reg):
    """Softmax loss and gradient, no explicit loops. Same contract as the naive one."""
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    log_norm = np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
    log_probs = scores - log_norm                       # (N, C)

    idx = np.arange(num_train)
    loss = -np.sum(log_probs[idx, y]) / num_train
    loss += reg * np.sum(W * W)

    dscores = np.exp(log_probs)
    dscores[idx, y] -= 1
    dW = X.T.dot(dscores) / num_train
    dW += 2 * reg * W
    return loss, dW
