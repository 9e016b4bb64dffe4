"""logsumexp folded pairwise with np.logaddexp, which never overflows."""
import numpy as np


def logsumexp(z):
    z = np.asarray(z, dtype=np.float64)
    return np.logaddexp.reduce(z, axis=-1)


def log_softmax(z):
    z = np.asarray(z, dtype=np.float64)
    return z - np.logaddexp.reduce(z, axis=-1)[:, np.newaxis]


def cross_entropy(z, y):
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y)
    picked = z[np.arange(len(y)), y]
    return np.logaddexp.reduce(z, axis=-1) - picked
