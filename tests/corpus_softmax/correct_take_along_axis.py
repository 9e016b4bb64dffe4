import numpy as np


def log_softmax(z):
    z = np.asarray(z, dtype=np.float64)
    top = np.max(z, axis=-1, keepdims=True)
    shifted = z - top
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def cross_entropy(z, y):
    """Negative log-likelihood of the labelled class, one value per example."""
    logp = log_softmax(z)
    idx = np.asarray(y, dtype=np.intp).reshape(-1, 1)
    return -np.take_along_axis(logp, idx, axis=-1)[:, 0]
