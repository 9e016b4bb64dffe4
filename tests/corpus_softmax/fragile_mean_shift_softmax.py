import numpy as np


def softmax(z):
    z = np.asarray(z, dtype=float)
    # centre the logits so exp stays in a reasonable range
    centred = z - z.mean(axis=-1, keepdims=True)
    e = np.exp(centred)
    return e / e.sum(axis=-1, keepdims=True)
