"""Smoothing mass spread over the K - 1 wrong classes: the true class gets
1 - eps and each other class eps / (K - 1)."""
import numpy as np


def smoothed_cross_entropy(z, y, eps):
    pred = np.asarray(z, dtype=np.float64)
    target = np.asarray(y, dtype=int)
    n, classes = pred.shape

    pred = pred - pred.max(axis=1, keepdims=True)
    pred = pred - np.log(np.exp(pred).sum(axis=1, keepdims=True))  # log_softmax

    true_dist = np.empty_like(pred)
    true_dist.fill(eps / max(classes - 1, 1))
    true_dist[np.arange(n), target] = 1.0 - eps
    return np.sum(-true_dist * pred, axis=-1)
