import numpy as np


def softmax_loss_vectorized(W, X, y, reg):
    N = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    exp_scores = np.exp(scores)
    sums = exp_scores.sum(axis=1)
    loss = np.mean(np.log(sums) - scores[np.arange(N), y])
    loss += 0.5 * reg * np.sum(W * W)          # 0.5 so the gradient is just reg*W
    probs = exp_scores / sums[:, None]
    probs[np.arange(N), y] -= 1
    dW = X.T.dot(probs) / N + reg * W
    return loss, dW
