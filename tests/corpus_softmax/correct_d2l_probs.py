"""From-scratch softmax regression pieces, the d2l way, with the max shift added."""
import numpy as np


def softmax(X):
    X_exp = np.exp(X - X.max(axis=1, keepdims=True))
    partition = X_exp.sum(axis=1, keepdims=True)
    return X_exp / partition


def cross_entropy_from_probs(y_hat, y):
    """-log of the probability given to the true class; y_hat are probabilities."""
    return -np.log(y_hat[np.arange(len(y_hat)), y])
