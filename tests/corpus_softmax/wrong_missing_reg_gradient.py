import numpy as np


def softmax_loss_vectorized(W, X, y, reg):
    n_train = X.shape[0]
    scores = X @ W
    scores -= scores.max(axis=1, keepdims=True)
    exp_scores = np.exp(scores)
    probs = exp_scores / exp_scores.sum(axis=1, keepdims=True)
    loss = np.mean(np.log(exp_scores.sum(axis=1)) - scores[range(n_train), y])
    loss += reg * np.sum(W * W)
    probs[range(n_train), y] -= 1
    dW = X.T @ probs / n_train
    return loss, dW
