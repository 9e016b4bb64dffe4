"""log-softmax that stays accurate even for the dominant class.

With the max pulled out, the sum is 1 + (the other terms). Taking log1p of
the other terms alone keeps log p_max correct when it is tiny (e.g. -1e-34)
instead of rounding it to 0.
"""
import numpy as np


def log_softmax(z):
    z = np.asarray(z, dtype=float)
    j = np.argmax(z, axis=-1)[..., None]
    top = np.take_along_axis(z, j, axis=-1)
    e = np.exp(z - top)
    np.put_along_axis(e, j, 0.0, axis=-1)          # the max's own term is exactly 1
    rest = e.sum(axis=-1, keepdims=True)
    return (z - top) - np.log1p(rest)


def cross_entropy(z, y):
    logp = log_softmax(z)
    return -logp[np.arange(logp.shape[0]), np.asarray(y)]
