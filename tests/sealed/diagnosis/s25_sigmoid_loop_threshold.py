import math

import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    for idx, t in np.ndenumerate(z):
        if t > 35:
            out[idx] = 1.0
        elif t < -35:
            out[idx] = 0.0
        elif t >= 0:
            out[idx] = 1.0 / (1.0 + math.exp(-t))
        else:
            e = math.exp(t)
            out[idx] = e / (1.0 + e)
    return out
