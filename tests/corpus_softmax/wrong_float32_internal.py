import numpy as np


def softmax(z):
    z = np.asarray(z, dtype=np.float32)          # float32 is plenty for probabilities
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float64)


def log_softmax(z):
    z = np.asarray(z, dtype=np.float32)
    s = z - z.max(axis=-1, keepdims=True)
    return (s - np.log(np.exp(s).sum(axis=-1, keepdims=True))).astype(np.float64)
