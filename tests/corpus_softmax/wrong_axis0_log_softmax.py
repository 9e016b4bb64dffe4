import numpy as np


def log_softmax(z):
    z = np.asarray(z, dtype=float)
    shifted = z - z.max(axis=-1, keepdims=True)
    # sum of the exponentials (keepdims so it broadcasts back)
    denom = np.exp(shifted).sum(axis=0, keepdims=True)
    return shifted - np.log(denom)
