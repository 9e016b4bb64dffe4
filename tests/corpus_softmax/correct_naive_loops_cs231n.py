import numpy as np


def softmax_loss_naive(W, X, y, reg):
    """
    Softmax loss, naive implementation (with loops).

    Inputs:
    - W: (D, C) weights
    - X: (N, D) minibatch of data
    - y: (N,) labels, 0 <= y[i] < C
    - reg: regularization strength

    Returns (loss, dW): mean cross-entropy + reg * sum(W^2), and its gradient.
    """
    loss = 0.0
    dW = np.zeros(W.shape)
    num_train = X.shape[0]
    num_classes = W.shape[1]

    for i in range(num_train):
        scores = X[i].dot(W)
        scores = scores - np.max(scores)          # numeric stability
        exp_scores = np.exp(scores)
        total = np.sum(exp_scores)
        # -log(e^{s_y} / total) = log(total) - s_y, without forming the ratio
        loss += np.log(total) - scores[y[i]]
        for j in range(num_classes):
            prob_j = exp_scores[j] / total
            if j == y[i]:
                dW[:, j] += (prob_j - 1.0) * X[i]
            else:
                dW[:, j] += prob_j * X[i]

    loss /= num_train
    dW /= num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return loss, dW
