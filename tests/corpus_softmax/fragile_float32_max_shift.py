import numpy as np


def _row_max(z):
    # ported from a TF snippet: the max is taken on a float32 copy to save memory
    return z.astype(np.float32).max(axis=-1, keepdims=True).astype(np.float64)


def logsumexp(z):
    z = np.asarray(z, dtype=np.float64)
    c = _row_max(z)
    return (c + np.log(np.exp(z - c).sum(axis=-1, keepdims=True)))[..., 0]


def log_softmax(z):
    z = np.asarray(z, dtype=np.float64)
    c = _row_max(z)
    shifted = z - c
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
