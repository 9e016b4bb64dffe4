"""cs231n assignment 1, Leo's softmax classifier (copied out of the course tree)."""
import numpy as np

def softmax_loss_vectorized(W, X, y, reg):
    scores = X @ W
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    N = X.shape[0]
    loss = -np.mean(np.log(probs[np.arange(N), y])) + reg * np.sum(W * W)
    dscores = probs
    dscores[np.arange(N), y] -= 1
    return loss, X.T @ dscores / N + 2 * reg * W
