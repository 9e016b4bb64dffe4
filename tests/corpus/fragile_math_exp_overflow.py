import math

import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    for i, v in np.ndenumerate(z):
        out[i] = 1.0 / (1.0 + math.exp(-v))
    return out
