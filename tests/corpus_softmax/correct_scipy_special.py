"""Softmax family along the last axis, built on scipy.special.logsumexp."""
import numpy as np
from scipy.special import logsumexp as _scipy_lse


def logsumexp(z):
    """log(sum_k exp(z[i, k])) for each row i: shape (m,)."""
    return _scipy_lse(np.asarray(z, dtype=float), axis=-1)


def log_softmax(z):
    """z[i, j] - logsumexp(z[i, :]): log-probabilities, shape (m, K)."""
    z = np.asarray(z, dtype=float)
    return z - _scipy_lse(z, axis=-1, keepdims=True)


def softmax(z):
    """Probabilities as exp(log_softmax(z)); rows sum to 1."""
    return np.exp(log_softmax(z))


def cross_entropy(z, y):
    """Per-example loss -log softmax(z)[i, y[i]] from logits z (m, K) and labels y (m,)."""
    z = np.asarray(z, dtype=float)
    rows = np.arange(z.shape[0])
    return logsumexp(z) - z[rows, y]
