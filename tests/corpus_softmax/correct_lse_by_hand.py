import numpy as np


def logsumexp(z):
    # pull the row maximum out of the sum: lse(z) = M + log(sum exp(z - M))
    z = np.asarray(z, dtype=float)
    M = z.max(axis=-1)
    return M + np.log(np.exp(z - M[..., None]).sum(axis=-1))


def log_softmax(z):
    z = np.asarray(z, dtype=float)
    shifted = z - z.max(axis=-1, keepdims=True)          # <= 0, one entry exactly 0
    log_denom = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))   # in [0, log K]
    return shifted - log_denom


def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
